// Privacy notice (個人情報の取扱い) on the web: before the first personal question of 粗大ごみ the
// resident reads the town's notice and must agree; refusing explains it cannot continue and
// offers やめる; the consent (notice version + time) is kept with the application for staff.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { after, before, test } from 'node:test';
import { config, driveChat, launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };

async function openGomi(page) {
  await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
  const link = page.getByTestId('service-link').filter({ hasText: '粗大ごみ' }).first();
  await link.waitFor();
  await link.click();
  await page.waitForURL(/\/chat\//);
  await page.getByTestId('chat-active').waitFor();
}

async function waitAnswered(page, usersBefore) {
  await page.waitForFunction((n) =>
    document.querySelector('[data-testid=chat-error]') || document.querySelector('[data-testid=chat-again]') ||
    (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]') &&
      document.querySelector('[data-testid=chat-active]')), usersBefore);
}

async function seriousAxe(page) {
  const res = await new AxeBuilder({ page }).include('[data-testid=chat-active]').analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('粗大ごみ: the notice comes before the address; refusing, then agreeing, then the consent is on the application', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openGomi(page);
    const first = await driveChat(page, { until: ({ type }) => type === 'consent' });
    assert.ok(first.stopped, first.transcript?.join('\n'));
    // Items and date were asked without the notice; the address (personal) waits behind it.
    assert.ok(first.transcript.some((l) => /\bdate\b/.test(l)), first.transcript.join('\n'));
    assert.ok(!first.transcript.some((l) => /\baddress\b/.test(l)), first.transcript.join('\n'));
    const active = page.getByTestId('chat-active');
    assert.equal(await active.getAttribute('data-step-id'), 'address');
    const notice = await active.getByTestId('consent-text').innerText();
    assert.match(notice, /利用目的/);
    assert.match(notice, /保存期間/);
    assert.equal(await active.getByTestId('consent-link').getAttribute('href'), 'https://www.example.lg.jp/privacy/');
    assert.equal(await active.getByTestId('consent-agree').innerText(), '同意する');
    assert.equal(await active.getByTestId('consent-decline').innerText(), '同意しない');
    assert.deepEqual(await seriousAxe(page), []);
    for (const id of ['consent-agree', 'consent-decline', 'consent-link']) {
      const b = await active.getByTestId(id).boundingBox();
      assert.ok(b.width >= 44 && b.height >= 44, `${id} is ${b.width}×${b.height}`);
    }
    await screenshot(page, 'consent-notice');

    // 同意しない: cannot continue; やめる is offered, and agreeing is still possible.
    let users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('consent-decline').click();
    await waitAnswered(page, users);
    assert.match(await active.getByTestId('consent-ask').innerText(), /続けられません/);
    assert.equal(await active.getByTestId('consent-quit').innerText(), 'やめる');
    assert.equal(await active.getByTestId('consent-decline').count(), 0);
    assert.deepEqual(await seriousAxe(page), []);
    users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('consent-agree').click();
    await waitAnswered(page, users);
    assert.equal(await active.getAttribute('data-step-id'), 'address');
    assert.notEqual(await active.getAttribute('data-input-type'), 'consent');
    assert.match(await page.getByTestId('bubble-user').last().innerText(), /同意する/);

    const done = await driveChat(page);
    assert.ok(done.receipt, done.transcript?.join('\n'));
    // The phone number is personal too, but the notice is not asked twice.
    assert.ok(!done.transcript.some((l) => /consent/.test(l)), done.transcript.join('\n'));

    // Staff see the consent with the application.
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    const list = await (await page.request.get(`/api/applications?q=${encodeURIComponent(done.receipt)}`)).json();
    const app = list.items.find((a) => a.receipt_number === done.receipt);
    assert.ok(app, JSON.stringify(list));
    const detail = await (await page.request.get(`/api/applications/${app.id}`)).json();
    assert.equal(detail.privacy_consent.notice_version, '2025-04');
    assert.match(detail.privacy_consent.notice_sha256, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(detail.privacy_consent.agreed_at - Date.now()) < 10 * 60 * 1000, JSON.stringify(detail.privacy_consent));
    await page.goto(`/console/applications/${app.id}`);
    assert.match(await page.getByTestId('privacy-consent').innerText(), /個人情報の取扱いへの同意.*2025-04/);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('粗大ごみ: refusing and choosing やめる ends the chat without an application', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openGomi(page);
    const r = await driveChat(page, { until: ({ type }) => type === 'consent' });
    assert.ok(r.stopped);
    const active = page.getByTestId('chat-active');
    let users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('consent-decline').click();
    await waitAnswered(page, users);
    users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('consent-quit').click();
    await page.getByTestId('chat-again').waitFor();
    assert.match(await page.getByTestId('chat-log').innerText(), /中止しました/);
    assert.equal(await page.getByTestId('completion').count(), 0);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
