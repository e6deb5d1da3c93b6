// 予約の確認・変更・取消 from LINE (issue 12) and the waitlist's eligibility check, on the real
// server wired to `madoguchi line-sim` (SQLite, or PostgreSQL with MG_DB=postgres). A LINE
// resident books the demo 施設予約 through the chat, then taps the rich-menu action the console
// editor builds (postback mg=c&x=reservations) or types 予約の確認: the upcoming booking comes
// back with 変更する / 取り消す; a change moves it within the rules (the staff ledger agrees),
// a cancel asks once more and frees the place; another resident's or a forged button changes
// nothing; a cancel deadline is told, not broken. Then: joining a waitlist checks eligibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startStack, waitMessages, messageText, actionsOf, describe, lastSeq, completeService } from './line-harness.mjs';
import { Client, expectError } from './harness.mjs';

// What the console's rich-menu editor puts on a 「予約の確認・変更・取消」 area
// (web/src/console/richMenuLayouts.ts, kind 'bookings'; its vitest checks the same string).
const RICH_MENU_DATA = 'mg=c&x=reservations';

let stack, admin;
before(async () => {
  stack = await startStack();
  admin = await stack.srv.admin();
});
after(async () => {
  for (const c of [stack?.sim, stack?.srv]) if (c && c.proc.exitCode === null) await c.stop('SIGKILL').catch(() => {});
  if (stack) rmSync(stack.srv.db.dataDir, { recursive: true, force: true });
});

const jstDate = (offset) => new Date(Date.now() + 9 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));

// Sends one action and returns the reply batch.
async function act(sim, user, send, until) {
  const seq = await lastSeq(sim, user);
  await send();
  // The answer is one reply request (its messages arrive together); pushes such as the
  // booking confirmation may come in between and are not the answer.
  const replies = (ms) => ms.filter((m) => m.endpoint === 'reply');
  return replies(await waitMessages(sim, user, seq, { until: until ?? ((m) => replies(m).length > 0) }));
}

// Every booking of the demo resources from today on, as staff see them.
async function ledger() {
  const out = [];
  for (const r of (await admin.get('/api/resources')).json.resources) {
    const l = await admin.get(`/api/resources/${r.id}/bookings?from=${jstDate(0)}&days=31`);
    assert.equal(l.status, 200, l.text);
    out.push(...l.json.bookings.map((b) => ({ ...b, resource: r })));
  }
  return out;
}

