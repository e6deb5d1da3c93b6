// Issue 13 (emergency send), in the browser on a phone-sized screen: an admin issues an alert
// system token (shown once), writes an emergency message, confirms it with the count of
// residents it reaches and the disaster menu in one action, sees disaster mode, switches back,
// and revokes the token. axe-core on each state; touch targets of 44 px.
// Starts its own `madoguchi line-sim` and `serve --demo --demo-line-sim`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, newPage, startChild, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
let browser, sim, srv, base, dataDir, password;

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  const simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(BIN, ROOT, ['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-emergency-e2e-'));
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

async function touchTargets(page, ids) {
  for (const id of ids) {
    const box = await page.getByTestId(id).first().boundingBox();
    assert.ok(box && box.height >= 44, `${id}: ${JSON.stringify(box)}`);
  }
}

test('an admin sends an emergency with the disaster menu, switches back, and manages a token', async () => {
  const { page } = await newPage(browser, { viewport: { width: 390, height: 800 }, context: { baseURL: base } });
  await page.goto('/console/login');
  await page.getByTestId('login-tenant').fill('demo');
  await page.getByTestId('login-email').fill('admin@demo.example');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tenant-name').waitFor();
  // A disaster menu to switch to (built on the rich-menu page in real use).
  const csrf = (await (await page.request.get('/api/session')).json()).csrf_token;
  const menu = { size: { width: 2500, height: 843 }, selected: true, name: '災害メニュー', chatBarText: '災害情報',
    areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: '避難所', text: '避難所' } }] };
  assert.equal((await page.request.put('/api/line/rich-menus/disaster', { data: { menu }, headers: { 'x-csrf-token': csrf } })).status(), 201);

  await page.goto('/console/emergency');
  await page.getByTestId('emergency-mode').waitFor();
  assert.match(await page.getByTestId('emergency-mode').textContent(), /通常/);
  await touchTargets(page, ['emergency-send', 'emergency-token-create', 'emergency-switch']);
  await axe(page, 'emergency page');

  // A token for the alert system: shown once, then only its last 4 characters.
  await page.getByTestId('emergency-token-label').fill('J-Alert 中継');
  await page.getByTestId('emergency-token-create').click();
  const token = (await page.getByTestId('emergency-issued-token').textContent()).trim();
  assert.match(token, /^mgem_/);
  await page.getByTestId('emergency-token-row').first().waitFor();
  assert.match(await page.getByTestId('emergency-token-row').first().textContent(), new RegExp(`…${token.slice(-4)}`));
  await axe(page, 'token issued');

  // Compose, confirm with the count, one action with the disaster menu.
  await page.getByTestId('emergency-text').fill('【避難指示】大雨のため全域に避難指示を発令しました。');
  await page.getByTestId('emergency-menu').selectOption('disaster');
  await page.getByTestId('emergency-send').click();
  const dialog = page.getByTestId('emergency-confirm');
  await dialog.waitFor();
  assert.match(await page.getByTestId('emergency-confirm-count').textContent(), /\d+ 人に送信します/);
  assert.match(await dialog.textContent(), /「disaster」に切り替えます/);
  await axe(page, 'confirm dialog');
  await page.getByTestId('confirm-ok').click();
  assert.match(await page.getByTestId('notice').textContent(), /緊急配信を受け付けました/);
  // The switch runs as a job: the page shows disaster mode once it is done.
  for (let i = 0; i < 100; i++) {
    if (/災害モード中/.test(await page.getByTestId('emergency-mode').textContent())) break;
    await page.waitForTimeout(100);
    await page.reload();
    await page.getByTestId('emergency-mode').waitFor();
  }
  assert.match(await page.getByTestId('emergency-mode').textContent(), /災害モード中/);
  assert.equal(await page.getByTestId('emergency-sends').locator('tbody tr').count(), 1);
  await axe(page, 'disaster mode');

  await page.getByTestId('emergency-restore').click();
  await page.getByTestId('notice').waitFor();
  for (let i = 0; i < 100; i++) {
    if (/通常/.test(await page.getByTestId('emergency-mode').textContent())) break;
    await page.waitForTimeout(100);
    await page.reload();
    await page.getByTestId('emergency-mode').waitFor();
  }
  assert.match(await page.getByTestId('emergency-mode').textContent(), /通常/);

  // Revoked: the row says so and offers no more actions.
  await page.getByTestId('emergency-token-revoke').first().click();
  await page.getByTestId('confirm-ok').click();
  await page.getByTestId('notice').filter({ hasText: '無効にしました' }).waitFor();
  // The notice comes before the list is reloaded: wait for the reloaded row.
  await page.getByTestId('emergency-token-revoke').waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('emergency-token-row').first().textContent(), /無効/);
  assert.equal(await page.getByTestId('emergency-token-revoke').count(), 0);
});
