// Issue 13 (segments and messages), in the browser: an admin composes a segmented delivery in
// the console without JSON — a condition built with the keyboard only (地区 is 北 and a child
// aged 0–5), a live count, a text with the per-resident {地区} variable and a card, previews —
// sends it after a confirmation stating the count, and it arrives on exactly the matching
// line-sim residents (with their own district) and in the matching web resident's inbox.
// axe on each state. Starts its own `madoguchi line-sim` and `serve --demo --demo-line-sim`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, newPage, screenshot, startChild, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
let browser, sim, srv, simBase, base, dataDir, password;

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(BIN, ROOT, ['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-composer-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = await startChild(BIN, ROOT, ['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--demo-line-sim', simBase], async (o) => {
    try { return /password=\S+/.test(o) && (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  password = srv.output().match(/password=(\S+)/)[1];
});

after(async () => {
  await browser?.close();
  await stopChildren(srv, sim);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

async function simJson(method, path, body) {
  const r = await fetch(simBase + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status}`);
  return r.json();
}

async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('compose a segmented delivery with the keyboard; it reaches exactly the matching residents', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { baseURL: base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();

    // Setup through the API: two attributes; LINE residents A (北, child), B (南, child),
    // C (北, no child); web residents W1 (北, child) and W2 (北, no child).
    const csrf = await page.evaluate(async () => (await (await fetch('/api/session')).json()).csrf_token);
    const call = async (method, path, data, headers = {}) => {
      const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf, ...headers } });
      assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
      return r;
    };
    await call('POST', '/api/resident-attributes', { key: 'district', label: '地区', type: 'choice', options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }] });
    await call('POST', '/api/resident-attributes', { key: 'child_birth_date', label: '子の生年月日', type: 'date', multiple: true });
    const users = [];
    for (const n of ['A', 'B', 'C']) users.push((await simJson('POST', '/sim/users', { displayName: `住民${n}` })).userId);
    const child = `${new Date().getUTCFullYear() - 2}-05-05`;
    const svc = (await (await page.request.get('/api/public/demo/services')).json()).items[0].id;
    const webs = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await browser.newContext({ baseURL: base });
      const r = await ctx.request.post('/api/public/demo/chat', { data: { service_id: svc } });
      assert.equal(r.status(), 201, await r.text());
      webs.push(ctx);
    }
    const exported = await (await call('GET', '/api/residents/export.csv?key=resident_id')).text();
    const ids = exported.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b);
    const [w1, w2] = ids.slice(-2);
    const csv = (rows) => ({ data: rows.join('\n') + '\n', headers: { 'content-type': 'text/csv' } });
    let body = csv(['line_user_id,district,child_birth_date', `${users[0]},kita,${child}`, `${users[1]},minami,${child}`, `${users[2]},kita,`]);
    await call('POST', '/api/residents/import', body.data, body.headers);
    body = csv(['resident_id,district,child_birth_date', `${w1},kita,${child}`, `${w2},kita,`]);
    await call('POST', '/api/residents/import', body.data, body.headers);

    await page.goto('/console/campaigns');
    await page.getByTestId('campaign-list').or(page.getByText('まだ配信はありません')).first().waitFor();
    await axe(page, 'delivery list');
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('campaign-title').fill('子育て健診のお知らせ');

    // Keyboard only: add a rule (地区 is one of …) and tick 北地区; add a second rule and move
    // its attribute to 子の生年月日 (default: age 0–5 on the send date).
    await page.getByTestId('segment-add-rule').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('segment-value-kita').focus();
    await page.keyboard.press('Space');
    await page.getByTestId('segment-add-rule').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('segment-attr').nth(1).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByTestId('segment-attr').nth(1).inputValue(), 'child_birth_date');
    assert.equal(await page.getByTestId('segment-lo').inputValue(), '0');
    assert.equal(await page.getByTestId('segment-hi').inputValue(), '5');
    // The live count: A and W1.
    await until('count 2', async () => /対象 2人/.test(await page.getByTestId('segment-count').innerText()));
    assert.match(await page.getByTestId('segment-count').innerText(), /LINE 1人・Web 1人/);
    assert.match(await page.getByTestId('segment-count-blocked').innerText(), /0人/);
    // Saved as a reusable segment.
    await page.getByTestId('segment-name').fill('北地区の子育て世帯');
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-saved').waitFor();

    // Messages: a text with {地区} (inserted from its button) and a card with a link.
    await page.getByTestId('campaign-text').fill('の子育て世帯の皆さまへ');
    await page.getByTestId('campaign-text').evaluate((el) => el.setSelectionRange(0, 0));
    await page.getByTestId('campaign-var').filter({ hasText: '{地区}' }).click();
    assert.equal(await page.getByTestId('campaign-text').inputValue(), '{地区}の子育て世帯の皆さまへ');
    await page.getByTestId('campaign-add-card').click();
    await page.getByTestId('campaign-card-title').fill('乳幼児健診');
    await page.getByTestId('campaign-card-text').fill('予約はこちらから');
    await page.getByTestId('campaign-card-label').fill('予約する');
    await page.getByTestId('campaign-card-url').fill('https://example.jp/kenshin');
    // Previews: the LINE bubble shows an example district; the web inbox the card in words.
    assert.match(await page.getByTestId('campaign-preview-line').innerText(), /北地区の子育て世帯の皆さまへ[\s\S]*乳幼児健診[\s\S]*予約する/);
    assert.match(await page.getByTestId('campaign-preview-web').innerText(), /予約する: https:\/\/example\.jp\/kenshin/);
    await axe(page, 'composer');
    await screenshot(page, 'campaign-composer');

    await page.getByTestId('campaign-send-now').click();
    const dialog = page.getByTestId('campaign-confirm');
    await dialog.waitFor();
    assert.match(await page.getByTestId('campaign-confirm-count').innerText(), /2人に送ります（LINE 1人・Web 1人）/);
    await axe(page, 'send confirmation');
    await dialog.getByRole('button', { name: '今すぐ送信' }).click();
    await page.getByTestId('campaign-detail').waitFor();
    await until('sent', async () => {
      await page.reload();
      await page.getByTestId('campaign-status').waitFor();
      return (await page.getByTestId('campaign-status').innerText()) === '送信済み';
    });
    assert.equal(await page.getByTestId('campaign-targeted').innerText(), '1');
    assert.equal(await page.getByTestId('campaign-sent').innerText(), '1');
    await axe(page, 'delivery detail');

    // Exactly A on LINE, with its own district; B and C nothing.
    const got = await Promise.all(users.map(async (u) => (await simJson('GET', `/sim/users/${u}/messages?after=0`)).messages.filter((m) => m.from === 'bot')));
    assert.deepEqual(got.map((ms) => ms.map((m) => m.message.type)), [['text', 'template'], [], []]);
    assert.equal(got[0][0].message.text, '北地区の子育て世帯の皆さまへ');
    // W1's inbox has it, W2's does not.
    const inbox = await Promise.all(webs.map(async (ctx) => (await (await ctx.request.get('/api/public/demo/my/messages')).json()).items));
    assert.deepEqual(inbox.map((items) => items.map((m) => m.title)), [['子育て健診のお知らせ'], []]);
    assert.match(inbox[0][0].text, /^北地区の子育て世帯の皆さまへ\n\n乳幼児健診\n予約はこちらから/);
    for (const ctx of webs) await ctx.close();
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