test('a LINE resident sees, changes and cancels their booking from the rich menu, within the rules', async () => {
  const { sim } = stack;
  const u = await sim.createUser('予約 確認');
  const other = await sim.createUser('別の 住民');
  await waitMessages(sim, u, 0);
  await waitMessages(sim, other, 0);

  // Nothing booked yet.
  let batch = await act(sim, u, () => sim.postback(u, RICH_MENU_DATA));
  assert.match(batch.map(messageText).join('\n'), /これからの予約はありません/);

  const done = await completeService(sim, u, '施設予約');
  assert.ok(done.receipt, done.transcript.join('\n'));
  const mine = (await ledger()).filter((b) => b.status === 'booked' && b.source === 'resident');
  assert.equal(mine.length, 1, JSON.stringify(mine));
  const booking = mine[0];

  // The rich-menu tap: one card with the facility, date and time, and its two buttons.
  batch = await act(sim, u, () => sim.postback(u, RICH_MENU_DATA));
  const card = batch.find((m) => m.message.type === 'flex');
  assert.ok(card, batch.map(describe).join('\n'));
  assert.equal(card.message.contents.type, 'carousel');
  assert.equal(card.message.contents.contents.length, 1);
  const cardText = JSON.stringify(card.message.contents);
  assert.ok(cardText.includes(booking.resource.name), cardText);
  const [, hhmm] = booking.slot.split('T');
  const [, mo, d] = booking.slot.slice(0, 10).split('-');
  assert.ok(cardText.includes(`${mo}月${d}日`) && cardText.includes(`${hhmm}〜`), cardText);
  const buttons = actionsOf(card);
  const changeBtn = buttons.find((a) => a.label === '変更する');
  const cancelBtn = buttons.find((a) => a.label === '取り消す');
  assert.ok(changeBtn && cancelBtn, buttons.map((a) => a.label).join());
  // Typing the words gives the same list.
  batch = await act(sim, u, () => sim.text(u, '予約の確認'));
  assert.ok(batch.some((m) => m.message.type === 'flex' && actionsOf(m).some((a) => a.data === changeBtn.data)), batch.map(describe).join('\n'));

  // Another resident's taps on these buttons (or forged data) change nothing.
  for (const data of [cancelBtn.data.replace('rsv.cancel', 'rsv.cancel.yes'), changeBtn.data]) {
    batch = await act(sim, other, () => sim.postback(other, data));
    assert.match(batch.map(messageText).join('\n'), /この予約はもう変更・取り消しできません/);
  }
  batch = await act(sim, u, () => sim.postback(u, `mg=c&x=${encodeURIComponent(`rsv.move:${booking.id}:123`)}`));
  assert.ok(!/予約を変更しました/.test(batch.map(messageText).join('\n')), batch.map(describe).join('\n'));
  batch = await act(sim, u, () => sim.postback(u, 'mg=c&x=rsv.cancel.yes%3Aabc'));
  assert.equal((await ledger()).find((b) => b.id === booking.id).status, 'booked');

  // 変更する: free slots as quick replies (not the booked one), a date picker and やめる.
  batch = await act(sim, u, () => sim.postback(u, changeBtn.data));
  let q = batch[batch.length - 1];
  let acts = actionsOf(q);
  const moves = acts.filter((a) => /rsv\.move/.test(decodeURIComponent(a.data ?? '')));
  assert.ok(moves.length >= 1 && moves.length <= 11, batch.map(describe).join('\n'));
  assert.ok(acts.length <= 13);
  for (const a of acts) assert.ok((a.label ?? '').length <= 20, a.label);
  const picker = acts.find((a) => a.type === 'datetimepicker');
  assert.ok(picker && acts.some((a) => a.label === 'やめる'), acts.map((a) => a.label).join());
  // A day picked with the date picker lists that day's slots only.
  const day = jstDate(5);
  batch = await act(sim, u, () => sim.postback(u, picker.data, { date: day }));
  const dayMoves = actionsOf(batch[batch.length - 1]).filter((a) => /rsv\.move/.test(decodeURIComponent(a.data ?? '')));
  assert.ok(dayMoves.length >= 1, batch.map(describe).join('\n'));
  for (const a of dayMoves) assert.ok(a.label.startsWith(`${day.slice(5, 7)}/${day.slice(8, 10)} `), a.label);

  // The chosen slot is taken meanwhile: said so, the booking stays where it was (its step
  // aside inside the event's transaction is rolled back) and other slots are offered.
  assert.ok(dayMoves.length >= 2, dayMoves.map((a) => a.label).join());
  const room = (await admin.get(`/api/resources/${booking.resource.id}`)).json;
  assert.equal((await admin.put(`/api/resources/${room.id}`, { ...room, capacity: 1 })).status, 200);
  const taken = dayMoves[1];
  assert.equal((await admin.post(`/api/resources/${room.id}/bookings`, { slot: `${day}T${taken.label.slice(6)}` })).status, 201);
  batch = await act(sim, u, () => sim.postback(u, taken.data));
  assert.match(batch.map(messageText).join('\n'), /その枠は埋まりました/);
  assert.ok(actionsOf(batch[batch.length - 1]).some((a) => /rsv\.move/.test(decodeURIComponent(a.data ?? ''))));
  let now = await ledger();
  assert.equal(now.find((b) => b.id === booking.id).status, 'booked');
  assert.equal(now.filter((b) => b.resident_id === booking.resident_id).length, 1, JSON.stringify(now));
  assert.equal((await admin.put(`/api/resources/${room.id}`, { ...room })).status, 200);

  const target = dayMoves[0];
  batch = await act(sim, u, () => sim.postback(u, target.data));
  assert.match(batch.map(messageText).join('\n'), /予約を変更しました/);
  let after = await ledger();
  const old = after.find((b) => b.id === booking.id);
  assert.equal(old.status, 'cancelled');
  const moved = after.find((b) => b.id === old.changed_to);
  assert.ok(moved, JSON.stringify(after));
  assert.equal(moved.status, 'booked');
  assert.equal(moved.slot, `${day}T${target.label.slice(6)}`);
  assert.equal(moved.resident_id, booking.resident_id);
  assert.equal(moved.party, booking.party);
  // The old card's buttons no longer act.
  batch = await act(sim, u, () => sim.postback(u, changeBtn.data));
  assert.match(batch.map(messageText).join('\n'), /この予約はもう変更・取り消しできません/);

  // A cancel deadline the booking has passed is told, and nothing changes.
  const res = (await admin.get(`/api/resources/${moved.resource.id}`)).json;
  const put = (lead) => admin.put(`/api/resources/${res.id}`, { ...res, cancel_lead: lead });
  assert.equal((await put({ amount: 40, unit: 'business_days' })).status, 200);
  batch = await act(sim, u, () => sim.postback(u, RICH_MENU_DATA));
  const card2 = batch.find((m) => m.message.type === 'flex');
  const cancel2 = actionsOf(card2).find((a) => a.label === '取り消す');
  batch = await act(sim, u, () => sim.postback(u, cancel2.data));
  assert.match(batch.map(messageText).join('\n'), /この予約を取り消しますか/);
  const yes = actionsOf(batch[batch.length - 1]).find((a) => a.label === '取り消す');
  assert.ok(yes, batch.map(describe).join('\n'));
  batch = await act(sim, u, () => sim.postback(u, yes.data));
  assert.match(batch.map(messageText).join('\n'), /取り消しは利用の.*までです/);
  assert.equal((await ledger()).find((b) => b.id === moved.id).status, 'booked');
  const changeAgain = actionsOf(card2).find((a) => a.label === '変更する');
  batch = await act(sim, u, () => sim.postback(u, changeAgain.data));
  const late = actionsOf(batch[batch.length - 1]).find((a) => /rsv\.move/.test(decodeURIComponent(a.data ?? '')));
  assert.ok(late, batch.map(describe).join('\n'));
  batch = await act(sim, u, () => sim.postback(u, late.data));
  assert.match(batch.map(messageText).join('\n'), /変更は利用の.*までです/);
  assert.equal((await ledger()).find((b) => b.id === moved.id).status, 'booked');

  // Within the rules again: confirmed, cancelled, the list is empty.
  assert.equal((await put({ amount: 0, unit: 'hours' })).status, 200);
  batch = await act(sim, u, () => sim.postback(u, yes.data));
  assert.match(batch.map(messageText).join('\n'), /予約を取り消しました/);
  after = await ledger();
  assert.equal(after.find((b) => b.id === moved.id).status, 'cancelled');
  assert.equal(after.filter((b) => b.resident_id === booking.resident_id && b.status === 'booked').length, 0);
  batch = await act(sim, u, () => sim.postback(u, RICH_MENU_DATA));
  assert.match(batch.map(messageText).join('\n'), /これからの予約はありません/);
  // A second tap on the old confirm button: already gone, said so.
  batch = await act(sim, u, () => sim.postback(u, yes.data));
  assert.match(batch.map(messageText).join('\n'), /この予約はもう変更・取り消しできません/);
});

