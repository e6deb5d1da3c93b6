// Issue 9 item 17: municipal staff manage staff without a developer. Admins edit name, role
// and department, deactivate and reactivate accounts (a deactivated account cannot log in and
// its sessions end), reset passwords (sessions end); everyone changes their own password
// (current password required, other sessions end); the last active admin cannot deactivate or
// demote themselves. All audited, CSRF-checked, and 404 for another tenant's staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, expectError, Client } from './harness.mjs';

let srv;
let admin;
let counter = 0;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => { await srv?.cleanup(); });

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

async function login(email, password, tenant = 'demo') {
  const c = new Client(srv.base);
  const r = await c.login(tenant, email, password);
  return { c, r };
}

async function addStaff(role = 'operator', password = 'first-passphrase-1') {
  const email = `sm${++counter}@demo.example`;
  const r = await admin.post('/api/staff', { email, name: '窓口 花子', password, role, department: '市民課' });
  assert.equal(r.status, 201, r.text);
  return { ...r.json, password };
}

async function auditActions(id) {
  const items = (await admin.get('/api/audit?limit=500')).json.items;
  return items.filter((a) => a.object_type === 'staff' && a.object_id === String(id)).map((a) => a.action);
}

const listed = async (id) => (await admin.get('/api/staff')).json.items.find((s) => s.id === id);

