// Issue 11: a staff member builds a small 犬の登録 service in the console's builder through the UI
// alone (a choice whose options branch, a fee per choice, a date with limits, a kana name,
// confirm and submit), sees findings on the step and field, reorders with the keyboard only,
// plays the draft in the preview (web and LINE phone, from a chosen step), writes and runs flow
// tests (publishing names the failing one), publishes, and a resident completes it on the web chat.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot, SCREENSHOTS } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const TITLE = '犬の登録（ビルダー）';
const open = (page) => page.locator('li.builder-step.open');
const order = (page) => page.locator('[data-testid=builder-step]').evaluateAll((els) => els.map((e) => e.dataset.stepId));
async function addStep(page, kind) {
  await page.getByTestId('add-kind').selectOption(kind);
  await page.getByTestId('add-step').click();
  await open(page).getByTestId('step-form').waitFor();
}
async function rename(page, id) {
  const f = open(page).getByTestId('step-id');
  await f.fill(id);
  await f.blur();
  await page.locator(`li.builder-step.open[data-step-id="${id}"]`).waitFor();
}
const settled = (page) => page.waitForFunction(() => ['saved', 'invalid', 'conflict', 'error'].includes(document.querySelector('[data-testid=save-status]')?.dataset.state ?? ''));

test('build, preview, publish and apply: a service made in the builder alone', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const bad = [];
  try {
    await login(page);
    await page.getByTestId('nav-services').click();
    await page.getByTestId('builder-new-link').click();
    // A template (gallery with descriptions) or a copy of a service can be the start; blank is used here.
    await page.getByTestId('new-source-template').check();
    await page.getByTestId('new-template').first().waitFor();
    assert.ok(await page.getByTestId('new-template').count() > 3);
    bad.push(...await axe(page, 'new service from a template'));
    await page.getByTestId('new-source-copy').check();
    await page.getByTestId('new-copy-from').waitFor();
    await page.getByTestId('new-source-blank').check();
    await page.getByTestId('new-title').fill(TITLE);
    await page.getByTestId('new-key').fill('inu-builder-e2e');
    await page.getByTestId('new-department').fill('');
    await page.getByTestId('new-create').click();
    await page.waitForURL(/\/console\/services\/\d+\/edit$/);
    await page.getByTestId('builder').waitFor();
    assert.deepEqual(await order(page), ['intro', 'confirm', 'submit']);

    // A choice, a date and a kana text, added in that order before the confirm step.
    await addStep(page, 'choice');
    await rename(page, 'kind');
    await open(page).getByTestId('step-text').fill('登録の種類を選んでください');
    await open(page).getByTestId('step-label').fill('種類');
    const rows = open(page).getByTestId('choice-row');
    await rows.nth(0).getByTestId('choice-label').fill('新しく飼い始めた犬');
    await rows.nth(0).getByTestId('choice-fee').fill('3000');
    await rows.nth(1).getByTestId('choice-label').fill('ほかの市町村から転入した犬');
    await rows.nth(1).getByTestId('choice-fee').fill('0');

    await addStep(page, 'date');
    // A new date step has no question yet: the validator's finding shows on the step and the field.
    await settled(page);
    const textFinding = open(page).locator('[data-testid=finding][data-code=missing_field][data-field=text]');
    await textFinding.waitFor();
    assert.match(await textFinding.innerText(), /直し方/);
    assert.equal(await page.getByTestId('save-status').getAttribute('data-state'), 'invalid');
    bad.push(...await axe(page, 'builder with findings'));
    await screenshot(page, 'builder-findings');
    await rename(page, 'birth');
    await open(page).getByTestId('step-text').fill('犬の生年月日を教えてください');
    await open(page).getByTestId('step-label').fill('生年月日');
    await open(page).getByTestId('step-min-date').fill('-20y');
    await open(page).getByTestId('step-max-date').fill('today');

    await addStep(page, 'text');
    await rename(page, 'kana');
    await open(page).getByTestId('step-text').fill('飼い主のお名前をフリガナで入力してください');
    await open(page).getByTestId('step-label').fill('フリガナ');
    await open(page).getByTestId('step-format').selectOption('kana');

    // Branching by choice: 転入 skips the birth date.
    await page.locator('[data-testid=builder-step][data-step-id=kind] [data-testid=step-toggle]').click();
    await open(page).getByTestId('choice-row').nth(0).getByTestId('choice-next').selectOption('birth');
    await open(page).getByTestId('choice-row').nth(1).getByTestId('choice-next').selectOption('kana');

    // Keyboard only: a message added last (before confirm) moves up above the kana question with Alt+↑.
    await addStep(page, 'message');
    await rename(page, 'note');
    await open(page).getByTestId('step-text').fill('次に飼い主のことを伺います');
    assert.deepEqual(await order(page), ['intro', 'kind', 'birth', 'kana', 'note', 'confirm', 'submit']);
    await page.locator('[data-step-handle=note]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=builder-step]')].map((e) => e.dataset.stepId).join() === 'intro,kind,birth,note,kana,confirm,submit');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-step-handle')), 'note', 'focus follows the moved step');
    // Undo puts it back, redo moves it again.
    await page.getByTestId('undo').click();
    assert.deepEqual(await order(page), ['intro', 'kind', 'birth', 'kana', 'note', 'confirm', 'submit']);
    await page.getByTestId('redo').click();
    assert.deepEqual(await order(page), ['intro', 'kind', 'birth', 'note', 'kana', 'confirm', 'submit']);

    await page.waitForFunction(() => document.querySelector('[data-testid=save-status]')?.dataset.state === 'saved');
    assert.match(await page.getByTestId('findings-count').innerText(), /問題 0件/);

    // Preview with the residents' renderer: the first choice, then the date question with its limits.
    await page.getByTestId('preview-start').click();
    const preview = page.getByTestId('builder-preview');
    await preview.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();
    await preview.locator('[data-testid=choice][data-value=c1]').click();
    const dateQ = preview.locator('[data-testid=chat-active][data-step-id=birth]');
    await dateQ.waitFor();
    assert.ok(await dateQ.getAttribute('data-min-date'), 'the date limits reach the renderer');
    // The LINE phone beside it shows what LINE would receive for the same answers.
    const phone = page.getByTestId('line-phone');
    await phone.getByText('犬の生年月日を教えてください').waitFor();
    assert.match(await phone.innerText(), /新しく飼い始めた犬/);
    await phone.getByTestId('line-quick').waitFor();
    bad.push(...await axe(page, 'builder with preview'));
    await screenshot(page, 'builder-preview');
    // Play from a later step: the earlier answers are filled in.
    await page.getByTestId('play-from-step').selectOption('kana');
    await page.getByTestId('play-from-go').click();
    await preview.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();
    assert.match(await page.getByTestId('play-from-note').innerText(), /自動で入れました/);
    await phone.getByText('飼い主のお名前をフリガナで入力してください').waitFor();

    // Flow tests: one expects the wrong fee and fails, one passes; results in Japanese per test.
    const y = new Date().getFullYear() - 2;
    const tests = page.getByTestId('flow-test');
    await page.getByTestId('ft-add').click();
    await tests.nth(0).getByTestId('ft-name').fill('新規は2000円');
    await tests.nth(0).getByTestId('ft-answers').fill(`新しく飼い始めた犬\n${y}-05-01\nやまだ はなこ\n申請する`);
    await tests.nth(0).getByTestId('ft-fee').fill('2000');
    await page.getByTestId('ft-add').click();
    await tests.nth(1).getByTestId('ft-name').fill('転入は無料でフリガナが入る');
    await tests.nth(1).getByTestId('ft-answers').fill('ほかの市町村から転入した犬\nやまだ はなこ\n申請する');
    await tests.nth(1).getByTestId('ft-fee').fill('0');
    await tests.nth(1).getByTestId('ft-field-add').click();
    await tests.nth(1).getByTestId('ft-field-step').selectOption('kana');
    await tests.nth(1).getByTestId('ft-field-value').fill('ヤマダ ハナコ');
    await page.getByTestId('ft-save').click();
    await page.getByTestId('ft-notice').waitFor();
    await page.getByTestId('ft-run').click();
    await page.getByTestId('ft-summary').waitFor();
    assert.match(await page.getByTestId('ft-summary').innerText(), /2件中1件が合格/);
    assert.equal(await tests.nth(0).getByTestId('ft-result').getAttribute('data-ok'), 'false');
    assert.match(await tests.nth(0).getByTestId('ft-failures').innerText(), /手数料が3000円でした（想定: 2000円）/);
    assert.equal(await tests.nth(1).getByTestId('ft-result').getAttribute('data-ok'), 'true');
    bad.push(...await axe(page, 'builder flow tests'));
    await screenshot(page, 'builder-flow-tests');

    // Publishing names the failing test before it goes ahead.
    await page.getByTestId('builder-publish').click();
    assert.match(await page.getByTestId('publish-tests-failing').innerText(), /新規は2000円/);
    assert.doesNotMatch(await page.getByTestId('publish-tests-failing').innerText(), /転入は無料/);
    bad.push(...await axe(page, 'publish warning'));
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('builder-notice').waitFor();
    // The published version is listed; comparing it with the draft says, in words, nothing differs.
    await page.locator('[data-testid=version-row][data-version="1"]').getByTestId('version-compare').click();
    assert.match(await page.getByTestId('version-changes').innerText(), /違いはありません/);
    await screenshot(page, 'builder-published');
    assert.deepEqual(page.problems, []);
  } finally { await context.close(); }

  // The resident applies on the web chat, on a phone.
  const r = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    const rp = r.page;
    await rp.goto(`/t/${encodeURIComponent(config.tenant)}`);
    await rp.getByTestId('service-link').filter({ hasText: TITLE }).first().click();
    await rp.waitForURL(/\/chat\//);
    await rp.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();
    await rp.locator('[data-testid=chat-active] [data-testid=choice][data-value=c1]').click();
    await rp.locator('[data-testid=chat-active][data-step-id=birth]').waitFor();
    const y = new Date().getFullYear() - 2;
    await rp.getByTestId('date-input').fill(`${y}-05-01`);
    await rp.getByTestId('date-submit').click();
    await rp.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();
    await rp.getByTestId('chat-text-input').fill('やまだ はなこ');
    await rp.getByTestId('chat-send').click();
    const summary = rp.locator('.summary').last();
    await summary.waitFor();
    assert.match(await summary.locator('[data-step-id=kana] .summary-value').innerText(), /ヤマダ ハナコ/);
    assert.match(await summary.locator('.summary-fee').innerText(), /3,000円/);
    await rp.getByTestId('confirm-choice').first().click();
    await rp.getByTestId('receipt-number').waitFor();
    assert.deepEqual(rp.problems, []);
  } finally { await r.context.close(); }
  assert.deepEqual(bad, []);
});

