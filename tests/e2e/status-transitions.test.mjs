// Issue 9 item 13: after a correction request (不備) the console offers no 完了/却下/取り下げ
// until the resident's correction arrives (the server would refuse them with 409).
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the status control offers only allowed statuses while a correction is open', async () => {
  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('applications').waitFor();
    await page.getByTestId('app-link').first().click();
    const detail = page.getByTestId('application-detail');
    await detail.waitFor();
    const status = await page.locator('[data-testid=status-badge]').first().getAttribute('data-status');
    assert.equal(await page.getByTestId('status-correction-note').count(), 0);

    const form = page.getByTestId('correction-form');
    await form.locator('input[type=checkbox]').first().check();
    await page.getByTestId('correction-reason').fill('内容を確認してください');
    await page.getByTestId('correction-send').click();
    await page.getByTestId('status-correction-note').waitFor();
    for (const s of ['done', 'rejected', 'withdrawn'])
      if (s !== status) assert.equal(await page.getByTestId(`status-${s}`).count(), 0, `status-${s} offered`);
    assert.equal(await page.getByTestId('status-in_progress').count(), 1);
    await screenshot(page, 'status-while-correcting');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
