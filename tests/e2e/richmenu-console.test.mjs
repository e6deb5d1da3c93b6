// Issue 13 (rich menus in the console), in the browser: an admin builds a rich menu without
// JSON — a layout, each button's text, icon and what a tap does — sees it as the phone will,
// saves it and shows it to everyone; on line-sim's phone the new menu's image (drawn by the
// console from the labels) appears at LINE's size and a tap starts the chosen procedure.
// Starts its own `madoguchi line-sim` and `serve --demo --demo-line-sim`.
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
let browser, sim, srv, simBase, base, dataDir, password, userId;

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(BIN, ROOT, ['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-richmenu-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = await startChild(BIN, ROOT, ['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--demo-line-sim', simBase], async (o) => {
    try { return /password=\S+/.test(o) && (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  password = srv.output().match(/password=(\S+)/)[1];
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
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

test('an admin builds a menu without JSON, shows it to everyone, and a phone taps it', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 720 }, context: { baseURL: base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();
    await page.goto('/console/rich-menus');
    // The demo's menu is listed as the one shown.
    const demo = page.locator('[data-testid=richmenu-item][data-name=demo]');
    await demo.waitFor();
    assert.equal(await demo.getByTestId('richmenu-default').count(), 1);
    await axe(page, 'rich menu list');

    await page.getByTestId('richmenu-new').click();
    await page.getByTestId('richmenu-layout-large4').check();
    assert.equal(await page.getByTestId('richmenu-area').count(), 4);
    // Saving with empty buttons names what to fix and sends nothing.
    await page.getByTestId('richmenu-name').fill('通常メニュー');
    await page.getByTestId('richmenu-save').click();
    assert.match(await page.getByTestId('richmenu-problems').textContent(), /直すところが 4 か所/);
    await axe(page, 'rich menu editor with problems');

    const areas = page.getByTestId('richmenu-area');
    const fill = async (i, label, icon, action, extra) => {
      const a = areas.nth(i);
      await a.getByTestId('richmenu-label').fill(label);
      await a.getByTestId('richmenu-icon').selectOption(icon);
      await a.getByTestId('richmenu-action').selectOption(action);
      if (extra) await extra(a);
    };
    await fill(0, '粗大ごみ', '🗑️', 'service', (a) => a.getByTestId('richmenu-service').selectOption({ label: '粗大ごみ収集の申込' }));
    await fill(1, '手続き', '📝', 'services');
    await fill(2, '申請した手続き', '📋', 'mine');
    await fill(3, '町のホームページ', '🌐', 'url', (a) => a.getByTestId('richmenu-url').fill('javascript:alert(1)'));
    await page.getByTestId('richmenu-save').click();
    assert.match(await page.getByTestId('richmenu-problems').textContent(), /1 か所/);
    await areas.nth(3).getByTestId('richmenu-url').fill('https://example.jp/');
    // The preview is drawn at LINE's size for the chosen layout.
    const size = await page.getByTestId('richmenu-preview').evaluate((c) => [c.width, c.height]);
    assert.deepEqual(size, [2500, 1686]);
    await axe(page, 'rich menu editor');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `page is ${width}px wide`);
    await page.getByTestId('richmenu-save').click();
    await page.getByTestId('notice').filter({ hasText: '通常メニュー' }).waitFor();

    // Stored as LINE's object: the service by its title, our postbacks, the URL.
    const saved = await page.evaluate(async () => (await (await fetch('/api/line/rich-menus')).json()).menus.find((m) => m.name === '通常メニュー'));
    assert.equal(saved.menu.areas.length, 4);
    assert.equal(saved.menu.areas[0].action.type, 'postback');
    assert.equal(new URLSearchParams(saved.menu.areas[0].action.data).get('x'), '粗大ごみ収集の申込');
    assert.deepEqual(saved.menu.areas[3].action, { type: 'uri', label: '🌐 町のホームページ', uri: 'https://example.jp/' });
    assert.equal(saved.image.generated, false, 'the console uploads the image it drew');

    await page.locator('[data-testid=richmenu-item][data-name=通常メニュー]').getByTestId('richmenu-make-default').click();
    await page.getByTestId('notice').filter({ hasText: '全員に表示' }).waitFor();
    await page.locator('[data-testid=richmenu-item][data-name=通常メニュー]').getByTestId('richmenu-default').waitFor();

    // Editing reads the menu back: same layout, labels and actions.
    await page.locator('[data-testid=richmenu-item][data-name=通常メニュー]').getByTestId('richmenu-edit').click();
    assert.equal(await areas.nth(0).getByTestId('richmenu-label').inputValue(), '粗大ごみ');
    assert.equal(await areas.nth(0).getByTestId('richmenu-icon').inputValue(), '🗑️');
    assert.equal(await areas.nth(2).getByTestId('richmenu-action').inputValue(), 'mine');
    assert.ok(await page.getByTestId('richmenu-layout-large4').isChecked());
  } finally {
    await context.close();
  }

  // A friend's phone: the new menu, its four areas, and a tap on 粗大ごみ starts that procedure.
  const r = await fetch(`${simBase}/sim/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: '砂川 次郎' }) });
  ({ userId } = await r.json());
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  try {
    await phone.page.goto(`${simBase}/phone?user=${userId}`);
    const panel = phone.page.getByTestId('richmenu-panel');
    await panel.waitFor();
    const img = await panel.evaluate(async (p) => {
      const i = new Image();
      i.src = getComputedStyle(p).backgroundImage.replace(/^url\("?|"?\)$/g, '');
      await i.decode();
      return [i.naturalWidth, i.naturalHeight];
    });
    assert.deepEqual(img, [2500, 1686]);
    const tapAreas = panel.locator('[data-testid^=richmenu-area-]');
    assert.equal(await tapAreas.count(), 4);
    await screenshot(phone.page, 'richmenu-console-phone');
    await tapAreas.nth(0).click();
    await phone.page.getByTestId('msg-bot').filter({ hasText: /粗大ごみ/ }).first().waitFor();
  } finally {
    await phone.context.close();
  }
});

// Issue 13 (richtrack): who sees which menu by saved segment. The admin builds a one-button
// menu whose tap opens the FAQ, assigns it to the segment "LINE の住民" in the console, and the
// friend's phone shows it (linked through LINE's API by the job); the tap asks for a question.
test('a menu per segment reaches the matching phone, and its FAQ button answers', async () => {
  // A saved segment, through the API (the segment builder has its own tests).
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.example', password }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await login.json();
  const seg = await fetch(`${base}/api/segments`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'LINE の住民', condition: { channel: 'line' } }) });
  assert.equal(seg.status, 201, await seg.text());

  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 720 }, context: { baseURL: base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();
    await page.goto('/console/rich-menus');
    await page.getByTestId('richmenu-new').click();
    await page.getByTestId('richmenu-layout-compact1').check();
    await page.getByTestId('richmenu-name').fill('FAQメニュー');
    const area = page.getByTestId('richmenu-area').nth(0);
    await area.getByTestId('richmenu-label').fill('よくある質問');
    await area.getByTestId('richmenu-action').selectOption('faq');
    await page.getByTestId('richmenu-save').click();
    await page.getByTestId('notice').filter({ hasText: 'FAQメニュー' }).waitFor();

    const rules = page.getByTestId('richmenu-rules');
    await rules.getByTestId('richmenu-rule-add').click();
    await rules.getByTestId('richmenu-rule-segment').selectOption({ label: 'LINE の住民' });
    await rules.getByTestId('richmenu-rule-menu').selectOption('FAQメニュー');
    await axe(page, 'rich menus per segment');
    const touch = await rules.getByTestId('richmenu-rules-save').boundingBox();
    assert.ok(touch.height >= 44, `save button is ${touch.height}px high`);
    await rules.getByTestId('richmenu-rules-save').click();
    await rules.getByTestId('notice').waitFor();
  } finally {
    await context.close();
  }

  // The job links the friend to the segment's menu on LINE.
  const deadline = Date.now() + 15000;
  for (;;) {
    const m = await (await fetch(`${simBase}/sim/users/${userId}/richmenu`)).json();
    if (m.richMenu?.name === 'FAQメニュー') break;
    assert.ok(Date.now() < deadline, `the phone still shows ${m.richMenu?.name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  try {
    await phone.page.goto(`${simBase}/phone?user=${userId}`);
    const tapAreas = phone.page.getByTestId('richmenu-panel').locator('[data-testid^=richmenu-area-]');
    await tapAreas.first().waitFor();
    assert.equal(await tapAreas.count(), 1);
    await tapAreas.nth(0).click();
    await phone.page.getByTestId('msg-bot').filter({ hasText: /よくある質問にお答えします/ }).first().waitFor();
  } finally {
    await phone.context.close();
  }
});
