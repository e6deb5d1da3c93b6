// 受信設定 on the web (issue 13): staff mark attributes as resident-editable (地区 with a
// resident-facing label and help, topics as a multi-choice, a staff-only memo); on a 320 px
// phone at 200 % text a resident opens 受信設定 from the home page, changes the district and the
// topics, saves, reloads and sees them; the staff memo never shows. axe finds no serious or
// critical problem, nothing scrolls sideways, buttons are at least 44 px.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axeProblems(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('main a[href], main button, main select, main input')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.width < 43.5 || r.height < 43.5); })
    .filter((el) => !(el.matches('input[type=checkbox], input[type=radio]') && el.closest('label') &&
      el.closest('label').getBoundingClientRect().height >= 43.5))
    .map((el) => `${el.tagName}[${(el.textContent || el.id).trim().slice(0, 20)}]`));
}

async function staff() {
  const { context, page } = await newPage(browser);
  const login = await page.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  assert.equal(login.status(), 200, await login.text());
  const csrf = (await login.json()).csrf_token;
  const call = async (method, path, data) => {
    const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
    assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  return { context, call };
}

test('a resident changes district and topics on a 320 px phone at 200 % text; reload shows them', async () => {
  const office = await staff();
  const n = Date.now() % 100000;
  const district = `district_${n}`, topics = `topics_${n}`, memo = `memo_${n}`;
  await office.call('POST', '/api/resident-attributes', {
    key: district, label: '地区', type: 'choice', resident_editable: true, position: 1,
    resident_label: 'お住まいの地区', resident_help: 'その地区のお知らせが届きます',
    options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }, { value: 'higashi', label: '東地区' }],
  });
  // Staff mark topics as resident-editable on the console's attribute page.
  {
    const { context, page } = await newPage(browser);
    try {
      await login(page);
      await page.getByTestId('dashboard').waitFor();
      await page.goto('/console/resident-attributes');
      await page.getByTestId('ra-form').waitFor();
      await page.getByLabel('名前', { exact: true }).fill('受け取る話題');
      await page.getByLabel('キー', { exact: true }).fill(topics);
      await page.getByLabel('種類').selectOption({ label: '複数選択' });
      for (const [i, label] of ['子育て', '防災', 'イベント'].entries()) {
        if (i > 0) await page.getByTestId('ra-option-add').click();
        await page.getByLabel(`選択肢${i + 1}の表示名`).fill(label);
      }
      await page.getByTestId('ra-resident-editable').check();
      await page.getByLabel('住民向けの説明（省略可）').fill('選んだ話題のお知らせが届きます');
      assert.deepEqual(await axeProblems(page, 'console attribute form'), []);
      await page.getByTestId('ra-save').click();
      await page.getByTestId(`ra-row-${topics}`).getByTestId('ra-editable').waitFor();
    } finally {
      await context.close();
    }
  }
  await office.call('POST', '/api/resident-attributes', { key: memo, label: '職員メモ', type: 'text', position: 3 });

  const { context, page } = await newPage(browser, { viewport: { width: 320, height: 568 }, context: { hasTouch: true, isMobile: true } });
  try {
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; });
    });
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    await page.getByTestId('settings-link').click();
    await page.waitForURL(/\/settings$/);
    await page.getByTestId('settings-form').waitFor();
    assert.match(await page.title(), /受信設定/);
    assert.doesNotMatch(await page.locator('main').innerText(), /職員メモ/);
    assert.deepEqual(await axeProblems(page, 'empty settings'), []);

    const select = page.getByLabel('お住まいの地区');
    assert.equal(await select.inputValue(), '');
    assert.match(await page.getByTestId(`setting-${district}`).innerText(), /その地区のお知らせが届きます/);
    await select.selectOption({ label: '南地区' });
    const group = page.getByRole('group', { name: '受け取る話題' });
    await group.getByLabel('子育て').check();
    await group.getByLabel('防災').check();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').filter({ hasText: '受信設定を保存しました' }).waitFor();

    const m = await page.evaluate(() => ({ scrollW: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
    assert.ok(m.scrollW <= m.vw, `horizontal scroll ${m.scrollW} > ${m.vw}`);
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(await axeProblems(page, 'saved settings'), []);
    await screenshot(page, 'resident-settings-320-200pct');

    // Staff count the segment: this resident is in 南地区 with 防災.
    const count = await office.call('POST', '/api/residents/count',
      { condition: { all: [{ attr: district, in: ['minami'] }, { attr: topics, has: '防災' }] } });
    assert.equal(count.count, 1);

    await page.reload();
    await page.getByTestId('settings-form').waitFor();
    assert.equal(await page.getByLabel('お住まいの地区').inputValue(), 'minami');
    assert.equal(await group.getByLabel('子育て').isChecked(), true);
    assert.equal(await group.getByLabel('防災').isChecked(), true);
    assert.equal(await group.getByLabel('イベント').isChecked(), false);
    assert.match(await page.getByTestId(`setting-${topics}`).innerText(), /選んだ話題のお知らせが届きます/);

    // Untick one, change the district again: the reload shows the change.
    await group.getByLabel('子育て').uncheck();
    await page.getByLabel('お住まいの地区').selectOption({ label: '東地区' });
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await page.reload();
    await page.getByTestId('settings-form').waitFor();
    assert.equal(await page.getByLabel('お住まいの地区').inputValue(), 'higashi');
    assert.equal(await group.getByLabel('子育て').isChecked(), false);
    assert.equal(await group.getByLabel('防災').isChecked(), true);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
    await office.context.close();
  }
});
