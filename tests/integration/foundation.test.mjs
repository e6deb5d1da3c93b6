import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, expectError, Client } from './harness.mjs';

let srv;
before(async () => { srv = await startServer({ extra: ['--max-body-bytes', '65536'] }); });
after(async () => { await srv?.cleanup(); });

test('healthz checks the database and metrics are Prometheus text', async () => {
  const r = await srv.client().get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.ok(['sqlite', 'postgresql'].includes(r.json.database));
  assert.ok(r.headers.get('x-request-id'));
  const m = await srv.client().get('/metrics');
  assert.equal(m.status, 200);
  assert.match(m.text, /madoguchi_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(m.text, /madoguchi_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="0.001"\}/);
  assert.match(m.text, /madoguchi_db_pool_size \d+/);
  assert.match(m.text, /madoguchi_jobs_pending \d+/);
});

test('unknown API routes, malformed JSON, wrong types and oversized bodies get JSON errors', async () => {
  const c = srv.client();
  expectError(assert, await c.get('/api/does-not-exist'), 404, 'not_found');
  expectError(assert, await c.request('POST', '/api/nope', { raw: '{}' }), 404, 'not_found');
  expectError(assert, await c.request('POST', '/api/login', { raw: '{"tenant":' }), 400, 'invalid_json');
  expectError(assert, await c.request('POST', '/api/login', { raw: '[1,2]' }), 400, 'invalid_json');
  const wrongType = await c.post('/api/login', { tenant: 'demo', email: 5, password: 'x' });
  expectError(assert, wrongType, 400, 'invalid');
  assert.equal(wrongType.json.error.field, 'email');
  const big = await c.request('POST', '/api/login', { raw: 'x'.repeat(200000), headers: { 'content-type': 'application/json' } });
  expectError(assert, big, 413, 'too_large');
});

