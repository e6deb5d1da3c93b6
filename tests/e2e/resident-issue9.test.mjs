// Issue 9 (web residents), in the browser: answering a correction request (不備) from
// 申請した手続き and from the link staff send (only on the device that applied); やめる asks
// first (Escape cancels); no rating star looks chosen before the resident chooses; a survey
// hands out no 受付番号.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, driveChat, launch, login, newPage, screenshot } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };
const home = () => `/t/${encodeURIComponent(config.tenant)}`;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// Staff, through the API: the console's own calls.
async function staff() {
  const r = await fetch(`${config.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: config.tenant, email: config.email, password: config.password }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = (await r.json()).csrf_token;
  const call = async (method, path, body) => {
    const res = await fetch(`${config.base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}

async function openService(page, title) {
  await page.goto(home());
  const link = page.getByTestId('service-link').filter({ hasText: title }).first();
  await link.waitFor();
  await link.click();
  await page.waitForURL(/\/chat\//);
  await page.getByTestId('chat-active').waitFor();
}

async function waitTurn(page, usersBefore) {
  await page.waitForFunction((n) => document.querySelector('[data-testid=chat-error]') ||
    (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]')), usersBefore);
  const err = page.getByTestId('chat-error');
  if (await err.count()) throw new Error(`chat error: ${await err.innerText()}`);
}

async function smallTargets(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && (r.width < 43.5 || r.height < 43.5)).map((r) => `${Math.round(r.width)}×${Math.round(r.height)}`), selector);
}

test('a web resident answers a correction from 申請した手続き; the link works only on that device', async () => {
  const api = await staff();
  const { context, page } = await newPage(browser, PHONE);
  const other = await newPage(browser, PHONE);
  const bad = [];
  try {
    await openService(page, '学校の欠席連絡');
    const { receipt } = await driveChat(page);
    assert.match(receipt, /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);

    const id = (await api.get(`/api/applications?q=${receipt}`)).json.items[0].id;
    const corr = await api.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '組が名簿と違います' });
    assert.equal(corr.status, 201, JSON.stringify(corr.json));
    const link = corr.json.corrections.at(-1).resident_path;
    assert.match(link, /^\/t\/demo\/my\/correction\/\d+$/);

    // 申請した手続き shows the request, the reason, and a way to answer it.
    await page.getByTestId('my-link').click();
    const item = page.locator(`[data-testid=my-item][data-receipt="${receipt}"]`);
    await item.getByTestId('my-correction').waitFor();
    assert.ok((await item.innerText()).includes('組が名簿と違います'));
    bad.push(...await axe(page, 'my applications with a correction'));
    assert.deepEqual(await smallTargets(page, '[data-testid=my-correction-open]'), []);
    await screenshot(page, 'issue9-my-correction');
    await item.getByTestId('my-correction-open').click();
    await page.waitForURL(new RegExp(`${link}$`));

    // The chat re-asks the class, with the reason; the resident corrects and resubmits.
    const active = page.locator('[data-testid=chat-active][data-step-id=class]');
    await active.waitFor();
    assert.ok((await page.getByTestId('chat-log').innerText()).includes('組が名簿と違います'));
    assert.equal((await page.getByTestId('chat-title').innerText()).trim(), '学校の欠席連絡');
    bad.push(...await axe(page, 'correction chat'));
    let users = await page.getByTestId('bubble-user').count();
    await page.getByTestId('chat-text-input').fill('3年1組');
    await page.getByTestId('chat-send').click();
    await waitTurn(page, users);
    const summary = page.locator('[data-testid=chat-active][data-input-type=summary], [data-testid=chat-active][data-input-type=confirm]');
    await summary.waitFor();
    users = await page.getByTestId('bubble-user').count();
    await page.getByTestId('confirm-choice').first().click();
    await page.getByTestId('completion').waitFor();
    assert.equal((await page.getByTestId('receipt-number').first().innerText()).trim(), receipt);
    assert.equal(await page.getByTestId('chat-again').count(), 0, 'a correction offers no new application');
    await screenshot(page, 'issue9-correction-done');

    // Staff get it back: corrected answer, correction resolved, 完了 allowed again.
    const detail = (await api.get(`/api/applications/${id}`)).json;
    assert.ok(detail.answers.some((a) => a.display === '3年1組'), JSON.stringify(detail.answers));
    assert.equal(detail.corrections.at(-1).status, 'resolved');
    assert.ok(detail.allowed_statuses.includes('done'));
    await page.goto(`${home()}/my`);
    await page.locator(`[data-testid=my-item][data-receipt="${receipt}"]`).waitFor();
    assert.equal(await page.getByTestId('my-correction').count(), 0);

    // A second request, opened from the link: works on this device, refused on another.
    const corr2 = await api.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: 'もう一度確認してください' });
    const link2 = corr2.json.corrections.at(-1).resident_path;
    await other.page.goto(link2);
    const refused = other.page.getByTestId('correction-refused');
    await refused.waitFor();
    assert.match(await refused.innerText(), /同じ端末/);
    assert.equal(await other.page.getByTestId('chat-log').count(), 0);
    bad.push(...await axe(other.page, 'correction refused'));
    // Staff see the link to send in the application's detail.
    const staffView = await newPage(browser);
    try {
      await login(staffView.page);
      await staffView.page.getByTestId('dashboard').waitFor();
      await staffView.page.goto(`/console/applications/${id}`);
      const shown = staffView.page.getByTestId('correction-link');
      await shown.waitFor();
      assert.ok((await shown.innerText()).includes(`${config.base}${link2}`), await shown.innerText());
    } finally {
      await staffView.context.close();
    }
    await page.goto(link2);
    await page.locator('[data-testid=chat-active][data-step-id=class]').waitFor();
    assert.ok((await page.getByTestId('chat-log').innerText()).includes('もう一度確認してください'));
  } finally {
    await context.close();
    await other.context.close();
  }
  assert.deepEqual(bad, []);
});

