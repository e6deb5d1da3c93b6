// Issue 9 items 12 and 14: an admin gives a new operator the department 環境課 in the console;
// that operator's list shows no other department's application and its detail page is "not
// found". The history reads in words (「担当者を … に変更」「状態を 未対応 から 処理中 に変更」)
// and a correction names the questions by their labels.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 } };
const email = `e2e-kankyo-${Date.now()}@demo.example`;
const password = 'kankyo-passphrase-e2e';
const NAME = '環境 花子';

async function axeSerious(page) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

async function smallTargets(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => {
    const t = el.matches('input') && el.closest('label') ? el.closest('label') : el;
    const r = t.getBoundingClientRect();
    return r.width && (r.width < 43.5 || r.height < 43.5) ? `${el.tagName} ${Math.round(r.width)}×${Math.round(r.height)}` : null;
  }).filter(Boolean), selector);
}

/** A 欠席連絡 (学校教育課) made through the residents' chat API; returns its receipt number. */
async function absenceApplication(request) {
  const services = (await (await request.get(`/api/public/${config.tenant}/services`)).json()).items;
  const svc = services.find((x) => x.service_key === 'school-absence');
  const start = await (await request.post(`/api/public/${config.tenant}/chat`, { data: { service_id: svc.id } })).json();
  const tomorrow = new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  let last;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
    { type: 'choice', value: 'confirm' },
  ]) last = await (await request.post(`/api/public/${config.tenant}/chat/${start.session_id}/input`, { data: input })).json();
  assert.ok(last.receipt_number, JSON.stringify(last));
  return last.receipt_number;
}

test('departments scope what an operator sees; history and corrections read in words', async () => {
  const admin = await newPage(browser, PHONE);
  let other; // an application outside 環境課
  try {
    const { page } = admin;
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    // The admin adds the operator, ticking 環境課 (a department the demo services use).
    await page.goto('/console/staff');
    await page.getByTestId('staff-form').waitFor();
    await page.locator('#st-name').fill(NAME);
    await page.locator('#st-email').fill(email);
    await page.locator('#st-pass').fill(password);
    await page.locator('#st-role').selectOption('operator');
    await page.getByTestId('st-dept-departments').getByTestId('dept-環境課').check();
    assert.deepEqual(await axeSerious(page), []);
    assert.deepEqual(await smallTargets(page, '[data-testid=st-dept-departments] input[type=checkbox]'), []);
    await screenshot(page, 'staff-departments');
    await page.locator('[data-testid=staff-form] button[type=submit]').click();
    const row = page.getByTestId(`staff-row-${email}`);
    await row.waitFor();
    assert.equal((await row.getByTestId('staff-departments').textContent()).trim(), '環境課');

    // An application of another department: assign it to the new operator, then 処理中.
    const resident = await newPage(browser);
    const receipt = await absenceApplication(resident.context.request);
    await resident.context.close();
    const apps = await (await page.request.get(`/api/applications?q=${receipt}`)).json();
    other = apps.items[0];
    assert.equal(other.department, '学校教育課');
    await page.goto(`/console/applications/${other.id}`);
    await page.getByTestId('application-detail').waitFor();
    // Only staff who may open it are offered: admins and 学校教育課, not the 環境課 operator.
    const offered = await page.getByTestId('assignee-select').locator('option').allTextContents();
    assert.ok(!offered.some((o) => o.includes(NAME)), offered.join(','));
    const adminOption = offered.find((o) => o.startsWith('デモ管理者'));
    assert.ok(adminOption, offered.join(','));
    await page.getByTestId('assignee-select').selectOption({ label: adminOption });
    await page.getByTestId('history').getByText('担当者を デモ管理者 に変更').waitFor();
    await page.getByTestId('status-in_progress').click();
    await page.getByTestId('history').getByText('状態を 未対応 から 処理中 に変更').waitFor();
    // A correction of two questions: named by their labels, not ids.
    const boxes = page.getByTestId('correction-form').locator('label.check');
    const labels = [(await boxes.nth(0).textContent()).trim(), (await boxes.nth(1).textContent()).trim()];
    await boxes.nth(0).locator('input').check();
    await boxes.nth(1).locator('input').check();
    await page.getByTestId('correction-reason').fill('内容を確認してください');
    await page.getByTestId('correction-send').click();
    const entry = page.getByTestId('correction-entry').first();
    await entry.waitFor();
    assert.match(await entry.textContent(), new RegExp(`修正する項目: ${labels.join('、')}`));
    await page.getByTestId('history').getByText(`${labels.join('、')} の修正を依頼`).waitFor();
    const history = await page.getByTestId('history').textContent();
    assert.doesNotMatch(history, /[{}[\]]|updated|assignee_id|step_ids/, history);
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'history-in-words');
    // The audit log names actions in words.
    await page.goto('/console/audit');
    await page.getByTestId('audit-table').waitFor();
    const actions = await page.getByTestId('audit-action').allTextContents();
    assert.ok(actions.includes('申請を更新') && actions.includes('申請の修正を依頼'), actions.join(','));
    assert.ok(!actions.some((a) => /^[a-z_.]+$/.test(a)), actions.join(','));
    assert.deepEqual(page.problems, []);
  } finally {
    await admin.context.close();
  }

  // The 環境課 operator: the other department's application is not listed, and its page is "not found".
  const op = await newPage(browser, PHONE);
  try {
    const { page } = op;
    await login(page, { email, password });
    await page.getByTestId('dashboard').waitFor();
    await page.goto('/console/applications');
    await page.getByTestId('applications').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal((await page.getByTestId('department-scope').textContent()).trim(), '環境課 の申請を表示しています');
    assert.equal(await page.locator(`[data-testid=app-row][data-receipt="${other.receipt_number}"]`).count(), 0);
    const listed = await (await page.request.get('/api/applications?limit=500')).json();
    assert.ok(listed.items.every((a) => a.department === '環境課'), JSON.stringify(listed.items.map((a) => a.department)));
    await page.goto(`/console/applications/${other.id}`);
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByTestId('application-detail').count(), 0);
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'other-department-not-found');
  } finally {
    await op.context.close();
  }
});
