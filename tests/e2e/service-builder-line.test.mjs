// Issue 11 end to end on a tablet: a staff member builds a 犬の登録-like service in the builder
// through the UI alone (a choice whose answer a branch step reads, a date with limits, a kana
// name, a photo, a fee per choice, confirm and submit), looks at the flow view and the preview,
// publishes; a resident completes it on the web chat (uploading a PNG) and another on line-sim
// (sending the photo as an image message); the staff inbox lists both (receipt, service, fee,
// channel) and each application shows its answers, fee and photo.
// With MG_DOC_SCREENSHOTS=1 the run also writes the images of docs/service-builder.md
// (docs/images/service-builder/*.png); without it no file is written.
// Run: MG_BIN=$PWD/build/madoguchi tests/e2e/run.sh service-builder-line.test.mjs
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, login, makePng, newPage, startChild as startChildIn, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
const DOC_IMAGES = join(ROOT, 'docs/images/service-builder');
const startChild = (args, ready) => startChildIn(BIN, ROOT, args, ready);

let browser, sim, srv, simBase, base, dataDir, password;

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-builder-line-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = await startChild(['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--demo-line-sim', simBase], async (o) => {
    try { return /password=/.test(o) && (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  password = srv.output().match(/password=(\S+)/)[1];
  // line-sim's own setting (where to deliver webhooks), not the product's API.
  const r = await fetch(`${simBase}/sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookUrl: `${base}/line/demo/webhook` }) });
  assert.equal(r.status, 200);
});

after(async () => {
  await browser?.close();
  await stopChildren(srv, sim);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// Documentation images, only when asked for: CI never rewrites docs/.
async function docShot(target, name) {
  if (process.env.MG_DOC_SCREENSHOTS !== '1') return;
  mkdirSync(DOC_IMAGES, { recursive: true });
  await target.screenshot({ path: join(DOC_IMAGES, `${name}.png`), scale: 'css', animations: 'disabled' });
}

const TITLE = '犬の登録（写真つき）';
const open = (page) => page.locator('li.builder-step.open');
async function addStep(page, kind, id) {
  await page.getByTestId('add-kind').selectOption(kind);
  await page.getByTestId('add-step').click();
  await open(page).getByTestId('step-form').waitFor();
  if (!id) return;
  const f = open(page).getByTestId('step-id');
  await f.fill(id);
  await f.blur();
  await page.locator(`li.builder-step.open[data-step-id="${id}"]`).waitFor();
}
const saved = (page) => page.waitForFunction(() => document.querySelector('[data-testid=save-status]')?.dataset.state === 'saved');

test('builder to web and LINE: photo step, branch, fees, inbox', async () => {
  const bad = [];
  const { context, page } = await newPage(browser, { viewport: { width: 820, height: 1180 }, context: { baseURL: base } });
  let serviceId;
  try {
    await login(page, { tenant: 'demo', email: 'admin@demo.example', password });
    await page.getByTestId('nav-services').click();
    await page.getByTestId('builder-new-link').click();
    await page.getByTestId('new-source-blank').check();
    await page.getByTestId('new-title').fill(TITLE);
    await page.getByTestId('new-key').fill('inu-photo-e2e');
    await docShot(page, 'new-service');
    await page.getByTestId('new-create').click();
    await page.waitForURL(/\/console\/services\/\d+\/edit$/);
    serviceId = page.url().match(/services\/(\d+)\/edit/)[1];
    await page.getByTestId('builder').waitFor();

    // The choice, with a fee per option.
    await addStep(page, 'choice', 'kind');
    await open(page).getByTestId('step-text').fill('登録の種類を選んでください');
    await open(page).getByTestId('step-label').fill('種類');
    const rows = open(page).getByTestId('choice-row');
    await rows.nth(0).getByTestId('choice-label').fill('新しく飼い始めた犬');
    await rows.nth(0).getByTestId('choice-fee').fill('3000');
    await rows.nth(1).getByTestId('choice-label').fill('ほかの市町村から転入した犬');
    await rows.nth(1).getByTestId('choice-fee').fill('0');
    await saved(page);
    await page.evaluate(() => document.activeElement?.blur());
    await docShot(page.getByTestId('builder-steps'), 'step-list-choice');

    // A branch reads the choice: 転入 skips the birth date.
    await addStep(page, 'branch', 'route');
    await open(page).getByTestId('case-add').click();
    const rule = open(page).getByTestId('cond-rule').first();
    await rule.getByTestId('case-answer').selectOption('kind');
    await rule.getByTestId('case-value').selectOption('c2');

    // A new date step has no question yet: the finding shows at the field, with how to fix it.
    await addStep(page, 'date');
    const finding = open(page).locator('[data-testid=finding][data-code=missing_field][data-field=text]');
    await finding.waitFor();
    assert.match(await finding.innerText(), /直し方/);
    await docShot(open(page), 'validation-message');
    const dateForm = open(page).getByTestId('step-id');
    await dateForm.fill('birth');
    await dateForm.blur();
    await page.locator('li.builder-step.open[data-step-id=birth]').waitFor();
    await open(page).getByTestId('step-text').fill('犬の生年月日を教えてください');
    await open(page).getByTestId('step-label').fill('生年月日');
    await open(page).getByTestId('step-min-date').fill('-20y');
    await open(page).getByTestId('step-max-date').fill('today');

    await addStep(page, 'text', 'kana');
    await open(page).getByTestId('step-text').fill('飼い主のお名前をフリガナで入力してください');
    await open(page).getByTestId('step-label').fill('フリガナ');
    await open(page).getByTestId('step-format').selectOption('kana');

    await addStep(page, 'photo', 'photo');
    await open(page).getByTestId('step-text').fill('犬の写真を送ってください');
    await open(page).getByTestId('step-label').fill('犬の写真');
    await saved(page);
    bad.push(...await axe(page, 'builder with a photo step'));

    // Now that kana exists, the branch's case can go there.
    await page.locator('[data-testid=builder-step][data-step-id=route] [data-testid=step-toggle]').click();
    await open(page).getByTestId('case-next').selectOption('kana');
    await saved(page);
    assert.match(await page.getByTestId('findings-count').innerText(), /問題 0件/);
    assert.deepEqual(await page.locator('[data-testid=builder-step]').evaluateAll((els) => els.map((e) => e.dataset.stepId)),
      ['intro', 'kind', 'route', 'birth', 'kana', 'photo', 'confirm', 'submit']);
    await docShot(open(page), 'branch-condition');

    // The flow view draws the branch.
    await page.getByTestId('flow-toggle').click();
    await page.locator('[data-testid=flow-graph] [data-testid=flow-node][data-step-id=photo]').waitFor();
    assert.equal(await page.getByTestId('flow-unreachable').count(), 0, 'every step is reachable');
    await docShot(page.getByTestId('flow-graph'), 'flow-view');
    await page.getByTestId('flow-toggle').click();

    // The preview: 転入 goes straight to the kana name.
    await page.getByTestId('preview-start').click();
    const preview = page.getByTestId('builder-preview');
    await preview.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();
    await preview.locator('[data-testid=choice][data-value=c2]').click();
    await preview.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();
    await docShot(preview, 'preview');

    // Publish, through the confirmation dialog; the version list shows v1.
    await page.getByTestId('builder-publish').click();
    const dialog = page.getByTestId('confirm-publish');
    await dialog.waitFor();
    await docShot(page, 'publish-dialog');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('builder-notice').waitFor();
    await page.locator('[data-testid=version-row][data-version="1"]').waitFor();
    await docShot(page.getByTestId('builder-versions'), 'versions');
    assert.deepEqual(page.problems, []);
  } finally { await context.close(); }

  // A resident applies on the web chat, on a phone, with a photo: 新規 (3,000円).
  const w = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { baseURL: base } });
  let webReceipt;
  try {
    const rp = w.page;
    await rp.goto(`${base}/t/demo`);
    await rp.getByTestId('service-link').filter({ hasText: TITLE }).first().click();
    await rp.locator('[data-testid=chat-active][data-step-id=kind] [data-testid=choice][data-value=c1]').click();
    const y = new Date().getFullYear() - 2;
    await rp.locator('[data-testid=chat-active][data-step-id=birth]').getByTestId('date-input').fill(`${y}-05-01`);
    await rp.getByTestId('date-submit').click();
    await rp.locator('[data-testid=chat-active][data-step-id=kana]').waitFor();
    await rp.getByTestId('chat-text-input').fill('やまだ はなこ');
    await rp.getByTestId('chat-send').click();
    const photo = rp.locator('[data-testid=chat-active][data-step-id=photo]');
    await photo.waitFor();
    bad.push(...await axe(rp, 'web chat photo step'));
    await photo.getByTestId('photo-input').setInputFiles({ name: 'inu.png', mimeType: 'image/png', buffer: makePng(32, 24) });
    const summary = rp.locator('.summary').last();
    await summary.waitFor();
    assert.match(await summary.locator('.summary-fee').innerText(), /3,000円/);
    await rp.getByTestId('confirm-choice').first().click();
    webReceipt = (await rp.getByTestId('receipt-number').first().innerText()).trim();
    assert.deepEqual(rp.problems, []);
  } finally { await w.context.close(); }

  // Another resident applies on LINE (line-sim's phone): 転入 (no fee), the photo as an image message.
  const l = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  let lineReceipt;
  try {
    const lp = l.page;
    const bot = (re) => lp.getByTestId('msg-bot').filter({ hasText: re }).last();
    const chip = (re) => lp.getByTestId('quick-reply').filter({ hasText: re }).first();
    await lp.goto(`${simBase}/phone`);
    await lp.getByTestId('new-resident-name').fill('犬山 花子');
    await lp.getByTestId('new-resident').click();
    await bot(/ご利用になりたい手続き|友だち追加/).waitFor();
    // Typing the service's name starts it.
    await lp.getByTestId('chat-input').fill(TITLE);
    await lp.getByTestId('send-button').click();
    await chip(/転入/).click();
    await bot(/フリガナで入力/).waitFor();
    assert.equal(await lp.getByTestId('msg-bot').filter({ hasText: /生年月日/ }).count(), 0, '転入 skips the birth date');
    await lp.getByTestId('chat-input').fill('やまだ はなこ');
    await lp.getByTestId('send-button').click();
    await bot(/犬の写真を送ってください/).waitFor();
    await chip(/写真を選ぶ/).waitFor();
    bad.push(...await axe(lp, 'line-sim photo question'));
    await lp.getByTestId('photo-input').setInputFiles({ name: 'inu.png', mimeType: 'image/png', buffer: makePng(40, 30, [200, 120, 40]) });
    const confirmButton = lp.getByTestId('flex-button').filter({ hasText: /申請|申し込む|この内容/ }).last();
    await confirmButton.waitFor();
    const card = lp.getByTestId('flex-bubble').last();
    assert.match(await card.innerText(), /ヤマダ ハナコ/);
    await confirmButton.click();
    await bot(/受付番号/).waitFor();
    lineReceipt = (await bot(/受付番号/).innerText()).match(/[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}/)?.[0];
    assert.ok(lineReceipt, await bot(/受付番号/).innerText());
    assert.deepEqual(lp.problems, []);
  } finally { await l.context.close(); }

  // The staff inbox, filtered to the new service, lists both; each shows fee, answers and photo.
  const s = await newPage(browser, { viewport: { width: 1180, height: 820 }, context: { baseURL: base } }); // tablet, landscape
  try {
    const sp = s.page;
    await login(sp, { tenant: 'demo', email: 'admin@demo.example', password });
    await sp.getByTestId('nav-applications').click();
    await sp.getByTestId('filter-service').selectOption(serviceId);
    await sp.getByTestId('filter-apply').click();
    await sp.waitForFunction(() => document.querySelectorAll('[data-testid=app-row]').length === 2);
    const heads = await sp.locator('[data-testid=apps-table] thead th').allInnerTexts();
    await docShot(sp.getByTestId('apps-table'), 'inbox');
    assert.deepEqual(heads.map((h) => h.trim()), ['受付番号', 'サービス', '状態', '担当者', '受付日時', '手数料の合計', '経路']);
    const channelOf = async (receipt) => (await sp.locator(`[data-testid=app-row][data-receipt="${receipt}"] td`).allInnerTexts()).map((x) => x.trim());
    const webRow = await channelOf(webReceipt);
    const lineRow = await channelOf(lineReceipt);
    assert.equal(webRow[0], webReceipt);
    assert.equal(webRow[1], TITLE);
    assert.equal(webRow.at(-1), 'Web');
    assert.equal(webRow.at(-2), '3,000円');
    assert.equal(lineRow[1], TITLE);
    assert.equal(lineRow.at(-2), 'なし');
    assert.equal(lineRow.at(-1), 'LINE');
    // Amounts line up on the right with equal-width digits, as numbers do in Japanese tables.
    const align = (loc) => loc.evaluate((el) => { const s = getComputedStyle(el); return `${s.textAlign} ${s.fontVariantNumeric}`; });
    assert.equal(await align(sp.locator(`[data-testid=app-row][data-receipt="${webReceipt}"] [data-testid=app-fee]`)), 'right tabular-nums');
    assert.equal(await align(sp.locator('[data-testid=apps-table] thead th').nth(5)), 'right tabular-nums');
    assert.equal(await align(sp.locator(`[data-testid=app-row][data-receipt="${webReceipt}"] td`).nth(1)), 'left normal');
    for (const [receipt, fee, kind] of [[webReceipt, /3,000円/, /新しく飼い始めた犬/], [lineReceipt, /なし|0円/, /転入/]]) {
      await sp.locator(`[data-testid=app-row][data-receipt="${receipt}"]`).getByTestId('app-link').click();
      await sp.getByTestId('application-detail').waitFor();
      assert.equal(await sp.getByTestId('detail-receipt').innerText(), receipt);
      const answers = await sp.getByTestId('answers').innerText();
      assert.match(answers, kind);
      assert.match(answers, /フリガナ\s*ヤマダ ハナコ/);
      assert.match(await sp.getByTestId('detail-fee').innerText(), fee);
      const img = sp.getByTestId('attachments').locator('img');
      await img.waitFor();
      assert.ok(await img.evaluate(async (i) => { await i.decode(); return i.naturalWidth > 0; }), 'the photo is stored and shown');
      if (receipt === webReceipt) {
        assert.match(answers, /生年月日/);
        bad.push(...await axe(sp, 'application with a photo'));
      } else assert.doesNotMatch(answers, /生年月日/);
      await sp.goBack();
      await sp.getByTestId('apps-table').waitFor();
    }
    assert.deepEqual(sp.problems, []);
  } finally { await s.context.close(); }
  assert.deepEqual(bad, []);
});
