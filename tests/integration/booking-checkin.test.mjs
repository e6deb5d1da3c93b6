// Reservations (issue 12): booking messages, smart-lock PIN, QR check-in and changes.
// Confirmation and reminder reach the resident once each, even when their jobs run again and
// the server restarts (the clock moved through MADOGUCHI_TEST_CLOCK_FILE); a PIN only where the
// resource has one; check-in once, twice, another tenant's code, a bad code; a change within
// the rules, into a full slot (409, nothing changed) and two changes racing for the last place.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, freshDatabase, freePort, cli, BIN, BACKEND, Client, expectError } from './harness.mjs';

const H = 3600e3;
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
async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const jstDate = (offset) => new Date(Date.now() + 9 * H + offset * D).toISOString().slice(0, 10);
const jstMs = (date, hhmm) => Date.parse(`${date}T${hhmm}:00+09:00`);
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));

async function createResource(admin, body) {
  const r = await admin.post('/api/resources', {
    slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false, window_days: 90, daily_limit: 0, ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const book = (client, id, slot, extra = {}) => client.post(`/api/public/demo/resources/${id}/bookings`, { slot, ...extra });
const inbox = async (client) => (await client.get('/api/public/demo/my/messages')).json.items;
const titled = (items, title) => items.filter((m) => m.title === title);

// A server on `db` after the first (the demo exists, so no password is printed).
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

test('confirmation and reminder go out once each (repeated runs, a restart); PIN only when enabled; staff cancel tells why', async () => {
  const db = freshDatabase();
  const clockFile = join(db.dataDir, 'clock-offset');
  writeFileSync(clockFile, '0');
  const env = { MADOGUCHI_TEST_CLOCK_FILE: clockFile };
  const setClock = (ms) => writeFileSync(clockFile, String(Math.round(ms - Date.now())));
  const srv = await startServer({ db, env });
  procs.push(srv);
  const admin = await srv.admin();

  // Settings: PIN on/off, the reminder (default: the day before at 18:00), validated.
  const locked = await createResource(admin, { name: '音楽室', pin_enabled: true });
  assert.equal(locked.pin_enabled, true);
  assert.deepEqual(locked.reminder, { days_before: 1, time: '18:00' });
  const open = await createResource(admin, { name: '会議室', reminder: { days_before: 0, time: '08:00' } });
  assert.equal(open.pin_enabled, false);
  assert.deepEqual(open.reminder, { days_before: 0, time: '08:00' });
  for (const bad of [{ reminder: { days_before: 8 } }, { reminder: { time: '25:00' } }, { reminder: { time: '6pm' } }, { reminder: 3 }, { pin_enabled: 'yes' }]) {
    const r = await admin.post('/api/resources', { name: 'X', slot_minutes: 60, capacity: 1, opening_hours: everyDay, ...bad });
    expectError(assert, r, 400, 'invalid');
  }
  // A PUT without the new fields keeps them.
  const kept = await admin.put(`/api/resources/${locked.id}`, { name: '音楽室', slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false, daily_limit: 0 });
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.pin_enabled, true);

  const day = jstDate(3);
  const a = new Client(srv.base);
  const b = new Client(srv.base);
  const ba = await book(a, locked.id, `${day}T10:00`);
  assert.equal(ba.status, 201, ba.text);
  const bb = await book(b, open.id, `${day}T10:00`);
  assert.equal(bb.status, 201, bb.text);

  const confirmA = (await until('A\'s confirmation', async () => titled(await inbox(a), '予約が確定しました')[0]));
  const confirmB = (await until('B\'s confirmation', async () => titled(await inbox(b), '予約が確定しました')[0]));
  const mineA = (await a.get('/api/public/demo/bookings')).json.bookings[0];
  const mineB = (await b.get('/api/public/demo/bookings')).json.bookings[0];
  assert.match(mineA.pin.code, /^\d{6}$/);
  assert.deepEqual([mineA.pin.valid_from, mineA.pin.valid_until], [`${day}T10:00`, `${day}T11:00`]);
  assert.ok(confirmA.text.includes(`暗証番号: ${mineA.pin.code}`), confirmA.text);
  assert.equal(mineB.pin, undefined);
  assert.doesNotMatch(confirmB.text, /暗証番号/);
  for (const [mine, msg] of [[mineA, confirmA], [mineB, confirmB]]) {
    assert.match(mine.checkin_code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    assert.ok(msg.text.includes(mine.checkin_code), msg.text);
    assert.equal(msg.link, '/t/demo/bookings');
  }
  assert.notEqual(mineA.checkin_code, mineB.checkin_code);
  // The QR code: SVG for the web page, PNG for LINE; unknown codes and other tenants: 404.
  const svg = await a.get(mineA.qr_svg);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svg.text, /^<svg [^>]*aria-label="受付用QRコード"/);
  const png = await fetch(srv.base + mineA.qr_svg.replace('qr.svg', 'qr.png'));
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expectError(assert, await a.get('/api/public/demo/checkin/AAAAAAAAAAAAAAAA/qr.svg'), 404);
  expectError(assert, await a.get('/api/public/demo/checkin/not-a-code/qr.png'), 404);
  // Staff see no PIN; residents see only their own bookings.
  const ledger = await admin.get(`/api/resources/${locked.id}/bookings?from=${day}&days=1`);
  assert.doesNotMatch(ledger.text, new RegExp(mineA.pin.code));

  // The same notice job again (a retry, a second process): still one confirmation.
  const tenant = Number(sql(db, "SELECT id FROM tenants WHERE code = 'demo';").trim());
  const done = (kind) => Number(sql(db, `SELECT COUNT(*) FROM jobs WHERE kind = '${kind}' AND status = 'done';`).trim());
  const noticesDone = done('reservations.booking_notice');
  sql(db, `INSERT INTO jobs(tenant_id, kind, payload, status, run_at, max_attempts, created_at) VALUES (${tenant}, 'reservations.booking_notice', '{"booking_id":${ba.json.id},"kind":"confirm","reason":""}', 'pending', 0, 8, 0);`);
  await until('the repeated notice job', async () => done('reservations.booking_notice') > noticesDone);
  assert.equal(titled(await inbox(a), '予約が確定しました').length, 1);

  // The day before at 18:00 (JST): A's reminder; B's (08:00 on the day) not yet.
  setClock(jstMs(jstDate(2), '18:01'));
  const reminder = await until('A\'s reminder', async () => titled(await inbox(a), 'ご予約の日が近づいています')[0]);
  assert.ok(reminder.text.includes(mineA.pin.code) && reminder.text.includes('音楽室'), reminder.text);
  assert.equal(titled(await inbox(b), 'ご予約の日が近づいています').length, 0);
  // The sweep runs again, then the server restarts and it runs again: still one each.
  let sweeps = done('reservations.reminders');
  setClock(jstMs(jstDate(2), '18:05'));
  await until('another reminder sweep', async () => done('reservations.reminders') > sweeps);
  await srv.stop();
  const again = await another(db, env);
  sweeps = done('reservations.reminders');
  setClock(jstMs(jstDate(2), '18:10'));
  await until('a sweep after the restart', async () => done('reservations.reminders') > sweeps);
  const a2 = new Client(again.base);
  a2.cookies = a.cookies;
  const b2 = new Client(again.base);
  b2.cookies = b.cookies;
  assert.equal(titled(await inbox(a2), 'ご予約の日が近づいています').length, 1);
  assert.equal(titled(await inbox(a2), '予約が確定しました').length, 1);
  // B's reminder at 08:00 on the day, once.
  setClock(jstMs(day, '08:01'));
  await until('B\'s reminder', async () => titled(await inbox(b2), 'ご予約の日が近づいています').length === 1);
  assert.equal(Number(sql(db, `SELECT COUNT(*) FROM booking_messages WHERE kind = 'reminder';`).trim()), 2);

  // Staff cancel B's booking with a reason: B is told, once.
  const admin2 = new Client(again.base);
  assert.equal((await admin2.login('demo', 'admin@demo.example', srv.password)).status, 200);
  assert.equal((await admin2.post(`/api/bookings/${bb.json.id}/cancel`, { reason: '設備の故障のため' })).status, 200);
  const cancelled = await until('B\'s cancellation message', async () => titled(await inbox(b2), '予約が取り消されました')[0]);
  assert.match(cancelled.text, /設備の故障のため/);
  // A cancelled booking's QR code is gone.
  expectError(assert, await b2.get(mineB.qr_svg), 404);
});

test('check-in once, twice, another tenant, bad codes; changes within the rules, into a full slot, racing', async () => {
  const srv = await startServer();
  procs.push(srv);
  const admin = await srv.admin();
  const room = await createResource(admin, { name: '和室', capacity: 1, cancel_lead: { amount: 24, unit: 'hours' } });
  const day = jstDate(4);
  const a = new Client(srv.base);
  const ba = await book(a, room.id, `${day}T10:00`);
  assert.equal(ba.status, 201, ba.text);
  const code = (await a.get('/api/public/demo/bookings')).json.bookings[0].checkin_code;

  // Check-in: staff only; bad codes 400; unknown 404; once 200, twice 409; another tenant 404.
  expectError(assert, await srv.client().post('/api/bookings/checkin', { token: code }), 401);
  for (const bad of [{}, { token: '' }, { token: 12 }, { token: 'ABC' }, { token: 'UUUU-UUUU-UUUU-UUUU' }, { token: code + 'X' }])
    expectError(assert, await admin.post('/api/bookings/checkin', bad), 400, 'invalid');
  expectError(assert, await admin.post('/api/bookings/checkin', { token: '0000-0000-0000-0000' }), 404, 'not_found');
  cli(srv.db, ['tenant', 'create', '--code', 'ck-other', '--name', '別町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'ck-other', '--email', 'b@ck.example', '--password-stdin'], 'ck-other-password\n');
  const other = new Client(srv.base);
  assert.equal((await other.login('ck-other', 'b@ck.example', 'ck-other-password')).status, 200);
  expectError(assert, await other.post('/api/bookings/checkin', { token: code }), 404, 'not_found');
  // Typed in lower case without hyphens: the same code.
  const first = await admin.post('/api/bookings/checkin', { token: code.replaceAll('-', '').toLowerCase() });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.id, ba.json.id);
  assert.equal(first.json.resource_name, '和室');
  assert.equal(typeof first.json.checked_in_at, 'number');
  const twice = await admin.post('/api/bookings/checkin', { token: code });
  expectError(assert, twice, 409, 'already_checked_in');
  assert.equal(twice.json.error.details.checked_in_at, first.json.checked_in_at);
  // The ledger and the CSV show attendance; the check-in is audited.
  const ledger = await admin.get(`/api/resources/${room.id}/bookings?from=${day}&days=1`);
  assert.equal(ledger.json.bookings[0].checked_in_at, first.json.checked_in_at);
  const csv = await admin.get(`/api/resources/${room.id}/bookings.csv?from=${day}&days=1`);
  assert.match(csv.text.split('\r\n')[0], /,来場受付,利用料（円）,減免$/);
  assert.match(csv.text.split('\r\n')[1], /,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+,[^,]*$/);
  assert.ok((await admin.get('/api/audit')).text.includes('booking.checkin'));

  // A resident's change within the rules: the old slot freed, the new one booked, told once.
  const b = new Client(srv.base);
  const bb = await book(b, room.id, `${day}T11:00`);
  assert.equal(bb.status, 201, bb.text);
  const oldCode = (await b.get('/api/public/demo/bookings')).json.bookings[0].checkin_code;
  expectError(assert, await b.post(`/api/public/demo/bookings/${bb.json.id}/change`, { slot: `${day}T11:00` }), 400, 'invalid');
  expectError(assert, await a.post(`/api/public/demo/bookings/${bb.json.id}/change`, { slot: `${day}T12:00` }), 404, 'not_found');
  expectError(assert, await b.post(`/api/public/demo/bookings/${bb.json.id}/change`, { slot: 'tomorrow' }), 400, 'invalid');
  expectError(assert, await b.post(`/api/public/demo/bookings/${bb.json.id}/change`, [1]), 400);
  expectError(assert, await b.post(`/api/public/ck-other/bookings/${bb.json.id}/change`, { slot: `${day}T12:00` }), 404);
  const moved = await b.post(`/api/public/demo/bookings/${bb.json.id}/change`, { slot: `${day}T12:00` });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.slot, `${day}T12:00`);
  const mine = (await b.get('/api/public/demo/bookings')).json.bookings;
  assert.deepEqual(mine.map((x) => [x.slot, x.status]), [[`${day}T12:00`, 'booked'], [`${day}T11:00`, 'cancelled']]);
  assert.equal(mine[1].changed_to, moved.json.id);
  assert.notEqual(mine[0].checkin_code, oldCode);
  await until('the change message', async () => titled(await inbox(b), '予約が変更されました').length === 1);
  const avail = async () => Object.fromEntries((await srv.client().get(`/api/public/demo/resources/${room.id}/availability?from=${day}&days=1`)).json.days[0].slots.map((s) => [s.start.slice(11), s.booked]));
  assert.deepEqual(await avail(), { '09:00': 0, '10:00': 1, '11:00': 0, '12:00': 1, '13:00': 0, '14:00': 0, '15:00': 0, '16:00': 0 });
  // Into a full slot: 409 with alternatives, nothing changed.
  const full = await b.post(`/api/public/demo/bookings/${moved.json.id}/change`, { slot: `${day}T10:00` });
  expectError(assert, full, 409, 'slot_full');
  assert.ok(full.json.error.details.next_free.length > 0);
  assert.deepEqual((await b.get('/api/public/demo/bookings')).json.bookings.map((x) => [x.slot, x.status]), mine.map((x) => [x.slot, x.status]));
  assert.deepEqual(await avail(), { '09:00': 0, '10:00': 1, '11:00': 0, '12:00': 1, '13:00': 0, '14:00': 0, '15:00': 0, '16:00': 0 });
  // Past the change deadline (24 hours): residents no; staff yes, with a reason, audited.
  const c = new Client(srv.base);
  const soon = await book(c, room.id, `${jstDate(1)}T09:00`);
  if (soon.status === 201) {
    const late = await c.post(`/api/public/demo/bookings/${soon.json.id}/change`, { slot: `${jstDate(1)}T16:00` });
    if (jstMs(jstDate(1), '09:00') - Date.now() < 24 * H) expectError(assert, late, 409, 'change_deadline');
  }
  expectError(assert, await admin.post(`/api/bookings/${moved.json.id}/change`, { slot: `${day}T13:00` }), 400, 'invalid');
  expectError(assert, await other.post(`/api/bookings/${moved.json.id}/change`, { slot: `${day}T13:00`, reason: 'x' }), 404);
  const staffMove = await admin.post(`/api/bookings/${moved.json.id}/change`, { slot: `${day}T13:00`, reason: '部屋の点検のため' });
  assert.equal(staffMove.status, 200, staffMove.text);
  assert.equal(staffMove.json.source, 'resident', 'the booking stays the resident\'s');
  const told = await until('the staff change message', async () => titled(await inbox(b), '予約が変更されました').find((m) => m.text.includes('部屋の点検のため')));
  assert.match(told.text, /13:00/);
  assert.ok((await admin.get('/api/audit')).text.includes('booking.change'));

  // Two residents race to move into the last place (16:00): one wins, the other is told it is
  // full and keeps their booking.
  const racers = [new Client(srv.base), new Client(srv.base)];
  const held = [];
  for (const [i, r] of racers.entries()) {
    const x = await book(r, room.id, `${day}T${['09', '14'][i]}:00`);
    assert.equal(x.status, 201, x.text);
    held.push(x.json.id);
  }
  const answers = await Promise.all(racers.map((r, i) => r.post(`/api/public/demo/bookings/${held[i]}/change`, { slot: `${day}T16:00` })));
  assert.deepEqual(answers.map((x) => x.status).sort(), [200, 409], answers.map((x) => x.text).join('\n'));
  const after = await avail();
  assert.equal(after['16:00'], 1);
  assert.equal(after['09:00'] + after['14:00'], 1, 'the loser kept their slot');
});
