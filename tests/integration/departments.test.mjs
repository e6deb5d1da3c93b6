// Department scoping (issue 9 item 12): staff other than admins see and act on only their
// departments' applications (list, detail, update, corrections, CSV, dashboard, attachments);
// an application outside their departments answers 404, as another tenant's does. Editors
// change only their departments' services. Admins see everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, Client } from './harness.mjs';

let srv, admin, services;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);
const ctx = {};

async function addStaff(email, role, departments) {
  const r = await admin.post('/api/staff', { email, name: email.split('@')[0], password: `${email}-passphrase`, role, departments });
  assert.equal(r.status, 201, r.text);
  const c = new Client(srv.base);
  assert.equal((await c.login('demo', email, `${email}-passphrase`)).status, 200);
  return { id: r.json.id, json: r.json, c };
}

const say = (resident, session, input) => resident.post(`/api/public/demo/chat/${session}/input`, input);

// A 市民課 service (a copy of the 欠席連絡 flow under another key and department).
async function applyJumin(resident) {
  const start = await resident.post('/api/public/demo/chat', { service_id: ctx.jumin });
  assert.equal(start.status, 201, start.text);
  let last;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
    { type: 'choice', value: 'confirm' },
  ]) {
    last = await say(resident, start.json.session_id, input);
    assert.equal(last.status, 200, last.text);
  }
  assert.ok(last.json.receipt_number, last.text);
  return last.json.receipt_number;
}

// A 建設課 road-damage report with a photo.
async function applyRoad(resident) {
  const start = await resident.post('/api/public/demo/chat', { service_id: services.find((s) => s.service_key === 'road-damage').id });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  assert.equal((await say(resident, s, { type: 'choice', value: 'pothole' })).status, 200);
  const up = await resident.request('POST', `/api/public/demo/chat/${s}/attachments?filename=a.png`, { raw: PNG, headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  let last;
  for (const input of [
    { type: 'photo', attachment_id: up.json.attachment_id, content_type: 'image/png' },
    { type: 'location', lat: 36.8, lng: 137.4, address: '本町1丁目' },
    { type: 'choice', value: '__skip__' }, { type: 'choice', value: 'no' }, { type: 'choice', value: 'confirm' },
  ]) {
    last = await say(resident, s, input);
    assert.equal(last.status, 200, last.text);
  }
  assert.ok(last.json.receipt_number, last.text);
  return { receipt: last.json.receipt_number, attachment: up.json.attachment_id };
}

const appId = async (receipt) => (await admin.get(`/api/applications?q=${receipt}`)).json.items[0].id;

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
  const absence = services.find((s) => s.service_key === 'school-absence').id;
  const def = (await admin.get(`/api/services/${absence}/export`)).json;
  const created = await admin.post('/api/services', { definition: { ...def, service_key: 'jumin-test', title: '住民票テスト', department: '市民課' } });
  assert.equal(created.status, 201, created.text);
  ctx.jumin = created.json.id;
  assert.equal((await admin.post(`/api/services/${ctx.jumin}/publish`, {})).status, 200);
  const resident = srv.client();
  ctx.juminReceipt = await applyJumin(resident);
  ctx.juminApp = await appId(ctx.juminReceipt);
  const road = await applyRoad(resident);
  ctx.roadReceipt = road.receipt;
  ctx.roadApp = await appId(road.receipt);
  ctx.attachment = road.attachment;
  ctx.kankyo = await addStaff('op-kankyo@demo.example', 'operator', ['環境課']);
  ctx.shimin = await addStaff('op-shimin@demo.example', 'operator', ['市民課']);
  ctx.both = await addStaff('both@demo.example', 'viewer', ['建設課', '　市民課 ', '市民課']);
  ctx.nobody = await addStaff('nobody@demo.example', 'operator', []);
  ctx.editor = await addStaff('editor@demo.example', 'editor', ['環境課']);
});
after(async () => { await srv?.cleanup(); });

