// Staff management in the console (issue 9 item 17): an admin adds a staff member, resets
// their password and deactivates them; the staff member changes their own password.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

/** Serious/critical axe violations on the page, as readable lines. */
async function axeProblems(page) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin adds, resets and deactivates a staff member, who changes their own password', async () => {
  const email = `e2e-staff-${Date.now()}@demo.example`;
  const first = 'はじめのあいことばです1';
  const reset = 'さいせっていのあいことば2';
  const own = 'じぶんできめたあいことば3';
  const admin = await newPage(browser);
  const staff = await newPage(browser, { viewport: { width: 390, height: 844 } }); // a phone
  try {
    const { page } = admin;
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-staff').click();
    await page.getByTestId('staff-table').waitFor();

    // Add a staff member.
    await page.locator('#st-name').fill('窓口 次郎');
    await page.locator('#st-email').fill(email);
    await page.locator('#st-pass').fill(first);
    await page.locator('#st-role').selectOption('operator');
    await page.locator('#st-dept').fill('市民課');
    await page.getByTestId('staff-form').getByRole('button', { name: '職員を追加' }).click();
    await page.getByTestId('notice').filter({ hasText: '窓口 次郎 さんを追加しました' }).waitFor();
    const row = page.getByTestId(`staff-row-${email}`);
    await row.waitFor();

    // Reset the password: a weak one is refused with the API's Japanese message.
    await row.getByTestId('staff-edit').click();
    const editor = page.getByTestId('staff-editor');
    await editor.waitFor();
    await editor.locator('#se-pass').fill('password1234');
    await editor.getByTestId('staff-reset-submit').click();
    const refused = (await editor.getByTestId('staff-editor-error').innerText()).trim();
    assert.match(refused, /パスワード/);
    await editor.locator('#se-pass').fill(reset);
    await editor.getByTestId('staff-reset-submit').click();
    await page.getByTestId('notice').filter({ hasText: 'パスワードを再設定しました' }).waitFor();
    await screenshot(page, 'staff-editor');
    assert.deepEqual(await axeProblems(page), [], 'staff editor accessibility');

    // The staff member logs in with the reset password and changes it themselves.
    const s = staff.page;
    await login(s, { email, password: reset });
    await s.getByTestId('dashboard').waitFor();
    // On a phone the menu opens from ☰ first, as a staff member would do it.
    await s.locator('.menu-toggle').click();
    await s.getByTestId('nav-password').click();
    await s.getByTestId('own-password').waitFor();
    await s.locator('#pw-current').fill('まちがったあいことばです');
    await s.locator('#pw-new').fill(own);
    await s.locator('#pw-confirm').fill(own);
    await s.getByTestId('password-submit').click();
    await s.getByTestId('error').filter({ hasText: '現在のパスワードが違います' }).waitFor();
    await s.locator('#pw-current').fill(reset);
    await s.locator('#pw-new').fill(own);
    await s.locator('#pw-confirm').fill(own);
    await s.getByTestId('password-submit').click();
    await s.getByTestId('notice').filter({ hasText: 'パスワードを変更しました' }).waitFor();
    assert.deepEqual(await axeProblems(s), [], 'own password page accessibility');
    assert.equal((await s.request.get('/api/session')).status(), 200, 'the changing session stays');
    const old = await s.request.post('/api/login', { data: { tenant: config.tenant, email, password: reset } });
    assert.equal(old.status(), 401, 'the reset password no longer works');

    // The admin deactivates the account; the staff member's session ends at once.
    page.once('dialog', (d) => d.accept());
    await editor.getByTestId('staff-deactivate').click();
    await page.getByTestId('notice').filter({ hasText: 'アカウントを無効にしました' }).waitFor();
    await row.getByTestId('staff-inactive').waitFor();
    await editor.getByTestId('staff-reactivate').waitFor();
    await s.reload();
    await s.getByTestId('login-form').waitFor();
    await login(s, { email, password: own });
    await s.getByTestId('login-error').waitFor();
    assert.equal((await s.request.get('/api/session')).status(), 401);

    assert.deepEqual(page.problems, []);
    assert.deepEqual(s.problems, []);
  } finally {
    await admin.context.close();
    await staff.context.close();
  }
});
