// The built front end runs under the server's Content-Security-Policy: resident and staff
// pages load and work with no CSP violation, while an injected inline script is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, launch, login, newPage } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Collects CSP violations both from the console and from the DOM event.
async function watchCsp(page) {
  const violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy|ERR_BLOCKED_BY_CSP/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('__mgCspViolation', (v) => violations.push(`event: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__mgCspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

test('resident and staff pages run under the CSP without violations', async () => {
  const { context, page } = await newPage(browser);
  try {
    const violations = await watchCsp(page);
    const res = await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    const csp = res.headers()['content-security-policy'];
    assert.ok(csp && csp.includes("script-src 'self'"), `page CSP: ${csp}`);
    assert.equal(res.headers()['x-frame-options'], 'DENY');
    await page.getByTestId('service-link').first().waitFor();
    await page.getByTestId('service-link').first().click();
    await page.waitForURL(/\/chat\//);
    await page.getByTestId('chat-log').waitFor();

    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('applications').waitFor();
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems, []);

    // The watcher does see a violation: an injected inline script is blocked.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__mgInjected = true';
      document.body.appendChild(s);
    });
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__mgInjected), undefined, 'inline script ran');
    assert.ok(violations.some((v) => /script-src/.test(v)), `violation reported: ${violations}`);
  } finally {
    await context.close();
  }
});
