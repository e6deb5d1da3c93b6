// Issue 9 item 16: the demo イベント service is 公開中 but its 受付期間 is over, so residents
// cannot see it; the console's service list says so next to 公開中.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the service list warns that the published イベント service is hidden from residents', async () => {
  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.goto('/console/services');
    const event = page.locator('[data-testid="service-row"][data-service-key="event"]');
    await event.waitFor();
    assert.match(await event.innerText(), /公開中/);
    const warning = event.getByTestId('service-hidden');
    await warning.waitFor();
    const text = (await warning.innerText()).trim();
    assert.match(text, /住民には表示されていません/);
    assert.match(text, /受付期間（2025\/6\/1〜2025\/7\/15）が終わっています/);
    // A service residents do see carries no warning.
    const open = page.locator('[data-testid="service-row"][data-service-key="school-absence"]');
    await open.waitFor();
    assert.equal(await open.getByTestId('service-hidden').count(), 0);
    await screenshot(page, 'service-visibility');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