test('joining a waitlist checks eligibility like booking does', async () => {
  const attr = await admin.post('/api/resident-attributes', {
    key: 'segment', label: '区分', type: 'choice',
    options: [{ value: 'resident', label: '村民' }, { value: 'non_resident', label: '村外' }],
  });
  assert.ok(attr.status === 201 || attr.status === 409, attr.text);
  const made = await admin.post('/api/resources', {
    name: '村民ホール', slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false,
    window_days: 90, daily_limit: 0, waitlist_hold_minutes: 60, eligibility: 'residents',
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const slot = `${jstDate(3)}T10:00`;
  // Staff fill the slot (they book for anyone).
  assert.equal((await admin.post(`/api/resources/${id}/bookings`, { slot })).status, 201);

  const visitor = new Client(stack.srv.base);
  // A first, refused join leaves nothing behind.
  const refused = await visitor.post(`/api/public/demo/resources/${id}/waitlist`, { slot });
  expectError(assert, refused, 403, 'not_eligible');
  assert.match(refused.json.error.message, /お住まいの方だけが利用できます/);
  const staffView = async () => (await admin.get(`/api/resources/${id}/waitlist?from=${jstDate(3)}&days=1`)).json.waitlist;
  assert.equal((await staffView()).length, 0);
  // Bad input still answers as before: a slot that does not exist.
  expectError(assert, await visitor.post(`/api/public/demo/resources/${id}/waitlist`, { slot: `${jstDate(3)}T10:30` }), 400);

  // The same resident, once recorded as living here, may wait.
  const openRes = await admin.post('/api/resources', {
    name: '受付窓口', slot_minutes: 60, capacity: 5, opening_hours: everyDay, closed_on_holidays: false, window_days: 90, daily_limit: 0,
  });
  const b = await visitor.post(`/api/public/demo/resources/${openRes.json.id}/bookings`, { slot });
  assert.equal(b.status, 201, b.text);
  const residentId = (await admin.get(`/api/resources/${openRes.json.id}/bookings?from=${jstDate(3)}&days=1`)).json.bookings
    .find((x) => x.id === b.json.id).resident_id;
  assert.equal((await admin.put(`/api/residents/${residentId}/attributes`, { values: { segment: 'non_resident' } })).status, 200);
  expectError(assert, await visitor.post(`/api/public/demo/resources/${id}/waitlist`, { slot }), 403, 'not_eligible');
  assert.equal((await admin.put(`/api/residents/${residentId}/attributes`, { values: { segment: 'resident' } })).status, 200);
  const joined = await visitor.post(`/api/public/demo/resources/${id}/waitlist`, { slot });
  assert.equal(joined.status, 201, joined.text);
  assert.equal(joined.json.status, 'waiting');
  assert.equal((await staffView()).length, 1);
});

test('a resident\'s change keeps their exemption (減免) and its fee while the resource offers it', async () => {
  const made = await admin.post('/api/resources', {
    name: '減免ホール', slot_minutes: 60, capacity: 3, opening_hours: everyDay, closed_on_holidays: false,
    window_days: 90, daily_limit: 0, fee_per_slot: 1000, exemptions: [{ code: 'dantai', label: '市内団体', rate_percent: 50 }],
  });
  assert.equal(made.status, 201, made.text);
  const hall = made.json;
  const me = new Client(stack.srv.base);
  const day = jstDate(6);
  const b = await me.post(`/api/public/demo/resources/${hall.id}/bookings`, { slot: `${day}T10:00`, exemption: 'dantai' });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.fee, 500);
  const moved = await me.post(`/api/public/demo/bookings/${b.json.id}/change`, { slot: `${day}T11:00` });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.exemption, 'dantai');
  assert.equal(moved.json.fee, 500);
  // Withdrawn since: the next change is charged as the resource is now (and still allowed).
  assert.equal((await admin.put(`/api/resources/${hall.id}`, { ...hall, exemptions: [] })).status, 200);
  const again = await me.post(`/api/public/demo/bookings/${moved.json.id}/change`, { slot: `${day}T12:00` });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.exemption, null);
  assert.equal(again.json.fee, 1000);
});
