// Reservations (issue 12, the ledger): resources with calendars, bookings that never exceed
// a slot's capacity however many residents race for it, availability equal to the real
// bookings, resident and staff cancellations. SQLite and, with MG_DB=postgres, PostgreSQL,
// where two madoguchi processes share one database for the race.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, freePort, expectError, Client, BACKEND, BIN } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => {
  await srv?.cleanup();
});

// A JST date `offset` days from today, as the API writes it.
const jstDate = (offset) => new Date(Date.now() + 9 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const everyDay = (from = '09:00', to = '17:00') =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [[from, to]]]));

async function createResource(body = {}) {
  const r = await admin.post('/api/resources', {
    name: '会議室A', slot_minutes: 60, capacity: 5, opening_hours: everyDay(),
    closed_on_holidays: false, window_days: 30, daily_limit: 1, ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const bookAs = (client, id, slot, party = 1, base = srv.base) => {
  client.base = base;
  return client.post(`/api/public/demo/resources/${id}/bookings`, { slot, party });
};

test('categories nest three levels deep, not four; resources validate their calendar', async () => {
  const top = await admin.post('/api/resource-categories', { name: '施設' });
  assert.equal(top.status, 201, top.text);
  const mid = await admin.post('/api/resource-categories', { name: '体育施設', parent_id: top.json.id });
  const leaf = await admin.post('/api/resource-categories', { name: '体育館', parent_id: mid.json.id });
  assert.equal(leaf.status, 201, leaf.text);
  expectError(assert, await admin.post('/api/resource-categories', { name: '第4段', parent_id: leaf.json.id }), 400, 'invalid');
  // A category cannot move under its own descendant.
  expectError(assert, await admin.put(`/api/resource-categories/${top.json.id}`, { name: '施設', parent_id: leaf.json.id }), 400, 'invalid');
  const res = await createResource({ category_id: leaf.json.id, name: '体育館 半面' });
  assert.equal(res.category_id, leaf.json.id);
  // A category in use is not deleted.
  expectError(assert, await admin.del(`/api/resource-categories/${leaf.json.id}`), 409, 'in_use');
  for (const bad of [
    { opening_hours: { monday: [['09:00', '17:00']] } },
    { opening_hours: { mon: [['17:00', '09:00']] } },
    { opening_hours: { mon: [['09:00', '12:00'], ['11:00', '13:00']] } },
    { opening_hours: { mon: '09:00-17:00' } },
    { slot_minutes: 0 },
    { slot_minutes: '60' },
    { capacity: 0 },
    { capacity: 1.5 },
    { name: 42 },
    { closed_on_holidays: 'yes' },
    { special_days: [{ date: '2026-13-01' }] },
  ]) {
    const r = await admin.post('/api/resources', { name: 'X', slot_minutes: 60, capacity: 5, opening_hours: everyDay(), ...bad });
    expectError(assert, r, 400, 'invalid');
    assert.match(r.json.error.message, /[ぁ-んァ-ン一-龥]/, 'Japanese message');
  }
  const malformed = await admin.request('POST', '/api/resources', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
});

test('holidays (振替休日 included) and closures have no slots; special hours replace the week', async () => {
  const r = await createResource({
    name: '窓口', closed_on_holidays: true, opening_hours: { mon: [['09:00', '12:00']], tue: [['09:00', '12:00']], wed: [['09:00', '12:00']], thu: [['09:00', '12:00']], fri: [['09:00', '12:00']] },
    special_days: [{ date: '2027-01-13', closed: true, note: 'システム点検' }, { date: '2027-01-16', closed: false, hours: [['10:00', '11:00']] }],
  });
  // 2027-01-11 成人の日 (Mon); 2027-01-12 ordinary; 01-13 closed; 01-16 Saturday special hours.
  const a = await srv.client().get(`/api/public/demo/resources/${r.id}/availability?from=2027-01-11&days=6`);
  assert.equal(a.status, 200, a.text);
  const day = Object.fromEntries(a.json.days.map((d) => [d.date, d]));
  assert.equal(day['2027-01-11'].closed, '成人の日');
  assert.equal(day['2027-01-11'].slots.length, 0);
  assert.equal(day['2027-01-12'].slots.length, 3);
  assert.equal(day['2027-01-13'].closed, 'システム点検');
  assert.deepEqual(day['2027-01-16'].slots.map((s) => s.start), ['2027-01-16T10:00']);
  // 2029-02-12 is the 振替休日 for 建国記念の日 on Sunday 2029-02-11.
  const sub = await srv.client().get(`/api/public/demo/resources/${r.id}/availability?from=2029-02-12&days=1`);
  assert.equal(sub.json.days[0].closed, '休日');
  assert.equal(sub.json.days[0].slots.length, 0);
  for (const q of ['?from=2027-1-1', '?days=0', '?days=32', '?days=abc', '?from=2027-02-30'])
    expectError(assert, await srv.client().get(`/api/public/demo/resources/${r.id}/availability${q}`), 400, 'invalid');
});

test('200 residents race for a slot of 5: exactly 5 booked, 195 told slot_full with other slots', async () => {
  const r = await createResource({ name: '健診 会場A' });
  const slot = `${jstDate(2)}T10:00`;
  const clients = Array.from({ length: 200 }, () => new Client(srv.base));
  const answers = await Promise.all(clients.map((c) => bookAs(c, r.id, slot)));
  const booked = answers.filter((a) => a.status === 201);
  const full = answers.filter((a) => a.status === 409);
  assert.equal(booked.length, 5, answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.text).join('\n'));
  assert.equal(full.length, 195);
  for (const f of full) {
    assert.equal(f.json.error.code, 'slot_full');
    assert.match(f.json.error.message, /埋まりました/);
    assert.equal(f.json.error.details.next_free[0].start, `${jstDate(2)}T11:00`);
  }
  const a = await srv.client().get(`/api/public/demo/resources/${r.id}/availability?from=${jstDate(2)}&days=1`);
  const s = a.json.days[0].slots.find((x) => x.start === slot);
  assert.equal(s.remaining, 0);
  assert.equal(s.booked, 5);
  assert.equal(s.bookable, false);
  const ledger = await admin.get(`/api/resources/${r.id}/bookings?from=${jstDate(2)}&days=1`);
  assert.equal(ledger.status, 200, ledger.text);
  assert.equal(ledger.json.bookings.filter((b) => b.status === 'booked').length, 5);
  // A cancellation frees one place, and exactly one of the next racers gets it.
  const mine = booked[0];
  const own = answers.indexOf(mine);
  const c = await clients[own].post(`/api/public/demo/resources/${r.id}/bookings/${mine.json.id}/cancel`, {});
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  const again = await Promise.all(clients.slice(0, 50).filter((_, i) => answers[i].status === 409).map((cl) => bookAs(cl, r.id, slot)));
  assert.equal(again.filter((x) => x.status === 201).length, 1);
  const after = await srv.client().get(`/api/public/demo/resources/${r.id}/availability?from=${jstDate(2)}&days=1`);
  assert.equal(after.json.days[0].slots.find((x) => x.start === slot).booked, 5);
});

test('rules: party, window, past, not a slot, daily limit, stop switch; bad input refused', async () => {
  const r = await createResource({ name: '一時保育', capacity: 3 });
  const me = new Client(srv.base);
  const slot = `${jstDate(3)}T09:00`;
  const url = `/api/public/demo/resources/${r.id}/bookings`;
  expectError(assert, await bookAs(me, r.id, slot, 0), 400, 'invalid');
  expectError(assert, await bookAs(me, r.id, slot, 4), 400, 'invalid');
  expectError(assert, await me.post(url, { slot, party: '1' }), 400, 'invalid');
  expectError(assert, await me.post(url, { slot: 20261201 }), 400, 'invalid');
  expectError(assert, await me.post(url, { slot: `${jstDate(3)} 09:00` }), 400, 'invalid');
  expectError(assert, await me.post(url, {}), 400, 'invalid');
  const malformed = await me.request('POST', url, { raw: '{"slot":', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
  const form = await me.request('POST', url, { raw: `slot=${slot}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
  expectError(assert, await bookAs(me, r.id, `${jstDate(-1)}T10:00`), 400, 'out_of_window');
  expectError(assert, await bookAs(me, r.id, `${jstDate(31)}T10:00`), 400, 'out_of_window');
  expectError(assert, await bookAs(me, r.id, `${jstDate(3)}T09:30`), 400, 'invalid');
  expectError(assert, await bookAs(me, r.id, `${jstDate(3)}T18:00`), 400, 'invalid');
  expectError(assert, await me.post(`/api/public/nowhere/resources/${r.id}/bookings`, { slot }), 404, 'not_found');
  expectError(assert, await bookAs(me, 999999, slot), 404, 'not_found');
  const ok = await bookAs(me, r.id, slot, 2);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.slot, slot);
  assert.equal(ok.json.resident_id, undefined, 'residents do not see internal ids');
  // Daily limit 1 for the same resident, another slot the same day.
  expectError(assert, await bookAs(me, r.id, `${jstDate(3)}T10:00`), 409, 'daily_limit');
  // Someone else cannot cancel it (404), the owner can, once.
  const other = new Client(srv.base);
  await bookAs(other, r.id, `${jstDate(3)}T11:00`);
  expectError(assert, await other.post(`${url}/${ok.json.id}/cancel`, {}), 404, 'not_found');
  expectError(assert, await new Client(srv.base).post(`${url}/${ok.json.id}/cancel`, {}), 404, 'not_found');
  const mine = await me.get('/api/public/demo/bookings');
  assert.deepEqual(mine.json.bookings.map((b) => b.id), [ok.json.id]);
  assert.equal((await me.post(`${url}/${ok.json.id}/cancel`, {})).status, 200);
  expectError(assert, await me.post(`${url}/${ok.json.id}/cancel`, {}), 409, 'already_cancelled');
  // Stop switch.
  const put = await admin.put(`/api/resources/${r.id}`, { ...r, stopped: true });
  assert.equal(put.status, 200, put.text);
  expectError(assert, await bookAs(new Client(srv.base), r.id, `${jstDate(4)}T09:00`), 409, 'stopped');
});

test('staff book by phone and cancel with a reason, audited; the ledger shows both', async () => {
  const r = await createResource({ name: '相談窓口', capacity: 2 });
  const slot = `${jstDate(5)}T13:00`;
  const phone = await admin.post(`/api/resources/${r.id}/bookings`, { slot, party: 2, note: '電話 山田様' });
  assert.equal(phone.status, 201, phone.text);
  assert.equal(phone.json.source, 'staff');
  expectError(assert, await bookAs(new Client(srv.base), r.id, slot), 409, 'slot_full');
  expectError(assert, await admin.post(`/api/bookings/${phone.json.id}/cancel`, {}), 400, 'invalid');
  const c = await admin.post(`/api/bookings/${phone.json.id}/cancel`, { reason: '本人から取消の電話' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.reason, '本人から取消の電話');
  assert.equal((await bookAs(new Client(srv.base), r.id, slot)).status, 201);
  const ledger = await admin.get(`/api/resources/${r.id}/bookings?from=${jstDate(5)}&days=1`);
  assert.deepEqual(ledger.json.bookings.map((b) => [b.source, b.status]), [['staff', 'cancelled'], ['resident', 'booked']]);
  const audit = await admin.get('/api/audit');
  const actions = JSON.stringify(audit.json);
  assert.match(actions, /booking\.create/);
  assert.match(actions, /booking\.cancel/);
  const ics = await srv.client().get(`/api/public/demo/resources/${r.id}/calendar.ics`);
  assert.equal(ics.status, 200);
  assert.match(ics.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics.text, /SUMMARY:相談窓口 空き \d/);
});

// A second process on the same PostgreSQL database (no --demo: the first one seeded it).
async function secondProcess(db) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch {}
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`second server: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

test('PostgreSQL: two madoguchi processes on one database still book exactly the capacity', { skip: BACKEND !== 'postgres' }, async () => {
  const two = await secondProcess(srv.db);
  try {
    const r = await createResource({ name: '2プロセス会場' });
    for (const hour of ['10', '11', '12']) {
      const slot = `${jstDate(6)}T${hour}:00`;
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
        bookAs(new Client(srv.base), r.id, slot, 1, i % 2 ? two.base : srv.base)));
      assert.equal(answers.filter((a) => a.status === 201).length, 5, answers.filter((a) => a.status >= 500).map((a) => a.text).join('\n'));
      assert.equal(answers.filter((a) => a.status === 409 && a.json.error.code === 'slot_full').length, 195);
      const a = await srv.client().get(`/api/public/demo/resources/${r.id}/availability?from=${jstDate(6)}&days=1`);
      assert.equal(a.json.days[0].slots.find((x) => x.start === slot).booked, 5);
    }
  } finally {
    await two.stop();
  }
});
