// 承認待ち (issue 13): a delivery one admin asked to send waits until another admin approves
// it on a phone-sized console; the author sees why they cannot approve their own. The garbage
// page carries the reminder settings. Each page is checked with axe.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

async function api(request, csrf, method, path, data) {
  const r = await request.fetch(`${config.base}${path}`, { method, data, headers: csrf ? { 'x-csrf-token': csrf } : {} });
  const body = await r.json().catch(() => null);
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
  return body;
}

test('an admin approves another admin\'s delivery on a phone; the author cannot', async () => {
  const author = await newPage(browser);
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    const req = author.context.request;
    const { csrf_token: csrf } = await api(req, null, 'POST', '/api/login', { tenant: config.tenant, email: config.email, password: config.password });
    const email = `approver-${Date.now()}@demo.example`;
    const password = 'approver-e2e-passphrase-2026';
    await api(req, csrf, 'POST', '/api/staff', { email, name: '承認 花子', password, role: 'admin' });
    await api(req, csrf, 'PUT', '/api/delivery-settings', { approval_required: true });
    const c = await api(req, csrf, 'POST', '/api/campaigns', { title: '防災訓練のお知らせ', messages: [{ type: 'text', text: '12月6日 9時から防災訓練を行います。' }], audience: { kind: 'all' } });
    const sent = await api(req, csrf, 'POST', `/api/campaigns/${c.id}/send`, {});
    assert.equal(sent.status, 'pending_approval');

    // The author's own view (same cookies): the item, with the approve button off and the reason shown.
    await author.page.goto('/console/approvals');  // signed in by the API login above
    await author.page.getByTestId('approval-item').filter({ hasText: '防災訓練のお知らせ' }).waitFor();
    assert.equal(await author.page.getByTestId('approval-approve').isDisabled(), true);
    await author.page.getByTestId('approval-own').waitFor();

    // The other admin on a phone approves it.
    await login(phone.page, { email, password });
    await phone.page.waitForURL(/\/console$/);
    await phone.page.goto('/console/approvals');
    const item = phone.page.getByTestId('approval-item').filter({ hasText: '防災訓練のお知らせ' });
    await item.waitFor();
    assert.equal(await phone.page.getByTestId('approval-required').isChecked(), true);
    await axe(phone.page, 'approvals');
    const button = item.getByTestId('approval-approve');
    assert.ok((await button.boundingBox()).height >= 44, 'touch target');
    await button.click();
    await phone.page.getByTestId('notice').filter({ hasText: '承認しました' }).waitFor();
    await phone.page.getByTestId('approvals-empty').waitFor();
    const after = await api(req, csrf, 'GET', `/api/campaigns/${c.id}`);
    assert.notEqual(after.status, 'pending_approval');
    const timing = await api(req, csrf, 'GET', `/api/campaigns/${c.id}/timing`);
    assert.equal(timing.approval.decision, 'approved');

    // The garbage page: reminder settings, switched on at 18:30.
    await phone.page.goto('/console/garbage');
    const form = phone.page.getByTestId('garbage-reminders');
    await form.waitFor();
    await axe(phone.page, 'garbage reminders');
    await phone.page.getByTestId('garbage-reminders-enabled').check();
    await phone.page.getByTestId('garbage-reminders-time').fill('18:30');
    await phone.page.getByTestId('garbage-reminders-save').click();
    await phone.page.getByTestId('garbage-reminders-notice').waitFor();
    const settings = await api(req, csrf, 'GET', '/api/delivery-settings');
    assert.deepEqual([settings.garbage_reminders.enabled, settings.garbage_reminders.time], [true, '18:30']);
    await api(req, csrf, 'PUT', '/api/delivery-settings', { approval_required: false, garbage_reminders: { enabled: false } });
    assert.deepEqual(author.page.problems.concat(phone.page.problems), []);
  } finally {
    await author.context.close();
    await phone.context.close();
  }
});