// The LINE phone beside the preview is playable: its quick replies, date picker, input bar and
// card buttons go through the server's LINE webhook mapping, and the web preview follows.
const LINE_DEF = {
  format: 'madoguchi.service/1', service_key: 'inu-lineplay-e2e', title: '犬の登録（LINEで試す）', department: '',
  steps: [
    { id: 'kind', kind: 'choice', text: '登録の種類を選んでください', label: '種類', choices: [
      { value: 'c1', label: '新しく飼い始めた犬', fee: 3000, next: 'birth' },
      { value: 'c2', label: 'ほかの市町村から転入した犬', fee: 0, next: 'kana' }] },
    { id: 'birth', kind: 'date', text: '犬の生年月日を教えてください', label: '生年月日', min: '-20y', max: 'today' },
    { id: 'kana', kind: 'text', format: 'kana', text: '飼い主のお名前をフリガナで入力してください', label: 'フリガナ' },
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit' },
  ],
};

async function createService(context, definition) {
  const r = await context.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  assert.equal(r.status(), 200);
  const csrf = (await r.json()).csrf_token;
  const c = await context.request.post('/api/services', { data: { definition }, headers: { 'x-csrf-token': csrf } });
  assert.equal(c.status(), 201, await c.text());
  return (await c.json()).id;
}