test('やめる asks first: Escape and 続ける keep the chat, confirming by keyboard ends it', async () => {
  const { context, page } = await newPage(browser, PHONE);
  const bad = [];
  try {
    await openService(page, '学校の欠席連絡');
    let users = await page.getByTestId('bubble-user').count();
    await page.getByTestId('chat-text-input').fill('魚津 ゆい');
    await page.getByTestId('chat-send').click();
    await waitTurn(page, users);
    const quit = page.getByTestId('cmd-quit');
    const dialog = page.getByRole('dialog', { name: '手続きをやめますか？' });

    await quit.click();
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'quit-cancel', 'the safe choice has focus');
    bad.push(...await axe(page, 'quit dialog'));
    assert.deepEqual(await smallTargets(page, '[data-testid=quit-cancel], [data-testid=quit-confirm]'), []);
    await screenshot(page, 'issue9-quit-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'cmd-quit', 'focus returns to やめる');
    assert.ok(!(await page.getByTestId('chat-log').innerText()).includes('中止しました'));

    await quit.click();
    await page.getByTestId('quit-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('chat-active').getAttribute('data-step-id'), 'class', 'nothing was discarded');

    // Keyboard only: open with Enter, Tab to the confirming button, Enter.
    await quit.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'quit-confirm');
    users = await page.getByTestId('bubble-user').count();
    await page.keyboard.press('Enter');
    await waitTurn(page, users);
    await page.getByTestId('chat-again').waitFor();
    assert.ok((await page.getByTestId('chat-log').innerText()).includes('中止しました'));
  } finally {
    await context.close();
  }
  assert.deepEqual(bad, []);
});

test('a survey: no star looks chosen before choosing (focus is visible apart), and no receipt number', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openService(page, 'アンケート');
    const step = async (fn) => { const n = await page.getByTestId('bubble-user').count(); await fn(); await waitTurn(page, n); };
    await step(() => page.getByTestId('chat-active').getByTestId('choice').first().click());
    await step(async () => {
      await page.getByTestId('multi-option').first().check();
      await page.getByTestId('multi-decide').click();
    });
    await step(() => page.getByTestId('chat-active').getByTestId('choice').first().click());
    await step(async () => {
      await page.getByTestId('chat-text-input').fill('使いやすかったです');
      await page.getByTestId('chat-send').click();
    });
    // Confirm by keyboard, so the focus the chat then moves to the first star is keyboard focus.
    await page.getByTestId('confirm-choice').first().focus();
    await step(() => page.keyboard.press('Enter'));
    await page.locator('[data-testid=chat-active][data-input-type=rating]').waitFor();

    const completion = page.getByTestId('completion');
    await completion.waitFor();
    assert.equal(await page.getByTestId('receipt-number').count(), 0, 'no receipt number for a survey');
    assert.ok(!(await completion.innerText()).includes('受付番号'), await completion.innerText());

    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'rating-star');
    const stars = await page.evaluate(() => [...document.querySelectorAll('[data-testid=rating-star]')].map((el) => {
      const cs = getComputedStyle(el);
      return { color: cs.color, outline: cs.outlineStyle, focused: el === document.activeElement };
    }));
    assert.equal(stars.length, 5);
    const colors = new Set(stars.map((s) => s.color));
    assert.equal(colors.size, 1, `all stars look the same before choosing: ${JSON.stringify(stars)}`);
    assert.ok(stars[0].focused, 'the first star has focus');
    assert.notEqual(stars[0].outline, 'none', 'focus is visible');
    assert.equal(stars[1].outline, 'none');
    await screenshot(page, 'issue9-rating-unchosen');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const n = await page.getByTestId('bubble-user').count();
    await page.keyboard.press('Enter');
    await waitTurn(page, n);
    await page.getByTestId('chat-again').waitFor();
    assert.ok((await page.getByTestId('chat-log').innerText()).includes('改善に活用'));
  } finally {
    await context.close();
  }
});
