// Issue 10 item 2 (messenger): a web resident applies, staff change the status and ask for a
// correction, and the resident finds both under お知らせ in 申請した手続き — an unread badge whose
// accessible name has the count (on the home page too), opening marks them read, the
// correction message opens the correction chat. axe, 44 px targets, 320 px at 200 % text.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, driveChat, launch, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const home = () => `/t/${encodeURIComponent(config.tenant)}`;

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Buttons and links a finger must hit that are smaller than 44×44 CSS px. */
function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('main a[href], main button')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.width < 43.5 || r.height < 43.5); })
    .filter((el) => !(el.matches('a') && getComputedStyle(el).display === 'inline' && el.parentElement.textContent.trim() !== el.textContent.trim()))
    .map((el) => `${el.tagName}[${el.textContent.trim().slice(0, 20)}]`));
}

/** Staff act through the API in their own browser context (session cookie + CSRF token). */
async function staff() {
  const { context, page } = await newPage(browser);
  const login = await page.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  assert.equal(login.status(), 200, await login.text());
  const csrf = (await login.json()).csrf_token;
  const call = async (method, path, data) => {
    const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
    assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  return { context, call };
}

test('a web resident sees a status change and a correction request under お知らせ', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  const office = await staff();
  try {
    // The resident applies on the web.
    await page.goto(home());
    const link = page.locator('[data-testid=service-link][data-service-key=school-absence]');
    await link.waitFor();
    assert.equal(await page.getByTestId('messages-home-link').count(), 0, 'no badge before any news');
    await link.click();
    await page.waitForURL(/\/chat\//);
    const { receipt } = await driveChat(page);
    assert.ok(receipt);

    // Staff change the status, then ask for a correction of the class.
    const app = (await office.call('GET', `/api/applications?q=${encodeURIComponent(receipt)}`)).items[0];
    await office.call('PATCH', `/api/applications/${app.id}`, { status: 'in_progress' });
    const corr = await office.call('POST', `/api/applications/${app.id}/corrections`, { step_ids: ['class'], reason: '組をご確認ください' });
    const correctionPath = corr.corrections.at(-1).resident_path;

    // The home page says there is news (the notices are jobs: reload until they arrive).
    const homeBadge = page.getByRole('link', { name: 'お知らせ 未読2件' });
    for (let i = 0; i < 50 && !(await homeBadge.count()); i++) {
      await page.goto(home());
      await page.getByTestId('service-link').first().waitFor();
      await page.waitForTimeout(200);
    }
    assert.equal(await homeBadge.count(), 1, 'home shows お知らせ 未読2件');
    assert.deepEqual(await axe(page, 'home with unread'), []);
    await homeBadge.click();
    await page.waitForURL(/\/my$/);

    // 申請した手続き: the closed お知らせ with its badge.
    const toggle = page.getByRole('button', { name: 'お知らせ 未読2件' });
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal((await page.getByTestId('messages-unread').innerText()).trim(), '2');
    assert.deepEqual(await axe(page, 'my, notices closed'), []);

    // Opening shows both, newest first, and marks them read.
    await toggle.click();
    const items = page.getByTestId('message');
    await items.nth(1).waitFor();
    assert.equal(await items.count(), 2);
    assert.equal(await items.nth(0).getAttribute('data-kind'), 'correction');
    const statusText = await items.nth(1).innerText();
    assert.ok(statusText.includes(receipt) && statusText.includes('「処理中」'), statusText);
    assert.ok((await items.nth(0).innerText()).includes('組をご確認ください'));
    await page.getByRole('button', { name: 'お知らせ', exact: true }).waitFor();
    assert.equal(await page.getByTestId('messages-unread').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'お知らせ', exact: true }).getAttribute('aria-expanded'), 'true');
    // The status message links to this very page: no link; the correction's opens its chat.
    assert.equal(await items.nth(1).getByTestId('message-link').count(), 0);
    const open = items.nth(0).getByTestId('message-link');
    assert.equal(await open.getAttribute('href'), correctionPath);
    assert.deepEqual(await axe(page, 'my, notices open'), []);
    assert.deepEqual(await smallTargets(page), []);
    await screenshot(page, 'resident-messages-open');

    // Read stays read.
    await page.reload();
    await page.getByRole('button', { name: 'お知らせ', exact: true }).waitFor();
    assert.equal(await page.getByTestId('messages-unread').count(), 0);
    await page.goto(home());
    await page.getByTestId('service-link').first().waitFor();
    assert.equal(await page.getByTestId('messages-home-link').count(), 0);

    // The correction message opens the correction dialog on this device.
    await page.goto(`${home()}/my`);
    await page.getByTestId('messages-toggle').click();
    await page.getByTestId('message-link').first().click();
    await page.waitForURL(/\/my\/correction\//);
    await page.locator('[data-testid=chat-active][data-step-id=class]').waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await office.context.close();
    await context.close();
  }
});

test('お知らせ on a 320 px phone at 200 % text: no horizontal scroll, 44 px targets', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 568 }, context: { hasTouch: true, isMobile: true } });
  const office = await staff();
  try {
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; });
    });
    await page.goto(home());
    await page.locator('[data-testid=service-link][data-service-key=school-absence]').click();
    await page.waitForURL(/\/chat\//);
    const { receipt } = await driveChat(page);
    const app = (await office.call('GET', `/api/applications?q=${encodeURIComponent(receipt)}`)).items[0];
    await office.call('PATCH', `/api/applications/${app.id}`, { status: 'done' });
    const toggle = page.getByRole('button', { name: 'お知らせ 未読1件' });
    for (let i = 0; i < 50 && !(await toggle.count()); i++) {
      await page.goto(`${home()}/my`);
      await page.getByTestId('my-item').first().waitFor();
      await page.waitForTimeout(200);
    }
    await toggle.click();
    await page.getByTestId('message').first().waitFor();
    assert.ok((await page.getByTestId('message').first().innerText()).includes('「完了」'));
    const m = await page.evaluate(() => ({ scrollW: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
    assert.ok(m.scrollW <= m.vw, `horizontal scroll ${m.scrollW} > ${m.vw}`);
    assert.deepEqual(await smallTargets(page), []);
    await screenshot(page, 'resident-messages-320-200pct');
    assert.deepEqual(page.problems, []);
  } finally {
    await office.context.close();
    await context.close();
  }
});
