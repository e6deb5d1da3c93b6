// Staff console: login, dashboard, locale switch, logout, wrong password.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, launch, login, newPage, screenshot, tenantName } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('staff log in, see the dashboard, switch language, log out', async () => {
  const { context, page } = await newPage(browser);
  try {
    const name = await tenantName(page.request);
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    const shown = (await page.getByTestId('dashboard-tenant').innerText()).trim();
    assert.ok(shown.length > 0, 'municipality name shown on the dashboard');
    if (name) assert.equal(shown, name);
    assert.equal((await page.getByTestId('tenant-name').innerText()).trim(), shown);

    // Real counts from /api/dashboard.
    const apiCounts = (await (await page.request.get('/api/dashboard')).json()).counts;
    const services = (await page.getByTestId('count-services').innerText()).replace(/[^\d]/g, '');
    assert.equal(Number(services), apiCounts.services);
    const apps = (await page.getByTestId('count-applications').innerText()).replace(/[^\d]/g, '');
    assert.equal(Number(apps), apiCounts.applications);

    await page.locator('h1', { hasText: 'ダッシュボード' }).waitFor();
    await screenshot(page, 'dashboard');

    // English and back; the choice survives a reload (localStorage).
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('nav-applications').filter({ hasText: 'Applications' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.reload();
    await page.getByTestId('nav-applications').filter({ hasText: 'Applications' }).waitFor();
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('nav-applications').filter({ hasText: '申請一覧' }).waitFor();

    // Every console page renders without crashing.
    for (const key of ['applications', 'services', 'audit', 'staff', 'line', 'jobs']) {
      await page.getByTestId(`nav-${key}`).click();
      await page.waitForURL(new RegExp(`/console/${key}`));
      await page.locator('main h1').first().waitFor();
    }

    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    const s = await page.request.get('/api/session');
    assert.equal(s.status(), 401, 'session gone after logout');
    await page.goto('/console');
    await page.getByTestId('login-form').waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('a wrong password shows the error from the API', async () => {
  const { context, page } = await newPage(browser);
  try {
    await login(page, { password: `${config.password}-wrong` });
    const err = page.getByTestId('login-error').or(page.getByTestId('login-locked'));
    await err.waitFor();
    assert.ok((await err.innerText()).trim().length > 0);
    assert.equal(await page.getByTestId('dashboard').count(), 0);
    assert.match(page.url(), /\/console\/login/);
  } finally {
    await context.close();
  }
});
