// Segment delivery timing, approval and garbage-day reminders (issue 13) against the real
// binary, on SQLite and PostgreSQL. The server's clock is moved through
// MADOGUCHI_TEST_CLOCK_FILE (an offset in ms), so "tomorrow 9:00" and "this evening 19:00"
// arrive without waiting. One server for approval, timing and reminders; then a restart and
// two processes on the same database: nothing goes out twice.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, freshDatabase, freePort, BIN, BACKEND, Client, expectError } from './harness.mjs';

const H = 3600 * 1000;
const D = 24 * H;
const procs = [];
after(async () => {
  for (const p of procs) await p.stop().catch(() => {});
});

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// JST calendar arithmetic (UTC+9, no DST).
const jstAt = (y, m, d, h, mi) => Date.UTC(y, m - 1, d, h, mi) - 9 * H;
function jstParts(ms) {
  const t = new Date(ms + 9 * H);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), wd: t.getUTCDay() };
}
const pad = (n) => String(n).padStart(2, '0');
const iso = (p) => `${p.y}-${pad(p.m)}-${pad(p.d)}`;

// A server on `db` that is not the first (the demo exists: no password is printed).
async function another(db, env) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  await until('restart', async () => {
    if (proc.exitCode !== null) throw new Error(`server exited: ${err}`);
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  const s = {
    base,
    async stop() {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    },
  };
  procs.push(s);
  return s;
}

test('timing, approval and garbage reminders each go out once, at their time, to the right residents', async () => {
  const db = freshDatabase();
  const clockFile = join(db.dataDir, 'clock-offset');
  writeFileSync(clockFile, '0');
  const env = { MADOGUCHI_TEST_CLOCK_FILE: clockFile };
  const srv = await startServer({ db, env });
  procs.push(srv);
  let base = srv.base;
  const setClock = (ms) => writeFileSync(clockFile, String(Math.round(ms - Date.now())));
  const tenant = Number(sql(db, "SELECT id FROM tenants WHERE code = 'demo';").trim());

  const login = async (email, password) => {
    const c = new Client(base);
    const r = await c.login('demo', email, password);
    assert.equal(r.status, 200, r.text);
    return c;
  };
  const PW = 'sakura-hinoki-2026-kenmin';
  let admin = await login('admin@demo.example', srv.password);
  for (const [email, role] of [['approver@demo.example', 'admin'], ['clerk@demo.example', 'operator'], ['reader@demo.example', 'viewer']]) {
    const r = await admin.post('/api/staff', { email, name: email.split('@')[0], password: PW, role });
    assert.equal(r.status, 201, r.text);
  }
  const staff = async () => ({
    admin: await login('admin@demo.example', srv.password),
    approver: await login('approver@demo.example', PW),
    clerk: await login('clerk@demo.example', PW),
    reader: await login('reader@demo.example', PW),
  });
  let s = await staff();

  // Residents on the web (their messages land in resident_messages): 本町 (collection on
  // Thursdays), 北地区 (nothing on Thursdays), no district, 本町 with a reminder at 21:00, and a
  // child who reaches 4 months on the Wednesday below.
  const now = jstParts(Date.now());
  let w = jstAt(now.y, now.m, now.d, 0, 0) + D;
  while (jstParts(w).wd !== 3 || (jstParts(w).m === 12 && jstParts(w).d >= 28) || (jstParts(w).m === 1 && jstParts(w).d <= 4)) w += D;
  const W = jstParts(w);
  const born = new Date(Date.UTC(W.y, W.m - 1 - 4, W.d));  // W minus 4 months (W.d <= 28 is not needed: JS clamps forward, checked below)
  const birth = { y: born.getUTCFullYear(), m: born.getUTCMonth() + 1, d: born.getUTCDate() };
  const residents = {};
  for (const name of ['hon', 'kita', 'none', 'late', 'baby']) {
    residents[name] = Number(sql(db, `INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES (${tenant}, 'web', 'sched-${name}', 'active', 0, 0) RETURNING id;`).trim());
    sql(db, `INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at) VALUES (${tenant}, ${residents[name]}, 'web', 'sched-${name}', 0);`);
  }
  for (const [key, type] of [['garbage_area', 'text'], ['garbage_reminder_time', 'text'], ['child_birth_date', 'date']]) {
    const r = await s.admin.post('/api/resident-attributes', { key, label: key, type });
    assert.equal(r.status, 201, r.text);
  }
  const setAttrs = async (id, values) => {
    const r = await s.admin.put(`/api/residents/${id}/attributes`, { values });
    assert.equal(r.status, 200, r.text);
  };
  await setAttrs(residents.hon, { garbage_area: '本町' });
  await setAttrs(residents.kita, { garbage_area: '北地区' });
  await setAttrs(residents.late, { garbage_area: '本町', garbage_reminder_time: '21:00' });
  await setAttrs(residents.baby, { child_birth_date: iso(birth) });
  const inbox = (resident, like) => Number(sql(db, `SELECT COUNT(*) FROM resident_messages WHERE tenant_id = ${tenant} AND resident_id = ${resident} AND text LIKE '${like}';`).trim());
  const create = async (c, title, text, audience = { kind: 'all' }) => {
    const r = await c.post('/api/campaigns', { title, messages: [{ type: 'text', text }], audience });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };

  // ---- approval ------------------------------------------------------------------------------
  expectError(assert, await s.clerk.put('/api/delivery-settings', { approval_required: true }), 403);
  expectError(assert, await s.admin.put('/api/delivery-settings', { approval_required: 'yes' }), 400);
  expectError(assert, await s.admin.put('/api/delivery-settings', { garbage_reminders: { time: '7:00' } }), 400);
  let r = await s.admin.put('/api/delivery-settings', { approval_required: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.approval_required, true);
  assert.equal((await s.reader.get('/api/delivery-settings')).json.approval_required, true);

  const ok = await create(s.admin, '承認テスト', '承認された配信です');
  r = await s.admin.post(`/api/campaigns/${ok}/send`, {});
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'pending_approval');
  let list = await s.reader.get('/api/campaign-approvals');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((i) => [i.campaign.id, i.can_decide]), [[ok, false]]);
  assert.equal((await s.approver.get('/api/campaign-approvals')).json.items[0].can_decide, true);
  expectError(assert, await s.admin.post(`/api/campaigns/${ok}/approve`, {}), 403);   // own campaign
  expectError(assert, await s.clerk.post(`/api/campaigns/${ok}/approve`, {}), 403);   // role
  expectError(assert, await s.approver.post('/api/campaigns/999999/approve', {}), 404);
  assert.equal(inbox(residents.hon, '承認された配信です'), 0);
  r = await s.approver.post(`/api/campaigns/${ok}/approve`, {});
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.json.status, 'pending_approval');
  await until('the approved campaign in the inbox', () => inbox(residents.hon, '承認された配信です') === 1);
  expectError(assert, await s.approver.post(`/api/campaigns/${ok}/approve`, {}), 409);  // decided

  const no = await create(s.admin, '差し戻しテスト', '差し戻された配信です');
  assert.equal((await s.admin.post(`/api/campaigns/${no}/send`, {})).json.status, 'pending_approval');
  expectError(assert, await s.approver.post(`/api/campaigns/${no}/reject`, { reason: '  ' }), 400);
  expectError(assert, await s.admin.post(`/api/campaigns/${no}/reject`, { reason: '自分で' }), 403);
  r = await s.approver.post(`/api/campaigns/${no}/reject`, { reason: '日付が誤っています' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  r = await s.reader.get(`/api/campaigns/${no}/timing`);
  assert.equal(r.json.approval.decision, 'rejected');
  assert.equal(r.json.approval.reason, '日付が誤っています');
  assert.equal((await s.reader.get('/api/campaign-approvals')).json.items.length, 0);
  // Sent again after the fix: waiting for approval again, not out.
  assert.equal((await s.admin.post(`/api/campaigns/${no}/send`, {})).json.status, 'pending_approval');
  const audit = (await s.admin.get('/api/audit?limit=100')).json.items.map((a) => a.action);
  for (const a of ['campaign.send', 'campaign.approve', 'campaign.reject', 'delivery.settings']) assert.ok(audit.includes(a), a);
  assert.equal(inbox(residents.hon, '差し戻された配信です'), 0);
  // Cancelled while waiting: off the 承認待ち list, and no longer approvable.
  assert.equal((await s.clerk.post(`/api/campaigns/${no}/cancel`, {})).status, 200);
  assert.equal((await s.reader.get('/api/campaign-approvals')).json.items.length, 0);
  expectError(assert, await s.approver.post(`/api/campaigns/${no}/approve`, {}), 409);
  assert.equal((await s.admin.put('/api/delivery-settings', { approval_required: false })).status, 200);

  // ---- timing ----------------------------------------------------------------------------------
  const at = await create(s.clerk, '日時指定', '日時指定の配信です');
  expectError(assert, await s.reader.put(`/api/campaigns/${at}/timing`, { kind: 'at', at: `${iso(W)}T09:00` }), 403);
  expectError(assert, await s.clerk.put(`/api/campaigns/${at}/timing`, { kind: 'at', at: '2027-02-29T09:00' }), 400);
  expectError(assert, await s.clerk.put('/api/campaigns/999999/timing', { kind: 'now' }), 404);
  r = await s.clerk.put(`/api/campaigns/${at}/timing`, { kind: 'at', at: `${iso(W)}T09:00` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.next_run_at, null);  // not sent yet
  r = await s.admin.post(`/api/campaigns/${at}/send`, {});
  assert.equal(r.json.status, 'scheduled');
  expectError(assert, await s.clerk.put(`/api/campaigns/${at}/timing`, { kind: 'now' }), 409);
  assert.equal((await s.reader.get(`/api/campaigns/${at}/timing`)).json.next_run_at, jstAt(W.y, W.m, W.d, 9, 0));

  const daily = await create(s.clerk, '毎日', '毎日10時の配信です');
  r = await s.clerk.put(`/api/campaigns/${daily}/timing`, { kind: 'recurring', rule: { kind: 'daily', time: '10:00', start: iso(W) } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.description, /毎日 10:00/);
  assert.equal((await s.admin.post(`/api/campaigns/${daily}/send`, {})).json.status, 'scheduled');

  // A recurring campaign with tracked links: each occurrence is a delivery of its own and
  // tracks its links too (its audience matches none of these residents).
  r = await s.clerk.post('/api/campaigns', { title: '毎日リンク', track_clicks: true,
    messages: [{ type: 'text', text: '詳しくは https://example.jp/daily をご覧ください' }],
    audience: { kind: 'condition', condition: { attr: 'garbage_area', in: ['該当なし'] } } });
  assert.equal(r.status, 201, r.text);
  const tracked = r.json.id;
  r = await s.clerk.put(`/api/campaigns/${tracked}/timing`, { kind: 'recurring', rule: { kind: 'daily', time: '10:00', start: iso(W) } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await s.admin.post(`/api/campaigns/${tracked}/send`, {})).json.status, 'scheduled');

  const baby = await create(s.clerk, '4か月', '4か月児健診のお知らせ');
  expectError(assert, await s.clerk.put(`/api/campaigns/${baby}/timing`, { kind: 'lifestage', attribute: 'garbage_area', months: 4 }), 400);
  r = await s.clerk.put(`/api/campaigns/${baby}/timing`, { kind: 'lifestage', attribute: 'child_birth_date', months: 4, time: '09:00' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await s.admin.post(`/api/campaigns/${baby}/send`, {})).json.status, 'scheduled');

  // Reminders on (default 19:00).
  r = await s.admin.put('/api/delivery-settings', { garbage_reminders: { enabled: true } });
  assert.equal(r.json.garbage_reminders.time, '19:00');

  // Wednesday 9:01: the dated campaign and the 4-month one go out, the daily one not yet.
  setClock(jstAt(W.y, W.m, W.d, 9, 1));
  await until('the dated campaign', () => inbox(residents.hon, '日時指定の配信です') === 1);
  const bornMatches = birth.d === W.d;  // W.d past the end of the month four months before: nobody
  if (bornMatches) await until('the 4-month notice', () => inbox(residents.baby, '4か月児健診のお知らせ') === 1);
  assert.equal(inbox(residents.hon, '4か月児健診のお知らせ'), 0);
  assert.equal(inbox(residents.hon, '毎日10時の配信です'), 0);
  // 10:01: the first daily occurrence.
  setClock(jstAt(W.y, W.m, W.d, 10, 1));
  await until('the daily campaign', () => inbox(residents.hon, '毎日10時の配信です') === 1);
  s.reader = await login('reader@demo.example', PW);  // sessions last a working day; the clock moved
  r = await s.reader.get(`/api/campaigns/${daily}/timing`);
  assert.deepEqual(r.json.occurrences.map((o) => o.key), [`${iso(W)}T10:00`]);
  assert.equal(r.json.next_run_at, jstAt(W.y, W.m, W.d, 10, 0) + D);
  const copy = await until('the tracked occurrence', () => Number(sql(db, `SELECT COALESCE(MAX(delivery_id), 0) FROM campaign_occurrences WHERE campaign_id = ${tracked};`).trim()));
  assert.notEqual(copy, tracked);
  assert.deepEqual(sql(db, `SELECT url FROM campaign_links WHERE tenant_id = ${tenant} AND campaign_id = ${copy};`).trim().split('\n'), ['https://example.jp/daily']);

  // 19:01: 本町 hears what Thursday collects; 北地区 (nothing on Thursday), no district and the
  // 21:00 resident hear nothing yet.
  setClock(jstAt(W.y, W.m, W.d, 19, 1));
  await until('the 本町 reminder', () => inbox(residents.hon, '%燃やせるごみ%本町%') === 1);
  const T = jstParts(w + D);
  assert.equal(inbox(residents.hon, `明日 ${T.m}月${T.d}日（木）は %`), 1);
  assert.equal(inbox(residents.kita, '%'), 3);  // the three campaigns only
  assert.equal(inbox(residents.none, '%収集日%'), 0);
  assert.equal(inbox(residents.late, '%収集日%'), 0);
  setClock(jstAt(W.y, W.m, W.d, 21, 1));
  await until('the 21:00 reminder', () => inbox(residents.late, '%収集日%') === 1);
  assert.equal(inbox(residents.hon, '%収集日%'), 1);
  assert.equal(inbox(residents.kita, '%収集日%'), 0);

  // Restart, and a second process on the same database: Thursday 10:01 brings exactly one more
  // daily delivery, and nothing else is sent again.
  await srv.stop();
  const one = await another(db, env);
  const two = await another(db, env);
  base = one.base;
  setClock(jstAt(T.y, T.m, T.d, 10, 1));
  await until('the second daily occurrence', () => inbox(residents.hon, '毎日10時の配信です') === 2);
  // Two minutes later, once the sweeps of that moment have run (their schedule moved past it
  // and no sweep job is waiting or running), nothing more has gone out.
  const later = jstAt(T.y, T.m, T.d, 10, 3);
  setClock(later);
  await until('sweeps at 10:03', () => sql(db, `SELECT (SELECT COUNT(*) FROM schedules WHERE name IN ('delivery.schedule', 'garbage.reminders') AND next_run_at > ${later}) || ',' || (SELECT COUNT(*) FROM jobs WHERE kind IN ('delivery.schedule', 'garbage.reminders', 'campaign.fanout') AND status IN ('pending', 'running'));`).trim() === '2,0');
  assert.equal(inbox(residents.hon, '毎日10時の配信です'), 2);
  assert.equal(inbox(residents.hon, '日時指定の配信です'), 1);
  assert.equal(inbox(residents.hon, '%収集日%'), 1);
  assert.equal(inbox(residents.late, '%収集日%'), 1);
  if (bornMatches) assert.equal(inbox(residents.baby, '4か月児健診のお知らせ'), 1);
  assert.equal(Number(sql(db, `SELECT COUNT(*) FROM campaign_occurrences WHERE campaign_id = ${daily};`).trim()), 2);
  base = two.base;
  s.reader = await login('reader@demo.example', PW);
  r = await s.reader.get(`/api/campaigns/${daily}/timing`);
  assert.deepEqual(r.json.occurrences.map((o) => o.key), [`${iso(T)}T10:00`, `${iso(W)}T10:00`]);
  assert.equal((await s.reader.get(`/api/campaigns/${at}`)).json.status, 'sent');
});
