// The staff console is a separate chunk: a resident opening the chat page downloads no console
// code, the assets arrive precompressed, and the console still loads (and logs in) on demand.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, launch, newPage } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Every script the page fetches, in order, with the response's Content-Encoding.
function watchScripts(page) {
  const scripts = [];
  page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return;
    scripts.push({ url: new URL(res.url()).pathname, encoding: await res.headerValue('content-encoding') });
  });
  return scripts;
}

test('a resident page loads no console code; the console loads on demand', async () => {
  const { context, page } = await newPage(browser);
  try {
    const scripts = watchScripts(page);
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    await page.getByTestId('service-link').first().waitFor();
    await page.waitForLoadState('networkidle');
    const resident = scripts.map((s) => s.url);
    assert.ok(resident.length > 0, 'the resident page loaded its script');
    assert.ok(resident.every((u) => u.startsWith('/assets/')), `scripts: ${resident}`);
    assert.ok(!resident.some((u) => /ConsoleApp/.test(u)), `console chunk on a resident page: ${resident}`);
    // The code itself: no console screen is in what the resident downloaded.
    for (const url of resident) {
      const body = await (await context.request.get(url)).text();
      assert.ok(!/login-submit|nav-applications/.test(body), `${url} holds console code`);
    }
    // Precompressed at build and sent compressed (Chromium sends br only over HTTPS).
    for (const s of scripts) assert.ok(['br', 'gzip'].includes(s.encoding), `${s.url}: ${s.encoding}`);

    // Client-side navigation to the console fetches its chunk, and the login works.
    await page.goto('/console/login');
    await page.getByTestId('login-form').waitFor();
    const consoleChunks = scripts.map((s) => s.url).filter((u) => /ConsoleApp/.test(u));
    assert.equal(consoleChunks.length, 1, `console chunk: ${scripts.map((s) => s.url)}`);
    await page.getByTestId('login-tenant').fill(config.tenant);
    await page.getByTestId('login-email').fill(config.email);
    await page.getByTestId('login-password').fill(config.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
