// Issue 13 (first part), in the browser at phone size: an admin of a new town registers its
// 5374 garbage calendar in the console without a developer: a file with a mistake is refused
// with a table naming the file, row and column; the fixed files register, and the districts
// with their subscription feeds are listed. axe-core on each state; 320 px wide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import AxeBuilder from '@axe-core/playwright';
import { cli, startServer, ROOT } from '../integration/harness.mjs';
import { launch, newPage } from './lib.mjs';

const NARROW = { width: 320, height: 720 };
const tmp = mkdtempSync(join(tmpdir(), 'mg-garbage-e2e-'));
let browser, srv;
before(async () => {
  browser = await launch();
  srv = await startServer();
  cli(srv.db, ['tenant', 'create', '--code', 'kami', '--name', '上砂川町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'kami', '--email', 'admin@kami.example', '--password-stdin'], 'kami-password-12\n');
});
after(async () => { await browser?.close(); await srv?.cleanup(); rmSync(tmp, { recursive: true, force: true }); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

test('an admin registers the town\'s 5374 files; a mistake is shown by file, row and column', async () => {
  const { context, page } = await newPage(browser, { viewport: NARROW, context: { baseURL: srv.base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('kami');
    await page.getByTestId('login-email').fill('admin@kami.example');
    await page.getByTestId('login-password').fill('kami-password-12');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();
    await page.goto('/console/garbage');
    await page.getByTestId('garbage-none').waitFor();
    await axe(page, 'garbage empty');

    // A file with a 6th Wednesday: refused, the table says where, nothing registered.
    const bad = join(tmp, 'area_days.csv');
    writeFileSync(bad, '地名,センター,燃やせるごみ,資源ごみ\n緑が丘,,月 木,水6\n');
    await page.getByTestId('garbage-files').setInputFiles(bad);
    await page.getByTestId('garbage-submit').click();
    const problems = page.getByTestId('garbage-problems');
    await problems.waitFor();
    const row = await problems.locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(row.slice(0, 3), ['area_days.csv', '2', '4']);
    assert.match(row[3], /1〜5/);
    assert.match(await page.getByTestId('garbage-error').textContent(), /登録は変わっていません/);
    assert.equal(await page.getByTestId('garbage-none').count(), 1);
    await axe(page, 'garbage problems');

    // The town's real files (Shift_JIS from Excel is fine too): registered and listed.
    const dir = join(ROOT, 'tests/data/5374/kamisunagawa');
    await page.getByTestId('garbage-files').setInputFiles(['area_days.csv', 'center.csv', 'description.csv', 'remarks.csv', 'target.csv'].map((f) => join(dir, f)));
    await page.getByTestId('garbage-submit').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent(), /地区 10、ごみの種類 7、分別辞典 65 品目/);
    await page.getByTestId('garbage-areas').waitFor();
    assert.match(await page.getByTestId('garbage-imported').textContent(), /地区 10/);
    const first = await page.getByTestId('garbage-areas').locator('tbody tr').first().textContent();
    assert.match(first, /緑が丘/);
    assert.match(first, /水1 水3/);
    const feed = await page.getByTestId('garbage-areas').locator('tbody tr a').first().getAttribute('href');
    assert.equal(feed, `/api/public/kami/garbage/${encodeURIComponent('緑が丘')}/calendar.ics`);
    const ics = await page.request.get(feed);
    assert.equal(ics.status(), 200);
    assert.match(await ics.text(), /BEGIN:VEVENT/);
    await axe(page, 'garbage registered');
    // Nothing wider than the 320 px screen except inside the scrollable table.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 320, `page is ${overflow}px wide`);
  } finally {
    await context.close();
  }
});

test('a resident finds the garbage days of their district and how to sort an item, at 320 px', async () => {
  const { context, page } = await newPage(browser, { viewport: NARROW, context: { baseURL: srv.base } });
  try {
    await page.goto('/t/demo');
    await page.getByTestId('garbage-link').click();
    await page.waitForURL(/\/t\/demo\/garbage$/);
    await page.getByTestId('garbage-area').selectOption('本町');
    const days = page.getByTestId('garbage-days');
    await days.locator('li').first().waitFor();
    const texts = await days.locator('li').allTextContents();
    assert.ok(texts.length >= 4, texts.join(' / '));
    assert.ok(texts.some((x) => x.includes('燃やせるごみ')), texts.join(' / '));
    assert.match(await page.getByTestId('garbage-ics').getAttribute('href'), /\/api\/public\/demo\/garbage\/.+\/calendar\.ics$/);
    await axe(page, 'resident garbage days');
    // The district is remembered on this device.
    await page.reload();
    await days.locator('li').first().waitFor();
    assert.equal(await page.getByTestId('garbage-area').inputValue(), '本町');
    // Sorting, typed in hiragana; keyboard only (Enter submits).
    await page.getByTestId('garbage-q').fill('ぺっと');
    await page.getByTestId('garbage-q').press('Enter');
    await page.getByTestId('garbage-items').waitFor();
    assert.match(await page.getByTestId('garbage-items').textContent(), /ペットボトル: プラスチック/);
    await page.getByTestId('garbage-q').fill('冷蔵庫');
    await page.getByTestId('garbage-search').click();
    await page.getByTestId('garbage-noitem').waitFor();
    await axe(page, 'resident garbage search');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `page is ${width}px wide`);
  } finally {
    await context.close();
  }
});
