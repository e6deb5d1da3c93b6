// Reservations staff console (issue 12): phone/counter bookings with the caller's name and
// phone in the ledger, occupancy statistics equal to the booking rows, and the bookings CSV
// (formula injection neutralised). Bad input: wrong types, another tenant's ids, a
// cancellation without a reason, a viewer. One server; SQLite and, with MG_DB=postgres,
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, cli } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => {
  await srv?.cleanup();
});

const jstDate = (offset) => new Date(Date.now() + 9 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '12:00']]]));

test('staff phone bookings, statistics and CSV equal the ledger; bad input is refused in Japanese', async () => {
  const created = await admin.post('/api/resources', {
    name: '=会議室', slot_minutes: 60, capacity: 4, opening_hours: everyDay, closed_on_holidays: false, window_days: 30,
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const day = jstDate(2);

  // A phone booking with who called; the ledger shows it to staff.
  const phone = await admin.post(`/api/resources/${id}/bookings`, {
    slot: `${day}T09:00`, party: 3, note: '=1+1 車いす', contact_name: '+山田 花子', contact_phone: '090-1234-5678',
  });
  assert.equal(phone.status, 201, phone.text);
  assert.equal(phone.json.contact_name, '+山田 花子');
  assert.equal(phone.json.contact_phone, '090-1234-5678');
  assert.equal(phone.json.source, 'staff');
  const second = await admin.post(`/api/resources/${id}/bookings`, { slot: `${day}T10:00`, party: 1, contact_name: '佐藤' });
  assert.equal(second.status, 201, second.text);
  const ledger = await admin.get(`/api/resources/${id}/bookings?from=${day}&days=1`);
  assert.equal(ledger.status, 200, ledger.text);
  const row = ledger.json.bookings.find((b) => b.id === phone.json.id);
  assert.equal(row.contact_phone, '090-1234-5678');
  assert.equal(ledger.json.days[0].slots.find((s) => s.start === `${day}T09:00`).booked, 3);

  // Bad input at the field, in Japanese.
  for (const [body, field] of [
    [{ slot: `${day}T11:00`, contact_phone: 'call me' }, 'contact_phone'],
    [{ slot: `${day}T11:00`, contact_phone: '1234567890123456' }, 'contact_phone'],
    [{ slot: `${day}T11:00`, contact_phone: '---' }, 'contact_phone'],
    [{ slot: `${day}T11:00`, contact_name: 42 }, 'contact_name'],
    [{ slot: `${day}T11:00`, contact_name: 'x'.repeat(201) }, 'contact_name'],
    [{ slot: `${day}T11:00`, party: '2' }, 'party'],
    [{ slot: 20261201 }, 'slot'],
    [{ slot: `${day}T11:00`, party: 5 }, 'party'],
  ]) {
    const r = await admin.post(`/api/resources/${id}/bookings`, body);
    expectError(assert, r, 400);
    assert.equal(r.json.error.field, field, r.text);
    assert.match(r.json.error.message, /[ぁ-んァ-ン一-龥]/, 'Japanese message');
  }

  // Cancelling needs a reason (missing, empty or not text: 400); with one, the ledger keeps it.
  for (const body of [{}, { reason: '' }, { reason: 7 }]) {
    const r = await admin.post(`/api/bookings/${second.json.id}/cancel`, body);
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, 'reason');
  }
  const cancelled = await admin.post(`/api/bookings/${second.json.id}/cancel`, { reason: '本人から電話で取り消し' });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.reason, '本人から電話で取り消し');

  // Statistics: places from the calendar (3 slots × 4 a day), booked party from the rows.
  const stats = await admin.get(`/api/resources/${id}/stats?from=${day}&days=7`);
  assert.equal(stats.status, 200, stats.text);
  assert.equal(stats.json.days.length, 7);
  assert.deepEqual(stats.json.days[0], { date: day, closed: null, slots: 3, places: 12, booked_party: 3, bookings: 1, cancelled: 1 });
  assert.deepEqual(stats.json.total, { slots: 21, places: 84, booked_party: 3, bookings: 1, cancelled: 1 });
  for (const q of ['days=0', 'days=367', 'days=x', 'from=2026-02-30', 'from=today']) {
    const r = await admin.get(`/api/resources/${id}/stats?${q}`);
    expectError(assert, r, 400, 'invalid');
    assert.match(r.json.error.message, /[ぁ-んァ-ン一-龥0-9]/);
  }

  // CSV: BOM, header, both rows, formulas neutralised; the export is audited.
  const csv = await admin.get(`/api/resources/${id}/bookings.csv?from=${day}&days=10`);
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  // fetch's text() drops the BOM; Excel needs it, so look at the bytes.
  const raw = new Uint8Array(await (await fetch(`${srv.base}/api/resources/${id}/bookings.csv?from=${day}`, { headers: { cookie: admin.cookieHeader() } })).arrayBuffer());
  assert.deepEqual([...raw.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(csv.text.startsWith('予約番号,施設・窓口,日付,時刻,人数,状態'), csv.text.slice(0, 80));
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, 3, csv.text);
  assert.equal(lines[1], `${phone.json.id},'=会議室,${day},09:00,3,予約,職員（電話・窓口）,'+山田 花子,090-1234-5678,'=1+1 車いす,,` + lines[1].split(',').slice(11).join(','));
  assert.match(lines[2], /,取り消し,.*,本人から電話で取り消し,/);
  assert.ok(!/(^|,)[=+@]/m.test(csv.text), 'no cell starts with a formula');
  const audit = await admin.get('/api/audit?limit=20');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(JSON.stringify(audit.json).includes('booking.export'), 'export audited');

  // Unknown and malformed ids.
  for (const path of [`/api/resources/999999/stats`, `/api/resources/abc/bookings.csv`, `/api/resources/-1/stats`])
    expectError(assert, await admin.get(path), 404, 'not_found');

  // A viewer sees neither statistics nor the CSV (personal data).
  const v = await admin.post('/api/staff', { email: 'resviewer@demo.example', password: 'viewer-password-9', role: 'viewer' });
  assert.equal(v.status, 201, v.text);
  const viewer = srv.client();
  assert.equal((await viewer.login('demo', 'resviewer@demo.example', 'viewer-password-9')).status, 200);
  assert.equal((await viewer.get(`/api/resources/${id}/stats`)).status, 403);
  assert.equal((await viewer.get(`/api/resources/${id}/bookings.csv`)).status, 403);

  // Another tenant's staff: A's resource and booking ids are "not found", nothing leaks.
  cli(srv.db, ['tenant', 'create', '--code', 'otherres', '--name', '別町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'otherres', '--email', 'admin@otherres.example', '--password-stdin'], 'otherres-password\n');
  const other = srv.client();
  assert.equal((await other.login('otherres', 'admin@otherres.example', 'otherres-password')).status, 200);
  for (const r of [
    await other.get(`/api/resources/${id}/stats?from=${day}`),
    await other.get(`/api/resources/${id}/bookings.csv?from=${day}`),
    await other.get(`/api/resources/${id}/bookings?from=${day}`),
    await other.post(`/api/resources/${id}/bookings`, { slot: `${day}T11:00`, contact_name: '偽' }),
    await other.post(`/api/bookings/${phone.json.id}/cancel`, { reason: '偽の取り消し' }),
  ]) {
    expectError(assert, r, 404, 'not_found');
    assert.ok(!r.text.includes('山田') && !r.text.includes('会議室'), r.text);
  }
  const still = await admin.get(`/api/resources/${id}/bookings?from=${day}&days=1`);
  assert.equal(still.json.bookings.find((b) => b.id === phone.json.id).status, 'booked');
  assert.equal(still.json.bookings.length, 2);
});
