// Reservations (issue 12): fees per slot with exemptions (減免), party size, and eligibility
// (everyone / residents of the municipality / a saved segment) through the HTTP API, on one
// server: the fee rounded down and stored on the booking (ledger, resident list, CSV), a bad
// exemption refused with nothing booked, ineligible residents refused with 403, and another
// tenant's ids (segments, resources) refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, Client, cli } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => {
  await srv?.cleanup();
});

const jstDate = (offset) => new Date(Date.now() + 9 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
const EXEMPTIONS = [
  { code: 'techo', label: '障害者手帳をお持ちの方', rate_percent: 100 },
  { code: 'dantai', label: '市内団体', rate_percent: 50 },
];

async function createResource(body) {
  const r = await admin.post('/api/resources', {
    slot_minutes: 60, capacity: 5, opening_hours: everyDay, closed_on_holidays: false,
    window_days: 90, daily_limit: 0, ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const book = (client, id, slot, extra = {}) => client.post(`/api/public/demo/resources/${id}/bookings`, { slot, ...extra });
const ledger = async (id, from) => {
  const r = await admin.get(`/api/resources/${id}/bookings?from=${from}&days=1`);
  assert.equal(r.status, 200, r.text);
  return r.json.bookings;
};

test('fees: per slot, exemptions rounded down and stored; bad input refused with nothing changed', async () => {
  const day = jstDate(3);
  const hall = await createResource({ name: '多目的ホール', fee_per_slot: 333, exemptions: EXEMPTIONS, max_slots: 3 });
  assert.equal(hall.fee_per_slot, 333);
  assert.deepEqual(hall.exemptions, EXEMPTIONS);
  assert.equal(hall.eligibility, 'everyone');
  // Residents see the fee and the exemptions, to choose one.
  const pub = (await srv.client().get('/api/public/demo/resources')).json.resources.find((r) => r.id === hall.id);
  assert.equal(pub.fee_per_slot, 333);
  assert.deepEqual(pub.exemptions.map((e) => e.code), ['techo', 'dantai']);

  // Settings validated (400 naming the field), the stored resource unchanged.
  const base = { name: '多目的ホール', slot_minutes: 60, capacity: 5, opening_hours: everyDay, closed_on_holidays: false, daily_limit: 0 };
  for (const [body, field] of [
    [{ fee_per_slot: -1 }, 'fee_per_slot'],
    [{ fee_per_slot: 10_000_001 }, 'fee_per_slot'],
    [{ fee_per_slot: 1.5 }, 'fee_per_slot'],
    [{ exemptions: [{ code: 'x', label: 'X', rate_percent: 0 }] }, 'exemptions/0/rate_percent'],
    [{ exemptions: [{ code: 'x', label: 'X', rate_percent: 101 }] }, 'exemptions/0/rate_percent'],
    [{ exemptions: [{ code: 'Bad Code', label: 'X', rate_percent: 10 }] }, 'exemptions/0/code'],
    [{ exemptions: [{ code: 'x', label: '', rate_percent: 10 }] }, 'exemptions/0/label'],
    [{ exemptions: [EXEMPTIONS[0], EXEMPTIONS[0]] }, 'exemptions/1/code'],
    [{ exemptions: 'techo' }, 'exemptions'],
    [{ party_min: 3, party_max: 2 }, 'party_min'],
    [{ party_min: 0 }, 'party_min'],
  ]) {
    const r = await admin.put(`/api/resources/${hall.id}`, { ...base, ...body });
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const kept = (await admin.get(`/api/resources/${hall.id}`)).json;
  assert.equal(kept.fee_per_slot, 333);
  assert.deepEqual(kept.exemptions, EXEMPTIONS);
  // A client that predates the fields keeps them.
  assert.equal((await admin.put(`/api/resources/${hall.id}`, { ...base, max_slots: 3 })).status, 200);
  assert.deepEqual((await admin.get(`/api/resources/${hall.id}`)).json.exemptions, EXEMPTIONS);

  // 3 slots × 333 yen at 50% = 499.5 → 499 yen; 1 slot without exemption 333; 100% → 0.
  const me = new Client(srv.base);
  const group = await book(me, hall.id, `${day}T09:00`, { slots: 3, exemption: 'dantai' });
  assert.equal(group.status, 201, group.text);
  assert.equal(group.json.fee, 499);
  assert.equal(group.json.exemption, 'dantai');
  assert.equal(group.json.exemption_label, '市内団体');
  const plain = await book(me, hall.id, `${day}T13:00`);
  assert.equal(plain.status, 201, plain.text);
  assert.equal(plain.json.fee, 333);
  assert.equal(plain.json.exemption, null);
  const free = await book(me, hall.id, `${day}T14:00`, { exemption: 'techo', party: 2 });
  assert.equal(free.json.fee, 0);
  assert.equal(free.json.exemption_label, '障害者手帳をお持ちの方');

  // An unknown exemption (or a wrong type) is 400 and books nothing.
  const before = await ledger(hall.id, day);
  for (const exemption of ['nope', 5, 'TECHO']) {
    const r = await book(me, hall.id, `${day}T15:00`, { exemption });
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, 'exemption');
  }
  assert.deepEqual(await ledger(hall.id, day), before);

  // The ledger: the whole fee on the first row of a multi-slot booking, so rows add up.
  const rows = await ledger(hall.id, day);
  assert.equal(rows.length, 5);
  assert.deepEqual(rows.map((b) => b.fee), [499, 0, 0, 333, 0]);
  assert.deepEqual(rows.map((b) => b.exemption_label), ['市内団体', '市内団体', '市内団体', '', '障害者手帳をお持ちの方']);
  // The resident's own list shows what was charged.
  const mine = (await me.get('/api/public/demo/bookings')).json.bookings;
  assert.equal(mine.find((b) => b.id === group.json.id).fee, 499);
  assert.equal(mine.find((b) => b.id === group.json.id).exemption_label, '市内団体');
  // The CSV: the fee and the exemption per row.
  const csv = await admin.get(`/api/resources/${hall.id}/bookings.csv?from=${day}&days=1`);
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.ok(lines[0].endsWith(',利用料（円）,減免'), lines[0]);
  assert.ok(lines[1].endsWith(',499,市内団体'), lines[1]);
  assert.ok(lines[4].endsWith(',333,'), lines[4]);

  // Staff (a phone booking) choose an exemption too; an unknown one is 400.
  const phone = await admin.post(`/api/resources/${hall.id}/bookings`, { slot: `${day}T16:00`, exemption: 'dantai', contact_name: '山田' });
  assert.equal(phone.status, 201, phone.text);
  assert.equal(phone.json.fee, 166);
  expectError(assert, await admin.post(`/api/resources/${hall.id}/bookings`, { slot: `${day}T16:00`, exemption: 'zzz' }), 400, 'invalid');

  // Party size limits: 2..4 people on a resource of 10 places.
  const room = await createResource({ name: '和室', capacity: 10, party_min: 2, party_max: 4 });
  assert.equal(room.party_min, 2);
  assert.equal(room.party_max, 4);
  for (const party of [1, 5]) {
    const r = await book(new Client(srv.base), room.id, `${day}T10:00`, { party });
    expectError(assert, r, 400, 'invalid');
    assert.match(r.json.error.message, /2〜4/);
  }
  assert.equal((await book(new Client(srv.base), room.id, `${day}T10:00`, { party: 4 })).status, 201);
});

test('eligibility: residents only and a saved segment, checked when booking; other tenants\' ids refused', async () => {
  const day = jstDate(4);
  // Without the attribute "segment" there is nothing to decide "residents only" by.
  const early = await admin.post('/api/resources', {
    name: '村民専用', slot_minutes: 60, capacity: 5, opening_hours: everyDay, eligibility: 'residents',
  });
  expectError(assert, early, 400, 'invalid');
  assert.equal(early.json.error.field, 'eligibility');
  assert.equal((await admin.post('/api/resident-attributes', {
    key: 'segment', label: '区分', type: 'choice',
    options: [{ value: 'resident', label: '村民' }, { value: 'non_resident', label: '村外' }],
  })).status, 201);

  // Three residents: a villager, a visitor, one with no attribute. Each books once on an open
  // resource so the staff ledger shows their ids.
  const open = await createResource({ name: '受付' });
  const people = { villager: new Client(srv.base), visitor: new Client(srv.base), unknown: new Client(srv.base) };
  const ids = {};
  let hour = 9;
  for (const [name, c] of Object.entries(people)) {
    const r = await book(c, open.id, `${day}T${String(hour++).padStart(2, '0')}:00`);
    assert.equal(r.status, 201, r.text);
    ids[name] = (await ledger(open.id, day)).find((b) => b.id === r.json.id).resident_id;
  }
  for (const [name, value] of [['villager', 'resident'], ['visitor', 'non_resident']])
    assert.equal((await admin.put(`/api/residents/${ids[name]}/attributes`, { values: { segment: value } })).status, 200);

  const gym = await createResource({ name: '村民体育館', eligibility: 'residents' });
  assert.equal(gym.eligibility, 'residents');
  for (const name of ['visitor', 'unknown']) {
    const r = await book(people[name], gym.id, `${day}T10:00`);
    expectError(assert, r, 403, 'not_eligible');
    assert.match(r.json.error.message, /お住まいの方だけが利用できます/);
  }
  assert.equal((await ledger(gym.id, day)).length, 0);
  assert.equal((await book(people.villager, gym.id, `${day}T10:00`)).status, 201);
  // Staff book for anyone (papers are checked at the counter).
  assert.equal((await admin.post(`/api/resources/${gym.id}/bookings`, { slot: `${day}T11:00` })).status, 201);
  // The check reads attributes as they are now: the visitor moves in, then may book.
  assert.equal((await admin.put(`/api/residents/${ids.visitor}/attributes`, { values: { segment: 'resident' } })).status, 200);
  assert.equal((await book(people.visitor, gym.id, `${day}T12:00`)).status, 201);
  assert.equal((await admin.put(`/api/residents/${ids.visitor}/attributes`, { values: { segment: 'non_resident' } })).status, 200);

  // A saved segment: visitors only.
  const seg = await admin.post('/api/segments', { name: '村外の方', condition: { attr: 'segment', in: ['non_resident'] } });
  assert.equal(seg.status, 201, seg.text);
  expectError(assert, await admin.post('/api/resources', {
    name: 'x', slot_minutes: 60, capacity: 1, opening_hours: everyDay, eligibility: 'segment',
  }), 400, 'invalid');
  const camp = await createResource({ name: 'キャンプ場', eligibility: 'segment', eligibility_segment_id: seg.json.id });
  assert.equal(camp.eligibility_segment_id, seg.json.id);
  // Residents are told who may book, not which segment decides.
  const pub = (await srv.client().get('/api/public/demo/resources')).json.resources.find((r) => r.id === camp.id);
  assert.equal(pub.eligibility, 'segment');
  assert.equal(pub.eligibility_segment_id, undefined);
  const refused = await book(people.villager, camp.id, `${day}T10:00`);
  expectError(assert, refused, 403, 'not_eligible');
  assert.match(refused.json.error.message, /「村外の方」に当てはまる方だけ/);
  assert.equal((await book(people.visitor, camp.id, `${day}T10:00`)).status, 201);
  // Deleting the segment admits nobody (not everybody).
  assert.equal((await admin.del(`/api/segments/${seg.json.id}`)).status, 200);
  expectError(assert, await book(people.visitor, camp.id, `${day}T11:00`), 403, 'not_eligible');

  // Another tenant: its segment cannot be named; our resources are not found there.
  cli(srv.db, ['tenant', 'create', '--code', 'fees-b', '--name', '別町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'fees-b', '--email', 'admin@fees-b.example', '--password-stdin'], 'fees-b-password-1\n');
  const other = new Client(srv.base);
  assert.equal((await other.login('fees-b', 'admin@fees-b.example', 'fees-b-password-1')).status, 200);
  const otherSeg = await other.post('/api/segments', { name: '全員', condition: {} });
  assert.equal(otherSeg.status, 201, otherSeg.text);
  const forged = await admin.put(`/api/resources/${gym.id}`, {
    name: '村民体育館', slot_minutes: 60, capacity: 5, opening_hours: everyDay, eligibility: 'segment', eligibility_segment_id: otherSeg.json.id,
  });
  expectError(assert, forged, 400, 'invalid');
  assert.equal(forged.json.error.field, 'eligibility_segment_id');
  assert.equal((await admin.get(`/api/resources/${gym.id}`)).json.eligibility, 'residents');
  expectError(assert, await other.post(`/api/resources/${gym.id}/bookings`, { slot: `${day}T13:00`, exemption: 'techo' }), 404, 'not_found');
  expectError(assert, await other.put(`/api/resources/${gym.id}`, { name: 'x', slot_minutes: 60, capacity: 1, opening_hours: everyDay, eligibility: 'everyone' }), 404, 'not_found');
  expectError(assert, await people.villager.post(`/api/public/fees-b/resources/${gym.id}/bookings`, { slot: `${day}T13:00` }), 404, 'not_found');
  assert.equal((await admin.get(`/api/resources/${gym.id}`)).json.eligibility, 'residents');
});