test('staff belong to several departments; names are trimmed, deduplicated and sorted', async () => {
  assert.deepEqual(ctx.both.json.departments, ['市民課', '建設課']);
  assert.equal(ctx.both.json.department, '市民課');
  const me = await ctx.both.c.get('/api/session');
  assert.deepEqual(me.json.user.departments, ['市民課', '建設課']);
  // Editing: the list replaces the old one; the older single field still works.
  const r = await admin.patch(`/api/staff/${ctx.nobody.id}`, { departments: ['福祉課', '環境課'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.departments, ['環境課', '福祉課']);
  const audit = (await admin.get('/api/audit')).json.items.find((a) => a.action === 'staff.update' && a.object_id === String(ctx.nobody.id));
  assert.deepEqual(audit.detail.departments, [[], ['環境課', '福祉課']]);
  assert.deepEqual((await admin.patch(`/api/staff/${ctx.nobody.id}`, { department: '' })).json.departments, []);
  expectError(assert, await admin.patch(`/api/staff/${ctx.nobody.id}`, { departments: '環境課' }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${ctx.nobody.id}`, { departments: [5] }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${ctx.nobody.id}`, { departments: ['課'.repeat(40)] }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${ctx.nobody.id}`, { departments: Array.from({ length: 21 }, (_, i) => `課${i}`) }), 400, 'invalid');
  const names = (await admin.get('/api/departments')).json.items;
  for (const d of ['市民課', '環境課', '建設課', '学校教育課']) assert.ok(names.includes(d), `${d} in ${names}`);
  expectError(assert, await ctx.kankyo.c.get('/api/departments'), 403, 'forbidden');
});

test('an operator of 環境課 cannot list, read, export, update or correct a 市民課 application', async () => {
  const k = ctx.kankyo.c;
  const list = await k.get('/api/applications');
  assert.equal(list.status, 200);
  assert.ok(!list.text.includes(ctx.juminReceipt) && !list.text.includes(ctx.roadReceipt), list.text.slice(0, 300));
  assert.equal(list.json.total, 0);
  // Asking for the department by name does not widen the scope.
  assert.equal((await k.get(`/api/applications?department=${encodeURIComponent('市民課')}`)).json.total, 0);
  expectError(assert, await k.get(`/api/applications/${ctx.juminApp}`), 404, 'not_found');
  expectError(assert, await k.patch(`/api/applications/${ctx.juminApp}`, { status: 'in_progress' }), 404, 'not_found');
  expectError(assert, await k.post(`/api/applications/${ctx.juminApp}/corrections`, { step_ids: ['class'], reason: 'x' }), 404, 'not_found');
  const csv = await k.get('/api/applications/export.csv');
  assert.equal(csv.status, 200);
  assert.ok(!csv.text.includes(ctx.juminReceipt) && !csv.text.includes(ctx.roadReceipt));
  expectError(assert, await k.get(`/api/attachments/${ctx.attachment}`), 404, 'not_found');
  expectError(assert, await k.get(`/api/services/${ctx.jumin}/results`), 404, 'not_found');
  const dash = (await k.get('/api/dashboard')).json;
  assert.equal(dash.counts.applications, 0);
  assert.equal(dash.counts.applications_open, 0);
  assert.deepEqual(dash.recent_applications, []);
  // Nothing changed.
  const a = (await admin.get(`/api/applications/${ctx.juminApp}`)).json;
  assert.equal(a.status, 'new');
  assert.equal(a.corrections.length, 0);
});

test('staff of the department, and admins, can', async () => {
  for (const c of [ctx.shimin.c, admin]) {
    const list = await c.get('/api/applications');
    assert.ok(list.text.includes(ctx.juminReceipt));
    assert.equal((await c.get(`/api/applications/${ctx.juminApp}`)).status, 200);
    assert.ok((await c.get('/api/applications/export.csv')).text.includes(ctx.juminReceipt));
    assert.ok((await c.get('/api/dashboard')).json.counts.applications >= 1);
  }
  assert.ok(!(await ctx.shimin.c.get('/api/applications')).text.includes(ctx.roadReceipt));
  assert.equal((await ctx.shimin.c.get(`/api/services/${ctx.jumin}/results`)).status, 200);
  const upd = await ctx.shimin.c.patch(`/api/applications/${ctx.juminApp}`, { status: 'in_progress' });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.status, 'in_progress');
  // Two departments: both applications, and the photo of the 建設課 one.
  const both = await ctx.both.c.get('/api/applications');
  assert.equal(both.json.total, 2);
  const img = await ctx.both.c.get(`/api/attachments/${ctx.attachment}`);
  assert.equal(img.status, 200);
  assert.equal((await admin.get(`/api/attachments/${ctx.attachment}`)).status, 200);
  expectError(assert, await ctx.shimin.c.get(`/api/attachments/${ctx.attachment}`), 404, 'not_found');
});

test('the assignee must be an admin or of the application\'s department', async () => {
  const refused = await admin.patch(`/api/applications/${ctx.juminApp}`, { assignee_id: ctx.kankyo.id });
  expectError(assert, refused, 400, 'invalid');
  assert.match(refused.json.error.message, /市民課/);
  assert.equal((await admin.get(`/api/applications/${ctx.juminApp}`)).json.assignee_id, null);
  const ok = await admin.patch(`/api/applications/${ctx.juminApp}`, { assignee_id: ctx.shimin.id });
  assert.equal(ok.status, 200, ok.text);
  const adminId = (await admin.get('/api/session')).json.user.id;
  assert.equal((await admin.patch(`/api/applications/${ctx.juminApp}`, { assignee_id: adminId })).status, 200);
  // The history names the assignee; a correction names the questions by their labels.
  const d = (await admin.get(`/api/applications/${ctx.juminApp}`)).json;
  const names = d.history.filter((h) => h.detail?.assignee_id).map((h) => h.detail.assignee_name);
  assert.deepEqual(names, ['op-shimin', 'デモ管理者']);
});

test('corrections and their history entries carry the questions\' labels', async () => {
  const r = await ctx.shimin.c.post(`/api/applications/${ctx.juminApp}/corrections`, { step_ids: ['class', 'child'], reason: '確認' });
  assert.equal(r.status, 201, r.text);
  const labels = Object.fromEntries(r.json.answers.map((a) => [a.step_id, a.label]));
  assert.deepEqual(r.json.corrections[0].step_labels, [labels.class, labels.child]);
  assert.deepEqual(r.json.history.at(-1).detail.step_labels, [labels.class, labels.child]);
  assert.ok(labels.class && labels.class !== 'class');
});

test('staff without a department see no applications', async () => {
  const none = await addStaff('none@demo.example', 'viewer', []);
  assert.equal((await none.c.get('/api/applications')).json.total, 0);
  expectError(assert, await none.c.get(`/api/applications/${ctx.juminApp}`), 404, 'not_found');
});

test('editors change only their departments\' services; admins any', async () => {
  const e = ctx.editor.c;
  const jumin = (await admin.get(`/api/services/${ctx.jumin}/export`)).json;
  expectError(assert, await e.put(`/api/services/${ctx.jumin}`, { definition: { ...jumin, title: 'x' } }), 403, 'forbidden');
  expectError(assert, await e.post(`/api/services/${ctx.jumin}/publish`, {}), 403, 'forbidden');
  expectError(assert, await e.post(`/api/services/${ctx.jumin}/unpublish`, {}), 403, 'forbidden');
  // Moving a service into another department, or creating one there, is refused too.
  const gomi = services.find((s) => s.service_key === 'sodai-gomi');
  const gomiDef = (await admin.get(`/api/services/${gomi.id}/export`)).json;
  expectError(assert, await e.put(`/api/services/${gomi.id}`, { definition: { ...gomiDef, department: '市民課' } }), 403, 'forbidden');
  expectError(assert, await e.post('/api/services', { definition: { ...jumin, service_key: 'e-new' } }), 403, 'forbidden');
  expectError(assert, await e.put('/api/services/999999', { definition: gomiDef }), 404, 'not_found');
  assert.equal((await admin.get(`/api/services/${ctx.jumin}`)).json.status, 'published');
  // Their own department's service: allowed.
  const ok = await e.put(`/api/services/${gomi.id}`, { definition: { ...gomiDef, title: '粗大ごみ（編集）' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await e.post(`/api/services/${gomi.id}/publish`, {})).status, 200);
  assert.equal((await e.post('/api/services', { definition: { ...gomiDef, service_key: 'e-new', department: '環境課' } })).status, 201);
  assert.equal((await admin.put(`/api/services/${ctx.jumin}`, { definition: { ...jumin, title: '住民票テスト2' } })).status, 200);
});
