// Resident attributes in the console (issue 10 item 1): on a 320 px phone an admin adds 地区
// as a choice list of three options (rows, no JSON), edits it, and deletes it after a
// confirmation. axe finds no serious/critical problem; buttons are at least 44 px.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { launch, login, newPage, screenshot } from './lib.mjs';

async function axeProblems(page) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Visible buttons smaller than 44×44 CSS px, by their text.
async function smallTargets(page, scope) {
  return page.getByTestId(scope).locator('button:visible').evaluateAll((els) => els
    .map((e) => ({ text: e.textContent.trim(), r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 44 || r.height < 44)
    .map(({ text, r }) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`));
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin adds 地区 with three options, edits and deletes it on a 320 px phone', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 640 } });
  const key = `district_${Date.now() % 100000}`;
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.locator('.menu-toggle').click();
    await page.getByTestId('nav-resident-attributes').click();
    await page.getByTestId('ra-form').waitFor();
    assert.deepEqual(await axeProblems(page), [], 'empty page accessibility');

    // Add: name, key, type 選択肢 chosen by its Japanese name, three option rows.
    await page.getByLabel('名前', { exact: true }).fill('地区');
    await page.getByLabel('キー', { exact: true }).fill(key);
    await page.getByLabel('種類').selectOption({ label: '選択肢' });
    await page.getByLabel('選択肢1の表示名').fill('北地区');
    await page.getByTestId('ra-option-add').click();
    await page.getByLabel('選択肢2の表示名').fill('南地区');
    await page.getByTestId('ra-option-add').click();
    await page.getByLabel('選択肢3の表示名').fill('東地区');
    await page.getByLabel('選択肢3の値（省略可）').fill('higashi');
    assert.deepEqual(await smallTargets(page, 'ra-form'), [], 'touch targets of the form');
    assert.deepEqual(await axeProblems(page), [], 'form with option rows accessibility');
    await page.getByTestId('ra-save').click();
    await page.getByTestId('notice').filter({ hasText: '「地区」を追加しました' }).waitFor();
    const row = page.getByTestId(`ra-row-${key}`);
    await row.waitFor();
    assert.equal((await row.getByTestId('ra-options').innerText()).trim(), '北地区、南地区、東地区');
    assert.match(await row.innerText(), /選択肢/);
    const stored = (await (await page.request.get('/api/resident-attributes')).json()).items.find((d) => d.key === key);
    assert.deepEqual(stored.options, [{ value: '北地区', label: '北地区' }, { value: '南地区', label: '南地区' }, { value: 'higashi', label: '東地区' }]);
    // The page fits the phone: nothing scrolls sideways but the table itself.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling');
    await screenshot(page, 'resident-attributes-320');
    assert.deepEqual(await axeProblems(page), [], 'list accessibility');

    // A bad key is refused with the API's Japanese message.
    await page.getByLabel('名前', { exact: true }).fill('町内会');
    await page.getByLabel('キー', { exact: true }).fill(key); // taken
    await page.getByLabel('種類').selectOption({ label: '文字' });
    await page.getByTestId('ra-save').click();
    await page.getByTestId('ra-error').filter({ hasText: 'すでにあります' }).waitFor();

    // Edit: new name, a fourth option, several values allowed (複数選択).
    await row.getByTestId('ra-edit').click();
    await page.getByRole('heading', { name: '「地区」を編集' }).waitFor();
    assert.equal(await page.getByLabel('キー', { exact: true }).isDisabled(), true, 'the key stays');
    await page.getByLabel('名前', { exact: true }).fill('お住まいの地区');
    await page.getByLabel('種類').selectOption({ label: '複数選択' });
    await page.getByTestId('ra-option-add').click();
    await page.getByLabel('選択肢4の表示名').fill('西地区');
    await page.getByTestId('ra-save').click();
    await page.getByTestId('notice').filter({ hasText: '「お住まいの地区」を保存しました' }).waitFor();
    // The list reloads after the notice.
    await row.getByTestId('ra-options').filter({ hasText: '西地区' }).waitFor();
    assert.equal((await row.getByTestId('ra-options').innerText()).trim(), '北地区、南地区、東地区、西地区');
    assert.match(await row.innerText(), /複数選択/);

    // Delete: cancel first (nothing happens), then confirm.
    await row.getByTestId('ra-delete').click();
    const dialog = page.getByTestId('confirm-attribute-delete');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /値もすべて削除されます/);
    assert.deepEqual(await axeProblems(page), [], 'delete confirmation accessibility');
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await row.count(), 1, 'cancel keeps the attribute');
    await row.getByTestId('ra-delete').click();
    await page.getByTestId('confirm-attribute-delete').getByTestId('confirm-ok').click();
    await page.getByTestId('notice').filter({ hasText: '「お住まいの地区」を削除しました' }).waitFor();
    await row.waitFor({ state: 'detached' });
    const left = (await (await page.request.get('/api/resident-attributes')).json()).items;
    assert.ok(!left.some((d) => d.key === key), 'deleted on the server');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
