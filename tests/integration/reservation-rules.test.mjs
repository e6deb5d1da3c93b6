// Reservations (issue 12): the booking rules through the HTTP API (lead times in hours and
// business days, the month-before window, per-period limits, multi-slot bookings all or
// nothing), the waitlist (offer → accept, offer expiry → the next resident, told through the
// Messenger), and 200 concurrent clients mixing multi-slot and single bookings without ever
// exceeding capacity. One server, started with --test-clock so offers expire without waiting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, Client } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ extra: ['--test-clock'] });
  admin = await srv.admin();
});
after(async () => {
  await srv?.cleanup();
});

const jstNow = () => new Date(Date.now() + 9 * 3600e3);
const jstDate = (offset) => new Date(jstNow().getTime() + offset * 86400e3).toISOString().slice(0, 10);
// The day `day` of the month `months` after this one (JST), as YYYY-MM-DD.
const monthDay = (months, day) => {
  const n = jstNow();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + months, day)).toISOString().slice(0, 10);
};
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));

async function createResource(body) {
  const r = await admin.post('/api/resources', {
    slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false,
    window_days: 90, daily_limit: 0, ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const book = (client, id, slot, extra = {}) => client.post(`/api/public/demo/resources/${id}/bookings`, { slot, ...extra });
const slotsOf = async (id, from, days = 1) => {
  const a = await srv.client().get(`/api/public/demo/resources/${id}/availability?from=${from}&days=${days}`);
  assert.equal(a.status, 200, a.text);
  return Object.fromEntries(a.json.days.flatMap((d) => d.slots.map((s) => [s.start, s])));
};
async function until(what, fn, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('rules: lead times, month-before window, period limit, multi-slot all or nothing; settings validated and kept', async () => {
  // Lead time in hours: 72 hours before the slot.
  const hours = await createResource({ name: '会議室', book_lead: { amount: 72, unit: 'hours' } });
  assert.deepEqual(hours.book_lead, { amount: 72, unit: 'hours' });
  const early = await book(new Client(srv.base), hours.id, `${jstDate(1)}T10:00`);
  expectError(assert, early, 409, 'lead_time');
  assert.match(early.json.error.message, /72 時間前/);
  assert.equal((await slotsOf(hours.id, jstDate(1)))[`${jstDate(1)}T10:00`].bookable, false);
  assert.equal((await book(new Client(srv.base), hours.id, `${jstDate(5)}T10:00`)).status, 201);

  // Lead time in business days (weekends, holidays and the year end do not count).
  const days = await createResource({ name: '健診会場', book_lead: { amount: 30, unit: 'business_days' } });
  const soon = await book(new Client(srv.base), days.id, `${jstDate(2)}T10:00`);
  expectError(assert, soon, 409, 'lead_time');
  assert.match(soon.json.error.message, /30 開庁日前/);
  assert.equal((await book(new Client(srv.base), days.id, `${jstDate(70)}T10:00`)).status, 201);

  // Month before + 2 a month + up to 3 consecutive slots, capacity 2.
  const gym = await createResource({
    name: '体育館', capacity: 2, window_mode: 'month_before', period_limit: 2, period_unit: 'month', max_slots: 3,
  });
  const me = new Client(srv.base);
  const far = await book(me, gym.id, `${monthDay(2, 10)}T10:00`);
  expectError(assert, far, 400, 'out_of_window');
  assert.match(far.json.error.message, new RegExp(`${monthDay(1, 1)} から`));
  const run = await book(me, gym.id, `${monthDay(1, 10)}T09:00`, { slots: 3 });
  assert.equal(run.status, 201, run.text);
  assert.equal(run.json.slots, 3);
  let s = await slotsOf(gym.id, monthDay(1, 10));
  assert.deepEqual(['09:00', '10:00', '11:00', '12:00'].map((h) => s[`${monthDay(1, 10)}T${h}`].booked), [1, 1, 1, 0]);
  expectError(assert, await book(me, gym.id, `${monthDay(1, 10)}T09:00`, { slots: 4 }), 400, 'invalid');
  expectError(assert, await book(me, gym.id, `${monthDay(1, 10)}T16:00`, { slots: 2 }), 400, 'invalid');
  expectError(assert, await book(me, gym.id, `${monthDay(1, 10)}T09:00`, { slots: 'x' }), 400, 'invalid');
  // All or nothing: 11:00 fills up, so a run 10:00–12:00 is refused whole.
  assert.equal((await book(new Client(srv.base), gym.id, `${monthDay(1, 10)}T11:00`)).status, 201);
  const whole = await book(new Client(srv.base), gym.id, `${monthDay(1, 10)}T10:00`, { slots: 3 });
  expectError(assert, whole, 409, 'slot_full');
  s = await slotsOf(gym.id, monthDay(1, 10));
  assert.deepEqual(['10:00', '11:00', '12:00'].map((h) => s[`${monthDay(1, 10)}T${h}`].booked), [1, 2, 0]);
  // The multi-slot booking counted once: one more this month, then the limit.
  assert.equal((await book(me, gym.id, `${monthDay(1, 11)}T09:00`)).status, 201);
  const third = await book(me, gym.id, `${monthDay(1, 12)}T09:00`);
  expectError(assert, third, 409, 'period_limit');
  assert.match(third.json.error.message, /1 か月に 2 件まで/);
  // Cancelling the run frees its three slots.
  const c = await me.post(`/api/public/demo/resources/${gym.id}/bookings/${run.json.id}/cancel`, {});
  assert.equal(c.status, 200, c.text);
  s = await slotsOf(gym.id, monthDay(1, 10));
  assert.deepEqual(['09:00', '10:00', '11:00'].map((h) => s[`${monthDay(1, 10)}T${h}`].booked), [0, 0, 1]);

  // Cancel lead: not within 72 hours of the slot for residents; staff may.
  const strict = await createResource({ name: '和室', cancel_lead: { amount: 72, unit: 'hours' } });
  const b = await book(me, strict.id, `${jstDate(2)}T10:00`);
  assert.equal(b.status, 201, b.text);
  expectError(assert, await me.post(`/api/public/demo/resources/${strict.id}/bookings/${b.json.id}/cancel`, {}), 409, 'cancel_deadline');
  assert.equal((await admin.post(`/api/bookings/${b.json.id}/cancel`, { reason: '電話で取消' })).status, 200);

  // A PUT without the rule fields keeps them; bad values are refused in Japanese.
  const put = await admin.put(`/api/resources/${gym.id}`, { name: '体育館', slot_minutes: 60, capacity: 2, opening_hours: everyDay, closed_on_holidays: false });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.window_mode, 'month_before');
  assert.equal(put.json.max_slots, 3);
  assert.equal(put.json.period_limit, 2);
  for (const bad of [
    { window_mode: 'weeks' }, { window_mode: 3 }, { book_lead: 5 }, { book_lead: { amount: -1 } },
    { book_lead: { amount: 2, unit: 'days' } }, { cancel_lead: { amount: 'x' } }, { period_unit: 'year' },
    { period_limit: -1 }, { max_slots: 0 }, { max_slots: 49 }, { waitlist_hold_minutes: -5 },
  ]) {
    const r = await admin.post('/api/resources', { name: 'X', slot_minutes: 60, capacity: 1, opening_hours: everyDay, ...bad });
    expectError(assert, r, 400, 'invalid');
    assert.match(r.json.error.message, /[ぁ-んァ-ン一-龥]/, JSON.stringify(bad));
  }
});

test('200 concurrent clients mixing 2-slot and 1-slot bookings never exceed capacity', async () => {
  const r = await createResource({ name: '人気講座', capacity: 5, max_slots: 2 });
  const day = jstDate(3);
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    book(new Client(srv.base), r.id, i % 2 ? `${day}T10:00` : `${day}T11:00`, { slots: i % 2 ? 2 : 1 })));
  const bad = answers.filter((a) => a.status !== 201 && !(a.status === 409 && a.json.error.code === 'slot_full'));
  assert.deepEqual(bad.map((a) => a.text), []);
  const runs = answers.filter((a, i) => i % 2 && a.status === 201).length;
  const singles = answers.filter((a, i) => !(i % 2) && a.status === 201).length;
  const s = await slotsOf(r.id, day);
  assert.equal(s[`${day}T10:00`].booked, runs);
  assert.equal(s[`${day}T11:00`].booked, runs + singles);
  assert.equal(s[`${day}T11:00`].booked, 5, 'the contended slot filled exactly');
  const ledger = await admin.get(`/api/resources/${r.id}/bookings?from=${day}&days=1`);
  assert.equal(ledger.json.bookings.filter((b) => b.status === 'booked').length, 2 * runs + singles);
});

test('waitlist: a cancellation offers the place to the first; expiry passes it on; accept books it', async () => {
  const r = await createResource({ name: '一時保育', capacity: 1, waitlist_hold_minutes: 30 });
  const slot = `${jstDate(4)}T10:00`;
  const [a, b, c, d] = [0, 1, 2, 3].map(() => new Client(srv.base));
  const mine = await book(a, r.id, slot);
  assert.equal(mine.status, 201, mine.text);
  const wl = `/api/public/demo/resources/${r.id}/waitlist`;
  expectError(assert, await b.post(wl, { slot: `${jstDate(4)}T11:00` }), 409, 'not_full');
  expectError(assert, await b.post(wl, { slot: 'tomorrow' }), 400, 'invalid');
  const jb = await b.post(wl, { slot });
  assert.equal(jb.status, 201, jb.text);
  assert.equal(jb.json.position, 1);
  const jc = await c.post(wl, { slot });
  assert.equal(jc.json.position, 2);
  expectError(assert, await c.post(wl, { slot }), 409, 'already_waiting');
  assert.equal((await slotsOf(r.id, jstDate(4)))[slot].waitlist, true);
  const staffView = await admin.get(`/api/resources/${r.id}/waitlist?from=${jstDate(4)}&days=1`);
  assert.equal(staffView.status, 200, staffView.text);
  assert.equal(staffView.json.waitlist.length, 2);
  assert.ok(staffView.json.waitlist.every((e) => typeof e.resident_id === 'number'));
  // A resource without a waitlist refuses joins.
  const none = await createResource({ name: '窓口' });
  await book(new Client(srv.base), none.id, slot);
  expectError(assert, await b.post(`/api/public/demo/resources/${none.id}/waitlist`, { slot }), 409, 'no_waitlist');

  // A cancels: B is offered the place (held from everyone else) and told in the inbox.
  assert.equal((await a.post(`/api/public/demo/resources/${r.id}/bookings/${mine.json.id}/cancel`, {})).status, 200);
  const offered = (await b.get('/api/public/demo/waitlist')).json.waitlist[0];
  assert.equal(offered.status, 'offered');
  assert.ok(offered.offer_expires_at > Date.now() + 29 * 60e3);
  expectError(assert, await book(d, r.id, slot), 409, 'slot_full');
  assert.equal((await slotsOf(r.id, jstDate(4)))[slot].held, 1);
  await until('the offer in B\'s inbox', async () => {
    const m = await b.get('/api/public/demo/my/messages');
    return m.status === 200 && JSON.stringify(m.json).includes('キャンセル待ちの枠が空きました');
  });
  expectError(assert, await c.post(`/api/public/demo/waitlist/${jc.json.id}/accept`, {}), 409, 'offer_gone');
  expectError(assert, await d.post(`/api/public/demo/waitlist/${jb.json.id}/accept`, {}), 404, 'not_found');

  // 31 minutes later B's offer has expired and C holds the place.
  const moved = await admin.post('/api/test/clock', { advance_ms: 31 * 60e3 });
  assert.equal(moved.status, 200, moved.text);
  await until('the offer to pass to C', async () => (await c.get('/api/public/demo/waitlist')).json.waitlist[0].status === 'offered');
  assert.equal((await b.get('/api/public/demo/waitlist')).json.waitlist[0].status, 'expired');
  expectError(assert, await b.post(`/api/public/demo/waitlist/${jb.json.id}/accept`, {}), 409, 'offer_gone');
  const got = await c.post(`/api/public/demo/waitlist/${jc.json.id}/accept`, {});
  assert.equal(got.status, 201, got.text);
  assert.equal(got.json.slot, slot);
  const s = (await slotsOf(r.id, jstDate(4)))[slot];
  assert.deepEqual([s.booked, s.held, s.remaining], [1, 0, 0]);
  assert.equal((await c.get('/api/public/demo/waitlist')).json.waitlist[0].status, 'booked');
  // Staff cancel with nobody waiting: the place is simply free again.
  assert.equal((await admin.post(`/api/bookings/${got.json.id}/cancel`, { reason: '施設点検' })).status, 200);
  assert.equal((await book(d, r.id, slot)).status, 201);
  // Leaving: a waiting entry can be left once.
  const je = await b.post(wl, { slot });
  assert.equal(je.status, 201, je.text);
  assert.equal((await b.post(`/api/public/demo/waitlist/${je.json.id}/cancel`, {})).status, 200);
  expectError(assert, await b.post(`/api/public/demo/waitlist/${je.json.id}/cancel`, {}), 409, 'not_waiting');
});