test('an admin edits name, role and department; bad input is refused', async () => {
  const s = await addStaff('operator');
  const { c: staff } = await login(s.email, s.password);
  const r = await admin.patch(`/api/staff/${s.id}`, { name: '窓口 太郎', role: 'editor', department: '税務課' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '窓口 太郎');
  assert.equal(r.json.role, 'editor');
  assert.equal(r.json.department, '税務課');
  assert.equal(r.json.active, true);
  const row = await listed(s.id);
  assert.deepEqual([row.name, row.role, row.department, row.active], ['窓口 太郎', 'editor', '税務課', true]);
  // The new role applies to the running session at once.
  assert.equal((await staff.get('/api/session')).json.user.role, 'editor');
  const audit = (await admin.get('/api/audit?limit=500')).json.items.find((a) => a.action === 'staff.update' && a.object_id === String(s.id));
  assert.ok(audit, 'staff.update audited');
  assert.deepEqual(audit.detail.role, ['operator', 'editor']);
  assert.ok(!JSON.stringify(audit.detail).includes('太郎'), 'names stay out of the audit detail');

  expectError(assert, await admin.patch(`/api/staff/${s.id}`, { role: 'root' }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${s.id}`, { active: 'no' }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${s.id}`, { name: 'x'.repeat(201) }), 400, 'invalid');
  expectError(assert, await admin.patch(`/api/staff/${s.id}`, { name: 5 }), 400, 'invalid');
  expectError(assert, await admin.patch('/api/staff/999999', { name: 'x' }), 404, 'not_found');
  expectError(assert, await admin.patch('/api/staff/abc', { name: 'x' }), 404, 'not_found');
  // CSRF like every other write; non-admins are refused.
  expectError(assert, await admin.request('PATCH', `/api/staff/${s.id}`, { body: { name: 'x' }, csrf: false }), 403, 'csrf');
  expectError(assert, await staff.patch(`/api/staff/${s.id}`, { role: 'admin' }), 403, 'forbidden');
  assert.equal((await listed(s.id)).role, 'editor');
});

test('a deactivated account cannot log in, its sessions end; reactivation restores login', async () => {
  const s = await addStaff('operator');
  const { c: staff } = await login(s.email, s.password);
  assert.equal((await staff.get('/api/session')).status, 200);
  const r = await admin.patch(`/api/staff/${s.id}`, { active: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.active, false);
  expectError(assert, await staff.get('/api/session'), 401, 'unauthorized');
  // Same answer as a wrong password: no hint that the account exists.
  expectError(assert, (await login(s.email, s.password)).r, 401, 'bad_credentials');
  assert.equal((await listed(s.id)).active, false);

  const back = await admin.patch(`/api/staff/${s.id}`, { active: true });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.active, true);
  const again = await login(s.email, s.password);
  assert.equal(again.r.status, 200, again.r.text);
  const actions = await auditActions(s.id);
  assert.ok(actions.includes('staff.deactivate') && actions.includes('staff.reactivate'), actions.join());
});

test('an admin resets a password: the rule applies, the old password and sessions stop working', async () => {
  const s = await addStaff('viewer');
  const { c: staff } = await login(s.email, s.password);
  expectError(assert, await admin.post(`/api/staff/${s.id}/password`, { password: 'short1' }), 400, 'invalid');
  expectError(assert, await admin.post(`/api/staff/${s.id}/password`, { password: 'password1234' }), 400, 'invalid');
  expectError(assert, await admin.post(`/api/staff/${s.id}/password`, {}), 400, 'invalid');
  expectError(assert, await admin.post('/api/staff/999999/password', { password: 'reset-passphrase-2' }), 404, 'not_found');
  expectError(assert, await admin.post(`/api/staff/${s.id}/password`, { password: 'reset-passphrase-2' }, { csrf: false }), 403, 'csrf');
  expectError(assert, await staff.post(`/api/staff/${s.id}/password`, { password: 'reset-passphrase-2' }), 403, 'forbidden');
  assert.equal((await staff.get('/api/session')).status, 200, 'refused resets change nothing');

  const r = await admin.post(`/api/staff/${s.id}/password`, { password: 'まどぐちの新しいあいことば' });
  assert.equal(r.status, 200, r.text);
  expectError(assert, await staff.get('/api/session'), 401, 'unauthorized');
  expectError(assert, (await login(s.email, s.password)).r, 401, 'bad_credentials');
  assert.equal((await login(s.email, 'まどぐちの新しいあいことば')).r.status, 200);
  assert.ok((await auditActions(s.id)).includes('staff.password_reset'));
  // The admin's own session is untouched.
  assert.equal((await admin.get('/api/session')).status, 200);
});

test('every staff member changes their own password; other sessions end, this one stays', async () => {
  const s = await addStaff('viewer');
  const { c: here } = await login(s.email, s.password);
  const { c: elsewhere } = await login(s.email, s.password);
  const wrong = await here.post('/api/session/password', { current_password: 'not-my-password-0', new_password: 'second-passphrase-2' });
  expectError(assert, wrong, 400, 'invalid');
  assert.equal(wrong.json.error.field, 'current_password');
  assert.match(wrong.json.error.message, JAPANESE);
  const weak = await here.post('/api/session/password', { current_password: s.password, new_password: 'short' });
  expectError(assert, weak, 400, 'invalid');
  assert.equal(weak.json.error.field, 'new_password');
  expectError(assert, await here.post('/api/session/password', { current_password: s.password }), 400, 'invalid');
  expectError(assert, await here.post('/api/session/password', { current_password: s.password, new_password: 'second-passphrase-2' }, { csrf: false }), 403, 'csrf');
  expectError(assert, await new Client(srv.base).post('/api/session/password', { current_password: s.password, new_password: 'second-passphrase-2' }), 401, 'unauthorized');
  assert.equal((await elsewhere.get('/api/session')).status, 200, 'refused changes end nothing');

  const ok = await here.post('/api/session/password', { current_password: s.password, new_password: 'second-passphrase-2' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await here.get('/api/session')).status, 200);
  expectError(assert, await elsewhere.get('/api/session'), 401, 'unauthorized');
  expectError(assert, (await login(s.email, s.password)).r, 401, 'bad_credentials');
  assert.equal((await login(s.email, 'second-passphrase-2')).r.status, 200);
  const actions = await auditActions(s.id);
  assert.ok(actions.includes('staff.password_change') && actions.includes('staff.password_change_failed'), actions.join());
});

test('wrong current passwords count against the login throttle; an admin unlock lifts it', async () => {
  const s = await addStaff('operator');
  const { c: me } = await login(s.email, s.password);
  const statuses = [];
  let throttled;
  for (let i = 0; i < 8; i++) {
    const r = await me.post('/api/session/password', { current_password: `wrong-guess-${i}-xx`, new_password: 'third-passphrase-3' });
    statuses.push(r.status);
    if (r.status === 429) throttled = r;
  }
  assert.deepEqual(statuses.slice(0, 5), [400, 400, 400, 400, 400]);
  assert.ok(throttled, `throttled after repeated guesses: ${statuses}`);
  expectError(assert, throttled, 429, 'too_many_attempts');
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
  // Even the right password waits, and so does the login form for this account.
  expectError(assert, await me.post('/api/session/password', { current_password: s.password, new_password: 'third-passphrase-3' }), 429, 'too_many_attempts');
  expectError(assert, (await login(s.email, s.password)).r, 429, 'too_many_attempts');
  assert.equal((await listed(s.id)).locked, true);
  assert.equal((await admin.post(`/api/staff/${s.id}/unlock`, {})).status, 200);
  const ok = await me.post('/api/session/password', { current_password: s.password, new_password: 'third-passphrase-3' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await login(s.email, 'third-passphrase-3')).r.status, 200);
});

test('the last active admin cannot deactivate or demote themselves', async () => {
  const me = (await admin.get('/api/session')).json.user;
  // Every other admin of the tenant is deactivated first, so the demo admin is the last one.
  for (const s of (await admin.get('/api/staff')).json.items) {
    if (s.role === 'admin' && s.active && s.id !== me.id) assert.equal((await admin.patch(`/api/staff/${s.id}`, { active: false })).status, 200);
  }
  for (const change of [{ active: false }, { role: 'editor' }, { role: 'viewer', active: false }]) {
    const r = await admin.patch(`/api/staff/${me.id}`, change);
    expectError(assert, r, 409, 'last_admin');
    assert.match(r.json.error.message, /管理者/);
  }
  const still = await listed(me.id);
  assert.deepEqual([still.role, still.active], ['admin', true]);
  // Editing the last admin's name is fine.
  assert.equal((await admin.patch(`/api/staff/${me.id}`, { name: '管理者' })).status, 200);

  // With a second active admin, stepping down is allowed.
  const other = await addStaff('admin');
  const down = await admin.patch(`/api/staff/${me.id}`, { role: 'editor' });
  assert.equal(down.status, 200, down.text);
  expectError(assert, await admin.get('/api/staff'), 403, 'forbidden');
  const { c: otherAdmin } = await login(other.email, other.password);
  // The new admin, now the last one, cannot leave either; they restore the demo admin.
  expectError(assert, await otherAdmin.patch(`/api/staff/${other.id}`, { active: false }), 409, 'last_admin');
  assert.equal((await otherAdmin.patch(`/api/staff/${me.id}`, { role: 'admin' })).status, 200);
});

test('another tenant\'s staff are 404 for every staff-management route', async () => {
  cli(srv.db, ['tenant', 'create', '--code', 'sm-b', '--name', 'エスエム町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'sm-b', '--email', 'admin@sm-b.example', '--password-stdin'], 'sm-b-admin-password\n');
  const { c: b, r } = await login('admin@sm-b.example', 'sm-b-admin-password', 'sm-b');
  assert.equal(r.status, 200, r.text);
  const s = await addStaff('operator');
  const { c: victim } = await login(s.email, s.password);
  expectError(assert, await b.patch(`/api/staff/${s.id}`, { active: false, role: 'viewer' }), 404, 'not_found');
  expectError(assert, await b.post(`/api/staff/${s.id}/password`, { password: 'hijacked-passphrase-9' }), 404, 'not_found');
  expectError(assert, await b.post(`/api/staff/${s.id}/unlock`, {}), 404, 'not_found');
  const row = await listed(s.id);
  assert.deepEqual([row.role, row.active], ['operator', true]);
  assert.equal((await victim.get('/api/session')).status, 200);
  assert.equal((await login(s.email, s.password)).r.status, 200);
});
