// Reservations through the resident chat (issue 12, the `reserve` step): a web resident books
// the demo 施設予約 end to end and sees it among their bookings; over a hundred residents
// racing for the last places of one slot through the chat API never overbook, and each is
// told the truth: booked with a receipt number, or the slot is gone and another is asked.
// SQLite and, with MG_DB=postgres, PostgreSQL with two madoguchi processes on one database.
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

const jstDate = (offset) => new Date(Date.now() + 9 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const question = (turn) => turn.prompts.findLast((p) => p.type === 'question');
const errors = (turn) => turn.prompts.filter((p) => p.type === 'error');

async function serviceId(key) {
  return (await admin.get('/api/services')).json.items.find((s) => s.service_key === key).id;
}

async function chat(client, id) {
  const r = await client.post('/api/public/demo/chat', { service_id: id });
  assert.equal(r.status, 201, r.text);
  const session = r.json.session_id;
  const say = async (input) => {
    const t = await client.post(`/api/public/demo/chat/${session}/input`, input);
    assert.equal(t.status, 200, t.text);
    return t.json;
  };
  return { first: r.json, say, session };
}

test('a web resident books the demo 施設予約 through the chat and sees it in their bookings', async () => {
  const me = new Client(srv.base);
  const { first, say } = await chat(me, await serviceId('shisetsu-yoyaku'));
  // Category first: the demo has a 公民館 room and a gym.
  const cats = question(first);
  assert.equal(cats.input, 'choice');
  assert.deepEqual(cats.choices.map((c) => c.label).sort(), ['スポーツ施設', '公民館']);
  let t = await say({ type: 'choice', value: cats.choices.find((c) => c.label === '公民館').value });
  // One room in it: straight to the party size, bounded by the room's 12 places.
  assert.equal(question(t).format, 'number');
  assert.equal(question(t).max, 10);
  assert.match(errors(await say({ type: 'text', text: '99' }))[0].text, /1〜10/);
  t = await say({ type: 'text', text: '3' });
  const days = question(t);
  assert.equal(days.input, 'date');
  const firstDay = days.choices.find((c) => c.value.startsWith('day:'));
  assert.ok(firstDay, JSON.stringify(days));
  assert.equal(days.min_date, firstDay.value.slice(4));
  // Typed nonsense and a day beyond the window are refused with a reason.
  assert.equal(errors(await say({ type: 'date', date: jstDate(200) })).length, 1);
  t = await say({ type: 'choice', value: firstDay.value });
  const slots = question(t);
  assert.ok(slots.choices.length <= 13);
  const slot = slots.choices.find((c) => /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(c.value));
  assert.ok(slot, JSON.stringify(slots));
  assert.match(slot.label, /〜.*（残り12）/);
  assert.equal(errors(await say({ type: 'choice', value: '2001-01-01T09:00' })).length, 1);
  t = await say({ type: 'choice', value: slot.value });
  t = await say({ type: 'choice', value: 'meeting' });
  const summary = t.prompts.find((p) => p.type === 'summary');
  assert.ok(summary.items.some((i) => i.display.includes('中央公民館 会議室A') && i.display.includes('（3人）')), JSON.stringify(summary));
  t = await say({ type: 'choice', value: 'confirm' });
  assert.ok(t.receipt_number, JSON.stringify(t));
  assert.ok(t.prompts.some((p) => p.type === 'completion'));

  const mine = await me.get('/api/public/demo/bookings');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.bookings.length, 1);
  const b = mine.json.bookings[0];
  assert.equal(b.slot, slot.value);
  assert.equal(b.party, 3);
  assert.equal(b.status, 'booked');
  assert.equal(b.resource_name, '中央公民館 会議室A');
  // The figures shown equal the real bookings.
  const avail = await srv.client().get(`/api/public/demo/resources/${b.resource_id}/availability?from=${slot.value.slice(0, 10)}&days=1`);
  assert.equal(avail.json.days[0].slots.find((s) => s.start === slot.value).booked, 3);
  // A booking made in the chat is confirmed through the Messenger too, once, with its code.
  let confirmations = [];
  for (const deadline = Date.now() + 10000; confirmations.length === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
    confirmations = (await me.get('/api/public/demo/my/messages')).json.items.filter((m) => m.title === '予約が確定しました');
  assert.equal(confirmations.length, 1);
  assert.ok(confirmations[0].text.includes(b.checkin_code), confirmations[0].text);
  // Another resident is not shown it; the resident can cancel it.
  assert.equal((await new Client(srv.base).get('/api/public/demo/bookings')).json.bookings.length, 0);
  const c = await me.post(`/api/public/demo/resources/${b.resource_id}/bookings/${b.id}/cancel`, {});
  assert.equal(c.status, 200, c.text);
  assert.equal((await me.get('/api/public/demo/bookings')).json.bookings[0].status, 'cancelled');
});

test('a definition with a bad reserve step is refused with the step and field named', async () => {
  for (const [bad, field] of [[{ max_party: 0 }, 'max_party'], [{ resources: 'all' }, 'resources'], [{ days: 1000 }, 'days']]) {
    const r = await admin.post('/api/services', { definition: {
      format: 'madoguchi.service/1', service_key: 'bad-reserve', title: '予約',
      steps: [{ id: 'r', kind: 'reserve', text: '予約', ...bad }, { id: 'c', kind: 'confirm' }, { id: 's', kind: 'submit' }],
    } });
    expectError(assert, r, 400);
    assert.ok(r.json.error.details.some((d) => d.step_id === 'r' && d.field === field), JSON.stringify(r.json));
  }
});

// A second process on the same PostgreSQL database.
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

test('120 residents race through the chat for the last 5 places of a slot: 5 booked, 115 re-asked', async () => {
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
  const res = await admin.post('/api/resources', {
    name: '集団健診 会場', slot_minutes: 60, capacity: 8, opening_hours: everyDay,
    closed_on_holidays: false, window_days: 30, daily_limit: 1,
  });
  assert.equal(res.status, 201, res.text);
  const created = await admin.post('/api/services', { definition: {
    format: 'madoguchi.service/1', service_key: 'kenshin-race', title: '集団健診の予約', department: '健康課',
    steps: [{ id: 'when', kind: 'reserve', text: '健診の予約', resources: [res.json.id] }, { id: 'confirm', kind: 'confirm' }, { id: 'submit', kind: 'submit' }],
  } });
  assert.equal(created.status, 201, created.text);
  assert.equal((await admin.post(`/api/services/${created.json.id}/publish`, {})).status, 200);
  const day = jstDate(3);
  const slot = `${day}T10:00`;
  // Three places of eight taken by phone first: 5 left.
  assert.equal((await admin.post(`/api/resources/${res.json.id}/bookings`, { slot, party: 3, note: '電話' })).status, 201);

  const two = BACKEND === 'postgres' ? await secondProcess(srv.db) : null;
  try {
    const N = 120;
    const residents = await Promise.all(Array.from({ length: N }, async (_, i) => {
      const client = new Client(two && i % 2 ? two.base : srv.base);
      const c = await chat(client, created.json.id);
      assert.equal(question(c.first).input, 'date');  // one resource: straight to the days
      const t = await c.say({ type: 'choice', value: `day:${day}` });
      assert.ok(question(t).choices.some((x) => x.value === slot), JSON.stringify(t));
      const s = await c.say({ type: 'choice', value: slot });
      assert.ok(s.prompts.some((p) => p.type === 'summary'));
      return c;
    }));
    // Everyone at the summary with the slot chosen; all confirm at once.
    const finals = await Promise.all(residents.map((c) => c.say({ type: 'choice', value: 'confirm' })));
    const booked = finals.filter((t) => t.receipt_number);
    const reasked = finals.filter((t) => !t.receipt_number);
    assert.equal(booked.length, 5);
    assert.equal(reasked.length, N - 5);
    for (const t of reasked) {
      assert.match(errors(t)[0]?.text ?? '', /埋まりました/, JSON.stringify(t.prompts));
      const q = question(t);
      assert.equal(q.step_id, 'when');
      // Asked again on the same day, and the gone slot is not offered.
      assert.ok(q.choices.length > 0 && !q.choices.some((x) => x.value === slot), JSON.stringify(q));
      assert.ok(q.choices.some((x) => x.value === `${day}T11:00`));
    }
    const ledger = await admin.get(`/api/resources/${res.json.id}/bookings?from=${day}&days=1`);
    const live = ledger.json.bookings.filter((b) => b.status === 'booked' && b.slot === slot);
    assert.equal(live.reduce((n, b) => n + b.party, 0), 8, 'never beyond the capacity');
    const apps = await admin.get(`/api/applications?service_id=${created.json.id}`);
    assert.equal(apps.json.total, 5, 'an application only with its booking');
    // A re-asked resident books another slot and completes.
    const again = await residents[finals.indexOf(reasked[0])].say({ type: 'choice', value: `${day}T11:00` });
    assert.ok(again.prompts.some((p) => p.type === 'summary'), JSON.stringify(again));
    const done = await residents[finals.indexOf(reasked[0])].say({ type: 'choice', value: 'confirm' });
    assert.ok(done.receipt_number, JSON.stringify(done));
  } finally {
    await two?.stop();
  }
});
