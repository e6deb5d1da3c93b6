// Issue 11: a staff member builds a small 犬の登録 service in the console's builder through the UI
// alone (a choice whose options branch, a fee per choice, a date with limits, a kana name,
// confirm and submit), sees findings on the step and field, reorders with the keyboard only,
// plays the draft in the preview, publishes, and a resident completes it on the web chat.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

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
    bad.push(...await axe(page, 'builder with preview'));
    await screenshot(page, 'builder-preview');

    await page.getByTestId('builder-publish').click();
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
