// Issue 9, items 5–6 on a phone-sized screen: the text box brings up the keyboard and autofill
// each format needs (tel, email, postal code, digits; none for kana), the service list says what
// a service costs, and the staff detail shows the application's fee total.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, driveChat, launch, newPage, screenshot } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function seriousAxe(page) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

async function staffApi(context) {
  const r = await context.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  assert.equal(r.status(), 200);
  const csrf = (await r.json()).csrf_token;
  const call = async (method, path, data) => {
    const res = await context.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
    assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  return { get: (p) => call('GET', p), post: (p, d) => call('POST', p, d ?? {}) };
}

// One question per text format (the event template has them, but is outside its 受付期間).
const KEYBOARDS = {
  format: 'madoguchi.service/1', service_key: 'e2e-keyboards', title: 'キーボード確認（テスト）', category: 'テスト',
  steps: [
    { id: 'kana', kind: 'text', format: 'kana', label: 'フリガナ', text: 'お名前のフリガナを入力してください。', max_length: 30 },
    { id: 'email', kind: 'text', format: 'email', label: 'メール', text: 'メールアドレスを入力してください。' },
    { id: 'phone', kind: 'text', format: 'phone', label: '電話番号', text: '電話番号を入力してください。' },
    { id: 'count', kind: 'text', format: 'number', label: '人数', text: '人数を入力してください。', min: 1, max: 5 },
    { id: 'address', kind: 'address', label: '住所', text: '住所を教えてください。' },
    { id: 'confirm', kind: 'confirm', text: '確認してください。' },
    { id: 'submit', kind: 'submit', text: '受け付けました。受付番号：{{receipt_number}}' },
  ],
};

test('each text format brings its keyboard and autofill on a phone', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  const staff = await staffApi(context);
  const svc = await staff.post('/api/services', { definition: KEYBOARDS });
  await staff.post(`/api/services/${svc.id}/publish`);
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}/chat/${svc.id}`);
    const box = page.getByTestId('chat-text-input');
    const attrs = async () => box.evaluate((el) => ({
      type: el.getAttribute('type'), inputmode: el.getAttribute('inputmode'),
      autocomplete: el.getAttribute('autocomplete'), maxlength: el.getAttribute('maxlength'),
    }));
    const expected = {
      kana: { type: 'text', inputmode: 'text', autocomplete: 'off', maxlength: '30' },
      email: { type: 'email', inputmode: 'email', autocomplete: 'email', maxlength: null },
      phone: { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: null },
      count: { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: null },
      address: { type: 'text', inputmode: 'numeric', autocomplete: 'postal-code', maxlength: null },
    };
    for (const [step, want] of Object.entries(expected)) {
      const res = await driveChat(page, { until: ({ stepId }) => stepId === step });
      assert.ok(res.stopped, `did not reach ${step}: ${res.transcript?.join('\n')}`);
      assert.deepEqual(await attrs(), want, step);
      if (step === 'phone') {
        assert.deepEqual(await seriousAxe(page), []);
        await screenshot(page, 'prompt-keyboard-phone');
      }
    }
    const done = await driveChat(page);
    assert.ok(done.receipt, done.transcript?.join('\n'));
    assert.deepEqual(page.problems, []);
  } finally {
    await staff.post(`/api/services/${svc.id}/unpublish`);
    await context.close();
  }
});

test('the service list shows fees per choice or copy, not 無料', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    const fee = (key) => page.locator(`[data-testid=service-link][data-service-key="${key}"] [data-testid=service-fee]`);
    await fee('juminhyo').waitFor();
    assert.equal(await fee('juminhyo').innerText(), '手数料あり（300円〜）');
    assert.equal(await fee('sodai-gomi').innerText(), '手数料あり（200円〜）');
    assert.equal(await fee('inu-toroku').innerText(), '手数料あり（3,000円〜）');
    assert.equal(await fee('road-damage').innerText(), '無料');
    assert.deepEqual(await seriousAxe(page), []);
    await screenshot(page, 'service-list-fees');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('a choice whose label names its fee shows the fee once (住民票 郵送)', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    await page.locator('[data-testid=service-link][data-service-key="juminhyo"]').click();
    await page.waitForURL(/\/chat\//);
    const res = await driveChat(page, { until: ({ stepId }) => stepId === 'delivery' });
    assert.ok(res.stopped, res.transcript?.join('\n'));
    const labels = await page.locator('[data-testid=chat-active] [data-testid=choice]').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.trim()), ['住民登録地へ郵送（郵送料140円）', '市民課の窓口で受け取る']);
    assert.deepEqual(await seriousAxe(page), []);
  } finally {
    await context.close();
  }
});

test('the staff detail shows the fee total of the application', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    await page.locator('[data-testid=service-link][data-service-key="sodai-gomi"]').click();
    await page.waitForURL(/\/chat\//);
    // The first item on the first page (自転車, 400円) is ticked by driveChat.
    const done = await driveChat(page);
    assert.ok(done.receipt, done.transcript?.join('\n'));

    // Signing in through the API gives the browser context the staff session cookie.
    const staff = await staffApi(context);
    const list = await staff.get('/api/applications');
    const app = list.items.find((a) => a.receipt_number === done.receipt);
    assert.ok(app, `application ${done.receipt} in the list`);
    await page.goto(`/console/applications/${app.id}`);
    const fee = page.getByTestId('detail-fee');
    await fee.waitFor();
    assert.match(await fee.innerText(), /手数料の合計\s*400円/);
    assert.deepEqual(await seriousAxe(page), []);
    await screenshot(page, 'application-detail-fee');

    // In the inbox the fee column is right-aligned with equal-width digits, header included.
    await page.goto('/console/applications');
    const cell = page.locator(`[data-testid=app-row][data-receipt="${done.receipt}"] [data-testid=app-fee]`);
    await cell.waitFor();
    assert.equal(await cell.innerText(), '400円');
    const align = (loc) => loc.evaluate((el) => { const s = getComputedStyle(el); return `${s.textAlign} ${s.fontVariantNumeric}`; });
    assert.equal(await align(cell), 'right tabular-nums');
    assert.equal(await align(page.locator('[data-testid=apps-table] thead th.num')), 'right tabular-nums');
  } finally {
    await context.close();
  }
});
