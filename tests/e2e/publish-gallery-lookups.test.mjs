// Issue 9 item 17, in the browser at phone size: a real (non-demo) municipality adds a template
// from the gallery (readable preview, no JSON) and publishes it after a confirmation dialog; the
// services page says when the draft differs from what is published; staff upload a 名簿 CSV
// (Excel's Shift_JIS) with a preview, and a resident then completes 給付金 in the web chat.
// Runs its own server (demo + a second municipality) through the integration harness.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { cli, startServer } from '../integration/harness.mjs';
import { driveChat, launch, newPage, screenshot } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let browser, srv;
before(async () => {
  browser = await launch();
  srv = await startServer();
  cli(srv.db, ['tenant', 'create', '--code', 'kurobe', '--name', '黒部町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'kurobe', '--email', 'admin@kurobe.example', '--password-stdin'], 'kurobe-password-1\n');
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

/** Buttons, links and summaries smaller than 44×44 CSS px (inline text links excepted). */
async function smallTargets(page, scope) {
  return page.evaluate((sel) => {
    const out = [];
    for (const el of document.querySelectorAll(`${sel} a[href], ${sel} button, ${sel} summary`)) {
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.matches('a') && cs.display === 'inline' && el.parentElement?.textContent.trim() !== el.textContent.trim()) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}[${el.textContent.trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, scope);
}

async function staffPage(tenant, email, password) {
  const { context, page } = await newPage(browser, { viewport: PHONE, context: { baseURL: srv.base } });
  await page.goto('/console/login');
  await page.getByTestId('login-tenant').fill(tenant);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tenant-name').waitFor();
  return { context, page };
}

test('gallery → preview → add → publish with a confirmation; the draft\'s changes are listed', async () => {
  const { context, page } = await staffPage('kurobe', 'admin@kurobe.example', 'kurobe-password-1');
  try {
    await page.goto('/console/services');
    await page.getByTestId('gallery-link').click();
    await page.waitForURL(/\/console\/templates$/);
    const card = page.locator('[data-testid=template-card][data-key=inu-toroku]');
    await card.waitFor();
    assert.match(await page.title(), /^テンプレート｜/);
    await axe(page, 'template gallery');
    assert.deepEqual(await smallTargets(page, '[data-testid=templates]'), []);

    // The preview is a list in Japanese: questions, choices, fees; not JSON.
    await card.getByTestId('template-preview').locator('summary').click();
    const preview = await card.getByTestId('template-preview').innerText();
    assert.match(preview, /［選択］/);
    assert.match(preview, /［入力内容の確認］/);
    assert.ok(!/[{}"]|"kind"/.test(preview), `no JSON in the preview: ${preview}`);
    await axe(page, 'template preview open');
    await screenshot(page, 'template-gallery-phone');

    await card.getByTestId('template-add').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').innerText(), /下書きとして追加しました/);
    await card.getByText('追加済み').waitFor();  // the list reloads after the notice
    assert.match(await card.innerText(), /追加済み/);

    await page.goto('/console/services');
    const row = page.locator('[data-testid=service-row][data-service-key=inu-toroku]');
    await row.waitFor();
    assert.match(await row.innerText(), /下書き/);
    await row.getByTestId('service-publish').click();
    const dialog = page.getByTestId('confirm-publish');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /住民に表示されます/);
    assert.equal(await dialog.getAttribute('open'), '', 'a modal <dialog>');
    await axe(page, 'publish confirmation');
    assert.deepEqual(await smallTargets(page, '[data-testid=confirm-publish]'), []);
    // Cancelling publishes nothing.
    await dialog.getByTestId('confirm-cancel').click();
    assert.equal(await dialog.count(), 0);
    assert.match(await row.innerText(), /下書き/);
    await row.getByTestId('service-publish').click();
    await page.getByTestId('confirm-publish').getByTestId('confirm-ok').click();
    await page.getByTestId('notice').filter({ hasText: '第1版を公開しました' }).waitFor();

    // Unpublish asks first and says what happens to applications in progress.
    await row.getByTestId('service-unpublish').click();
    const stop = page.getByTestId('confirm-unpublish');
    await stop.waitFor();
    assert.match(await stop.innerText(), /新しい申請を受け付けなくなります。途中の申請は/);
    await axe(page, 'unpublish confirmation');
    await page.keyboard.press('Escape');
    assert.equal(await stop.count(), 0);
    assert.match(await row.innerText(), /公開中/);

    // Publishing again unchanged: the dialog and the result both say no new version.
    await row.getByTestId('service-publish').click();
    assert.match(await page.getByTestId('confirm-publish').innerText(), /新しい版は作られません/);
    await page.getByTestId('confirm-publish').getByTestId('confirm-ok').click();
    await page.getByTestId('notice').filter({ hasText: '新しい版は作りませんでした' }).waitFor();

    // A changed draft (uploaded as a file): the row says so and lists the change by label.
    const def = await (await context.request.get(`${srv.base}/api/services/${await row.locator('[data-testid=service-export]').getAttribute('href').then((h) => h.split('/')[3])}/export`)).json();
    def.title = '犬の登録（改訂）';
    def.steps[0].text = `${def.steps[0].text}（変更しました）`;
    await row.getByTestId('service-versions').click();
    await page.locator('input[id^=svc-replace-]').setInputFiles({ name: 'dog.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(def)) });
    const changes = page.getByTestId('draft-changes');
    await changes.waitFor();
    await changes.locator('summary').click();
    const text = await changes.innerText();
    assert.match(text, /下書きに未公開の変更があります/);
    assert.match(text, /サービス名が変わりました/);
    assert.match(text, /の質問文が変わりました/);
    await axe(page, 'services with draft changes');
    await row.getByTestId('service-publish').click();
    assert.match(await page.getByTestId('confirm-publish').innerText(), /サービス名が変わりました/);
    await page.getByTestId('confirm-publish').getByTestId('confirm-ok').click();
    await page.getByTestId('notice').filter({ hasText: '第2版を公開しました' }).waitFor();
    await changes.waitFor({ state: 'detached' });
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

// 確認書番号,生年月日 / 55554444,1970/5/6, saved by Excel as "CSV (コンマ区切り)": Shift_JIS.
const SJIS_LIST = Buffer.concat([
  Buffer.from('8a6d94468f9194d48d86', 'hex'), Buffer.from(','), Buffer.from('90b6944e8c8e93fa', 'hex'),
  Buffer.from('\r\n55554444,1970/5/6\r\n'),
]);

test('upload a 名簿 CSV in the console, then a resident completes 給付金 in the web chat', async () => {
  const { context, page } = await staffPage('demo', 'admin@demo.example', srv.password);
  try {
    await page.goto('/console/lookups');
    const card = page.locator('[data-testid=lookup-list][data-name=kyufukin-2025]');
    await card.waitFor();
    assert.match(await card.getByTestId('lookup-rows').innerText(), /3件/);
    assert.match(await card.innerText(), /物価高騰対策給付金の申請/);
    assert.match(await card.innerText(), /必要な列: .*確認書番号/);
    await axe(page, 'lookup lists');
    assert.deepEqual(await smallTargets(page, '[data-testid=lookups]'), []);

    // A file missing a column: refused in Japanese, nothing replaced.
    await card.getByTestId('lookup-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('確認書番号,氏名\n1,2\n') });
    await card.getByTestId('lookup-error').waitFor();
    assert.match(await card.getByTestId('lookup-error').innerText(), /列「生年月日」がありません/);
    await axe(page, 'lookup upload error');

    await card.getByTestId('lookup-file').setInputFiles({ name: '対象者名簿.csv', mimeType: 'text/csv', buffer: SJIS_LIST });
    const preview = card.getByTestId('lookup-preview');
    await preview.waitFor();
    const shown = await preview.innerText();
    assert.match(shown, /Shift_JIS/);
    assert.match(shown, /確認書番号/);
    assert.match(shown, /55554444/);
    assert.match(shown, /今の名簿（3件）は、すべてこの内容に置き換わります/);
    await axe(page, 'lookup preview');
    await screenshot(page, 'lookup-preview-phone');
    await preview.getByTestId('lookup-replace').click();
    await page.getByTestId('notice').filter({ hasText: '置き換えました（1件）' }).waitFor();
    // The list reloads after the notice shows: wait for the card to show the new count.
    await card.getByTestId('lookup-rows').filter({ hasText: /(^|[^0-9])1件/ }).waitFor();
    assert.match(await card.getByTestId('lookup-rows').innerText(), /(^|[^0-9])1件/);
    assert.match(await card.getByTestId('lookup-replaced').innerText(), /デモ管理者/);
  } finally {
    await context.close();
  }

  const resident = await newPage(browser, { viewport: PHONE, context: { baseURL: srv.base } });
  try {
    const p = resident.page;
    await p.goto('/t/demo');
    const link = p.getByTestId('service-link').filter({ hasText: '給付金' }).first();
    await link.waitFor();
    await link.click();
    await p.waitForURL(/\/chat\//);
    const answer = async (stepId, fill) => {
      const active = p.locator(`[data-testid=chat-active][data-step-id=${stepId}]`);
      await active.waitFor();
      const n = await p.getByTestId('bubble-user').count();
      await fill(active);
      await p.waitForFunction((k) => document.querySelectorAll('[data-testid=bubble-user]').length > k && !document.querySelector('[data-testid=chat-busy]'), n);
    };
    await answer('notice_no', async () => { await p.getByTestId('chat-text-input').fill('55554444'); await p.getByTestId('chat-send').click(); });
    await answer('birth', async (a) => { await a.getByTestId('date-input').fill('1970-05-06'); await a.getByTestId('date-submit').click(); });
    assert.ok(!(await p.locator('main').innerText()).includes('一致しませんでした'), 'the uploaded row matched');
    const res = await driveChat(p);
    assert.match(res.receipt, /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/, res.transcript?.join('\n'));
    assert.deepEqual(p.problems, []);
  } finally {
    await resident.context.close();
  }
});
