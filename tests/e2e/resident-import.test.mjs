// Console: residents' attributes from CSV (issue 10). A file with one bad cell shows the error
// table (row, column, message) and imports nothing; the fixed file imports and says how many;
// axe finds no serious/critical violation in either state; phone-sized touch targets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main a[href], main button, main input[type=checkbox]')) {
      const target = el.matches('input') && el.closest('label') ? el.closest('label') : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}[${(el.textContent || '').trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

const GOOD = 'U0123456789abcdef0123456789abcdef';

test('resident import: a bad cell is shown in a table and nothing imported; the fixed file imports', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.goto('/console/resident-import');
    await page.getByTestId('resident-import').waitFor();
    const bad = [...await axe(page, 'resident import'), ...(await smallTargets(page)).map((s) => `touch: ${s}`)];

    await page.getByTestId('resident-import-file').setInputFiles({
      name: 'residents.csv', mimeType: 'text/csv',
      buffer: Buffer.from(`line_user_id\r\n${GOOD}\r\nU-not-a-line-id\r\n`),
    });
    await page.getByTestId('resident-import-upload').click();
    const table = page.getByTestId('resident-import-errors');
    await table.waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allInnerTexts();
    assert.equal(cells[0], '3');
    assert.equal(cells[1], 'line_user_id');
    assert.match(cells[2], /LINE のユーザー ID ではありません/);
    assert.match(await page.getByTestId('resident-import-error').innerText(), /何も取り込んでいません/);
    bad.push(...await axe(page, 'resident import errors'));
    await screenshot(page, 'resident-import-errors');

    await page.getByTestId('resident-import-file').setInputFiles({
      name: 'residents.csv', mimeType: 'text/csv', buffer: Buffer.from(`line_user_id\r\n${GOOD}\r\n`),
    });
    await page.getByTestId('resident-import-upload').click();
    const done = page.getByTestId('resident-import-done');
    await done.waitFor();
    assert.match(await done.innerText(), /1 行を取り込みました（新しい住民 1 人/);
    assert.equal(await table.count(), 0);
    bad.push(...await axe(page, 'resident import done'));
    assert.deepEqual(bad, []);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('resident import is in the admin navigation', async () => {
  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-resident-import').click();
    await page.getByTestId('resident-import').waitFor();
  } finally {
    await context.close();
  }
});
