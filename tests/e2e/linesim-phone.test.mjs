// line-sim's phone page as a demo audience sees it (issue 9 item 10): starts its own
// `madoguchi line-sim` and `serve --demo --demo-line-sim`, then on a phone-sized page walks
// 粗大ごみ with a multi-select (each tap answered by one short line), checks the flex summary is
// laid out in rows (a label is one line, not one character per line), that the demo rich menu's
// image shows and its areas answer taps, and runs axe on the page.
// Run: MG_BIN=$PWD/build/madoguchi tests/e2e/run.sh linesim-phone.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, newPage, screenshot, startChild as startChildIn, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const startChild = (args, ready) => startChildIn(BIN, ROOT, args, ready);

let browser, sim, srv, simBase, dataDir;

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-linesim-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  srv = await startChild(['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--demo-line-sim', simBase], async () => {
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
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
    .map((v) => `${name}: [${v.impact}] ${v.id} (${v.help}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const bots = (page) => page.getByTestId('msg-bot');
// Waits for a new bot message after `n` and returns the new count.
async function nextBot(page, n, re) {
  await page.waitForFunction(([count, src]) => {
    const ms = [...document.querySelectorAll('[data-testid=msg-bot]')].slice(count);
    return ms.length > 0 && (!src || ms.some((m) => new RegExp(src).test(m.innerText)));
  }, [n, re?.source ?? null]);
  await sleep(300);  // the rest of the same reply
  return bots(page).count();
}
// The last bot message without the avatar's text.
const lastText = async (page) => (await bots(page).last().innerText()).trim().replace(/^役場\s*/, '');
async function chip(page, re) {
  const c = page.getByTestId('quick-reply').filter({ hasText: re }).first();
  await c.waitFor();
  return c;
}

test('line-sim phone: multi-select, the summary in rows, the rich menu, axe', async () => {
  const r = await fetch(`${simBase}/sim/users`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '上砂川 花子' }) });
  const { userId } = await r.json();
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  const bad = [];
  try {
    await page.goto(`${simBase}/phone?user=${userId}`);
    await page.getByTestId('msg-bot').filter({ hasText: 'ご利用になりたい手続き' }).first().waitFor();

    // The demo's default rich menu: its image loads at the menu's size, three areas cover it.
    const panel = page.getByTestId('richmenu-panel');
    await panel.waitFor();
    const img = await panel.evaluate(async (p) => {
      const url = getComputedStyle(p).backgroundImage.replace(/^url\("?|"?\)$/g, '');
      const i = new Image();
      i.src = url;
      await i.decode();
      const r = p.getBoundingClientRect();
      return { url, w: i.naturalWidth, h: i.naturalHeight, boxW: r.width, boxH: r.height };
    });
    assert.equal(img.w, 2500, JSON.stringify(img));
    assert.equal(img.h, 843, JSON.stringify(img));
    assert.ok(img.boxH > 100 && Math.abs(img.boxW / img.boxH - 2500 / 843) < 0.05, JSON.stringify(img));
    const areas = panel.locator('[data-testid^=richmenu-area-]');
    assert.equal(await areas.count(), 3);
    for (let i = 0; i < 3; i++) {
      const box = await areas.nth(i).boundingBox();
      assert.ok(box.width >= 44 && box.height >= 44, `area ${i} ${JSON.stringify(box)}`);
    }
    await screenshot(page, 'linesim-richmenu');
    bad.push(...await axe(page, 'line-sim with rich menu'));

    // 申請した手続き answers; 手続き opens the list of services.
    let n = await bots(page).count();
    await areas.nth(1).click();
    n = await nextBot(page, n, /申請した手続き/);
    assert.match(await lastText(page), /まだ申請した手続きはありません/);
    await areas.nth(0).click();
    n = await nextBot(page, n, /ご利用になりたい手続き/);
    await page.getByTestId('msg-bot').last().getByRole('button', { name: /粗大ごみ/ }).first().click()
      .catch(async () => (await chip(page, /粗大ごみ/)).click());
    n = await nextBot(page, n, /出したい品目/);

    // Multi-select: each tap is answered by one short line, never the whole question again.
    for (const [label, expect] of [['ソファ（1人掛け）', 'ソファ（1人掛け） を追加しました（選択中：ソファ（1人掛け））'],
      ['机', '机 を追加しました（選択中：ソファ（1人掛け）、机）']]) {
      await (await chip(page, new RegExp(`^${label}（\\d+円）$`))).click(); // buttons carry the fee
      n = await nextBot(page, n, /を追加しました/);
      assert.equal(await lastText(page), expect);
    }
    const questions = await bots(page).filter({ hasText: '出したい品目' }).count();
    assert.equal(questions, 1, 'the question was asked once');
    assert.ok(await page.getByTestId('quick-reply').filter({ hasText: '✓机（400円）' }).count());
    bad.push(...await axe(page, 'line-sim multi-select'));
    await (await chip(page, /^決定$/)).click();

    // The rest of the dialog, answered as a resident would.
    for (let step = 0; step < 20; step++) {
      n = await nextBot(page, n);
      const text = await lastText(page);
      if (await page.getByTestId('flex-bubble').filter({ hasText: '申込内容をご確認ください' }).count()) break;
      if (/収集を希望する日/.test(text)) {
        await (await chip(page, /日付を選ぶ/)).click();
        const input = page.getByTestId('datetime-input');
        await input.fill(await input.getAttribute('min'));
        await page.getByTestId('datetime-ok').click();
      } else if (/同意いただける場合|個人情報の取扱い/.test(text)
        || await page.getByTestId('quick-reply').filter({ hasText: /^同意する$/ }).count()) {
        await (await chip(page, /^同意する$/)).click(); // the privacy notice before personal data
      } else if (/出す場所/.test(text)) {
        await (await chip(page, /玄関前/)).click();
      } else {
        const answer = /電話/.test(text) ? '090-1234-5678' : /名前/.test(text) ? '山田 太郎'
          : /郵便番号/.test(text) ? '060-0001' : /に続く番地/.test(text) ? '65番地'
            : /住所|番地/.test(text) ? '北海道空知郡上砂川町字上砂川65番地' : null;
        assert.ok(answer, `unexpected question: ${text}`);
        await page.getByTestId('chat-input').fill(answer);
        await page.getByTestId('send-button').click();
      }
    }

    // The summary bubble: every row is label + answer beside a 修正 button, and a label reads
    // on one line (it was one character per line).
    const summary = page.getByTestId('flex-bubble').filter({ hasText: '申込内容をご確認ください' }).last();
    await summary.waitFor();
    const rows = await summary.evaluate((b) => [...b.querySelectorAll('.flex-box.horizontal')].map((row) => {
      const texts = [...row.querySelectorAll('[data-testid=flex-text]')];
      const label = texts[0];
      const lr = label.getBoundingClientRect();
      const br = row.querySelector('[data-testid=flex-button]')?.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || parseFloat(getComputedStyle(label).fontSize) * 1.4;
      return { label: label.innerText, w: lr.width, h: lr.height, lineHeight, fontSize: parseFloat(getComputedStyle(label).fontSize),
        button: br ? { left: br.left, top: br.top, h: br.height } : null, right: lr.right, top: lr.top, rowW: row.getBoundingClientRect().width };
    }));
    assert.ok(rows.length >= 5, JSON.stringify(rows));
    for (const row of rows) {
      assert.ok(row.h <= row.lineHeight * 1.5, `label on one line: ${JSON.stringify(row)}`);
      assert.ok(row.w >= row.label.length * row.fontSize * 0.9, `label not squeezed: ${JSON.stringify(row)}`);
      assert.ok(row.w >= row.rowW * 0.5, `answer column takes most of the row: ${JSON.stringify(row)}`);
      if (row.button) {
        assert.ok(row.button.left >= row.right - 1, `修正 to the right: ${JSON.stringify(row)}`);
        assert.ok(row.button.h >= 44, `touch target: ${JSON.stringify(row)}`);
      }
    }
    const items = rows.find((r) => r.label === '品目' || /品目/.test(r.label));
    assert.ok(items, JSON.stringify(rows.map((r) => r.label)));
    assert.match(await summary.innerText(), /ソファ（1人掛け）、机/);
    await screenshot(page, 'linesim-summary');
    bad.push(...await axe(page, 'line-sim summary'));

    // Submit from the footer button; the receipt number arrives, then 申請した手続き lists it.
    await summary.getByTestId('flex-button').filter({ hasText: /申し込む|申請|この内容/ }).first().click();
    n = await nextBot(page, n, /受付番号/);
    const receipt = (await lastText(page)).match(/[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}/)?.[0];
    assert.ok(receipt, await lastText(page));
    await areas.nth(1).click();
    n = await nextBot(page, n, new RegExp(receipt));
    assert.match(await lastText(page), /粗大ごみ収集の申込/);

    // Quick-reply chips are touch-sized.
    for (const c of await page.getByTestId('quick-reply').all()) {
      const b = await c.boundingBox();
      assert.ok(b.height >= 44, `chip ${JSON.stringify(b)}`);
    }
    assert.deepEqual(bad, []);
    assert.deepEqual(page.problems, []);
  } catch (e) {
    await screenshot(page, 'linesim-failure').catch(() => {});
    const chat = await page.getByTestId('chat').innerText().catch(() => '');
    e.message += `\n--- chat ---\n${chat.slice(-3000)}`;
    throw e;
  } finally {
    await context.close();
  }
});