test('the LINE phone plays the draft: taps, a date, typed text and confirm; the web preview follows; keyboard only', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const bad = [];
  try {
    const id = await createService(context, LINE_DEF);
    await page.goto(`/console/services/${id}/edit`);
    await page.getByTestId('builder').waitFor();
    const preview = page.getByTestId('builder-preview');
    const phone = page.getByTestId('line-phone');
    const chip = (name) => phone.getByRole('button', { name });
    await page.getByTestId('preview-start').click();
    await preview.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();

    // A quick reply, tapped on the phone: the branch goes to the birth date, on both sides.
    const neu = chip('新しく飼い始めた犬（3,000円）');
    await neu.waitFor();
    for (const b of [neu, chip('ほかの市町村から転入した犬')]) {
      const box = await b.boundingBox();
      assert.ok(box.height >= 44 && box.width >= 44, `touch target ${JSON.stringify(box)}`);
    }
    await neu.click();
    await preview.locator('[data-testid=chat-active][data-step-id=birth]').waitFor();
    await phone.getByText('犬の生年月日を教えてください').waitFor();
    assert.match(await phone.getByTestId('line-user').last().innerText(), /新しく飼い始めた犬/);
    assert.match(await preview.getByTestId('preview-log').innerText(), /新しく飼い始めた犬/);

    // LINE's date picker: pick a date and send it.
    await chip('日付を選ぶ').click();
    const y = new Date().getFullYear() - 2;
    await phone.getByTestId('line-date').fill(`${y}-05-01`);
    bad.push(...await axe(page, 'LINE phone date picker'));
    await phone.getByTestId('line-date-ok').click();
    await preview.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();

    // The input bar for a text question.
    await phone.getByTestId('line-text').fill('やまだ はなこ');
    await phone.getByTestId('line-send').click();
    const card = phone.locator('.line-card').last();
    await card.getByText('ヤマダ ハナコ').waitFor();
    assert.match(await preview.getByTestId('preview-log').innerText(), /ヤマダ ハナコ|やまだ はなこ/);
    bad.push(...await axe(page, 'LINE phone summary card'));
    await phone.screenshot({ path: `${SCREENSHOTS}/builder-line-phone.png` });

    // The card's 申請 button submits: the fee on the phone is the web preview's.
    await card.getByTestId('line-card-button').filter({ hasText: /申請/ }).first().click();
    await page.getByTestId('line-fee').waitFor();
    assert.match(await page.getByTestId('line-fee').innerText(), /手数料の合計: 3,000円/);
    assert.match(await preview.getByTestId('preview-done').innerText(), /手数料の合計: 3,000円/);
    assert.equal(await phone.getByTestId('line-chip').count(), 0, 'nothing left to tap after submit');

    // Keyboard only, from the top: Tab to the 転入 chip, Space; type the name; Enter on 申請.
    await page.getByTestId('preview-start').focus();
    await page.keyboard.press('Enter');
    await preview.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();
    await chip('ほかの市町村から転入した犬').waitFor();
    await phone.locator('.line-chat').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '新しく飼い始めた犬（3,000円）');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'ほかの市町村から転入した犬');
    await page.keyboard.press('Space');
    await preview.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();
    // Focus moves to the input bar for the text question.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
    await page.keyboard.type('やまだ はなこ');
    await page.keyboard.press('Enter');
    await phone.locator('.line-card').last().getByText('ヤマダ ハナコ').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-chip');
    assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /申請/);
    await page.keyboard.press('Enter');
    await page.getByTestId('line-fee').waitFor();
    assert.match(await page.getByTestId('line-fee').innerText(), /手数料の合計: 0円/);
    assert.match(await preview.getByTestId('preview-done').innerText(), /手数料の合計: 0円/);
    assert.equal(await preview.locator('[data-testid=preview-log]').getByText('犬の生年月日を教えてください').count(), 0, '転入 skips the birth date');
    bad.push(...await axe(page, 'builder after playing on the LINE phone'));
    assert.deepEqual(page.problems, []);
  } finally { await context.close(); }
  assert.deepEqual(bad, []);
});