test('login, session, logout; the old cookie no longer works', async () => {
  const c = srv.client();
  const r = await c.login('demo', 'admin@demo.example', srv.password);
  assert.equal(r.status, 200);
  assert.equal(r.json.tenant.name, 'デモ町');
  assert.equal(r.json.user.role, 'admin');
  const setCookie = r.headers.get('set-cookie');
  assert.match(setCookie, /mg_session=/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  const s = await c.get('/api/session');
  assert.equal(s.status, 200);
  assert.equal(s.json.user.email, 'admin@demo.example');
  const saved = c.cookieHeader();
  assert.equal((await c.post('/api/logout', {})).status, 200);
  const stale = new Client(srv.base);
  const r2 = await stale.get('/api/session', { headers: { cookie: saved } });
  expectError(assert, r2, 401, 'unauthorized');
});

test('bad credentials and bad sessions are refused', async () => {
  const c = srv.client();
  expectError(assert, await c.post('/api/login', { tenant: 'demo', email: 'admin@demo.example', password: 'wrong-password' }), 401, 'bad_credentials');
  expectError(assert, await c.post('/api/login', { tenant: 'nowhere', email: 'admin@demo.example', password: srv.password }), 401, 'bad_credentials');
  expectError(assert, await c.get('/api/session', { headers: { cookie: 'mg_session=forged-token' } }), 401);
  expectError(assert, await c.get('/api/dashboard'), 401);
});

test('a missing or wrong CSRF token is refused and changes nothing', async () => {
  const admin = await srv.admin();
  const before = (await admin.get('/api/staff')).json.items.length;
  const body = { email: 'csrf@demo.example', password: 'long-enough-pw', role: 'operator' };
  expectError(assert, await admin.request('POST', '/api/staff', { body, csrf: false }), 403, 'csrf');
  expectError(assert, await admin.request('POST', '/api/staff', { body, csrf: false, headers: { 'x-csrf-token': 'nope' } }), 403, 'csrf');
  assert.equal((await admin.get('/api/staff')).json.items.length, before);
});

test('roles: a viewer can read but not write; only admins manage staff', async () => {
  const admin = await srv.admin();
  const created = await admin.post('/api/staff', { email: 'viewer@demo.example', name: '閲覧者', password: 'viewer-password-1', role: 'viewer', department: '市民課' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.role, 'viewer');
  expectError(assert, await admin.post('/api/staff', { email: 'viewer@demo.example', password: 'viewer-password-1', role: 'viewer' }), 409, 'conflict');
  expectError(assert, await admin.post('/api/staff', { email: 'not-an-email', password: 'viewer-password-1', role: 'viewer' }), 400, 'invalid');
  expectError(assert, await admin.post('/api/staff', { email: 'x@demo.example', password: 'short', role: 'viewer' }), 400, 'invalid');
  expectError(assert, await admin.post('/api/staff', { email: 'y@demo.example', password: 'long-enough-pw', role: 'root' }), 400, 'invalid');
  const viewer = new Client(srv.base);
  assert.equal((await viewer.login('demo', 'viewer@demo.example', 'viewer-password-1')).status, 200);
  assert.equal((await viewer.get('/api/session')).status, 200);
  expectError(assert, await viewer.post('/api/staff', { email: 'z@demo.example', password: 'long-enough-pw', role: 'admin' }), 403, 'forbidden');
  expectError(assert, await viewer.get('/api/audit'), 403, 'forbidden');
  const audit = (await admin.get('/api/audit')).json.items;
  const entry = audit.find((a) => a.action === 'staff.create' && a.object_id === String(created.json.id));
  assert.ok(entry, 'staff.create is audited');
  assert.equal(entry.staff_email, 'admin@demo.example');
  assert.equal(entry.ip, '127.0.0.1');
});

test('five failed logins throttle the account (429 + Retry-After) instead of locking it', async () => {
  const admin = await srv.admin();
  await admin.post('/api/staff', { email: 'lock@demo.example', password: 'lock-password-1', role: 'operator' });
  const c = srv.client();
  const attempt = (password) => c.post('/api/login', { tenant: 'demo', email: 'lock@demo.example', password });
  for (let i = 0; i < 5; i++) expectError(assert, await attempt('wrong-pass-' + i), 401);
  // From now on each further attempt waits 1 s, 2 s, 4 s …: keep guessing until one is refused
  // with at least 2 s to wait (a slow machine may take over a second per check).
  let throttled;
  for (let i = 5; i < 400 && !throttled; i++) {
    const r = await attempt('wrong-pass-' + i);
    if (r.status === 429 && Number(r.headers.get('retry-after')) >= 2) throttled = r;
    else if (r.status === 429) await new Promise((res) => setTimeout(res, 25));
    else expectError(assert, r, 401, 'bad_credentials');
  }
  expectError(assert, throttled, 429, 'too_many_attempts');
  const retry = Number(throttled.headers.get('retry-after'));
  assert.ok(retry >= 2 && retry <= 900, `Retry-After ${retry}`);
  // No lock: the right password is refused only until the wait is over.
  expectError(assert, await attempt('lock-password-1'), 429, 'too_many_attempts');
  const staff = (await admin.get('/api/staff')).json.items.find((s) => s.email === 'lock@demo.example');
  assert.equal(staff.locked, true);
  // A short wait, not 15 minutes: the right password then works and clears the count.
  await new Promise((r) => setTimeout(r, retry * 1000 + 100));
  assert.equal((await attempt('lock-password-1')).status, 200);
  const after = (await admin.get('/api/staff')).json.items.find((s) => s.email === 'lock@demo.example');
  assert.equal(after.locked, false);
});

test('admin create from the command line; tenants never see each other', async () => {
  cli(srv.db, ['tenant', 'create', '--code', 'other-town', '--name', '別町', '--lg-code', '011002']);
  const out = cli(srv.db, ['admin', 'create', '--tenant', 'other-town', '--email', 'boss@other.example', '--password-stdin', '--role', 'admin'], 'other-town-password\n');
  assert.match(out, /created staff boss@other.example/);
  assert.throws(() => cli(srv.db, ['admin', 'create', '--tenant', 'missing', '--email', 'a@b.example', '--password-stdin'], 'whatever-password\n'));
  assert.throws(() => cli(srv.db, ['admin', 'create', '--tenant', 'other-town', '--email', 'c@b.example', '--password-stdin'], 'short\n'));
  const b = new Client(srv.base);
  assert.equal((await b.login('other-town', 'boss@other.example', 'other-town-password')).status, 200);
  assert.equal((await b.get('/api/session')).json.tenant.name, '別町');
  const bStaff = (await b.get('/api/staff')).json.items.map((s) => s.email);
  assert.deepEqual(bStaff, ['boss@other.example']);
  const bAudit = (await b.get('/api/audit')).json.items;
  assert.ok(bAudit.every((a) => a.staff_email === 'boss@other.example'));
  // Demo's admin cannot log in to the other town, and vice versa.
  expectError(assert, await srv.client().post('/api/login', { tenant: 'other-town', email: 'admin@demo.example', password: srv.password }), 401);
});

test('migrate runs alone and is idempotent', () => {
  const out = cli(srv.db, ['migrate']);
  assert.match(out, /applied 0 migration\(s\); schema version \d+/);
});

test('SIGTERM stops the server gracefully with exit code 0', async () => {
  const s2 = await startServer();
  const c = s2.client();
  assert.equal((await c.get('/healthz')).status, 200);
  const code = await s2.stop('SIGTERM');
  assert.equal(code, 0);
  await s2.cleanup();
});
