// Hand-off to staff (issue 14, 有人対応): the web round trip with server-sent events on both
// sides, LINE through line-sim (text → queue → staff reply pushed exactly once → close back
// to the FAQ bot), the automatic reply outside staffed hours, department scoping, forged
// tenants and oversized messages. One server + line-sim; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { expectError } from './harness.mjs';
import { startStack, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

let sim;
let srv;
let admin;
let kankyo; // an operator of 環境課
let shimin; // an operator of 市民課 only

const ALWAYS = { weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])), closed_on_holidays: false };
const NEVER = { weekly: {}, closed_on_holidays: true };

async function staff(email, role, departments) {
  const password = `${email}-passphrase`;
  const r = await admin.post('/api/staff', { email, name: email.split('@')[0], password, role, departments });
  assert.equal(r.status, 201, r.text);
  const c = srv.client();
  assert.equal((await c.login('demo', email, password)).status, 200);
  return c;
}

// Reads a server-sent event stream until `until(events)` holds or the deadline passes.
async function readEvents(client, path, until, timeoutMs = 8000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const events = [];
  let res;
  try {
    res = await fetch(client.base + path, { headers: { cookie: client.cookieHeader() }, signal: ac.signal });
    if (res.status !== 200) return { status: res.status, events, body: await res.text() };
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = { event: 'message', data: '', raw: block };
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: ')) ev.data += line.slice(6);
          else if (line.startsWith('id: ')) ev.id = line.slice(4);
        }
        if (ev.data) ev.json = JSON.parse(ev.data);
        events.push(ev);
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { status: res?.status, type: res?.headers.get('content-type'), events };
}

before(async () => {
  process.env.MADOGUCHI_MAX_EVENT_STREAMS = '3'; // the bound is tested below
  ({ sim, srv } = await startStack());
  delete process.env.MADOGUCHI_MAX_EVENT_STREAMS;
  admin = await srv.admin();
  kankyo = await staff('ho-kankyo@demo.example', 'operator', ['環境課']);
  shimin = await staff('ho-shimin@demo.example', 'operator', ['市民課']);
  assert.equal((await admin.put('/api/handoff/hours', ALWAYS)).status, 200);
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

test('web: resident asks → queue (live) → staff reply reaches the resident live → close returns to the bot', async () => {
  const resident = srv.client();
  const deps = await resident.get('/api/public/demo/handoff/departments');
  assert.equal(deps.status, 200, deps.text);
  assert.ok(deps.json.departments.includes('環境課'), deps.text);
  expectError(assert, await resident.post('/api/public/demo/handoff', { department: '存在しない課' }), 400);
  // The staff stream is open before the resident asks: the new conversation is announced.
  const staffStream = readEvents(kankyo, '/api/handoff/events', (evs) => evs.some((e) => e.event === 'changed'));
  await new Promise((r) => setTimeout(r, 300)); // let the stream send its first 'ready'
  const started = await resident.post('/api/public/demo/handoff', { department: '環境課', recent: ['粗大ごみの出し方', 'れいぞうこ'] });
  assert.equal(started.status, 201, started.text);
  assert.match(started.json.messages[0].text, /職員におつなぎします/);
  const id = started.json.id;
  const seen = await staffStream;
  assert.equal(seen.status, 200);
  assert.match(seen.type, /text\/event-stream/);
  assert.deepEqual(seen.events.map((e) => e.event).slice(0, 2), ['ready', 'changed']);

  const queue = await kankyo.get('/api/handoff/conversations?status=waiting');
  const item = queue.json.items.find((c) => c.id === id);
  assert.ok(item, queue.text);
  assert.deepEqual(item.recent_questions, ['粗大ごみの出し方', 'れいぞうこ']);
  assert.equal(item.channel, 'web');
  // Asking again keeps the one open conversation.
  const again = await resident.post('/api/public/demo/handoff', {});
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, id);

  const sent = await resident.post(`/api/public/demo/handoff/${id}/messages`, { text: '  粗大ごみの予約を変えたいです ' });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.json.text, '粗大ごみの予約を変えたいです');

  // The resident's stream: staff's reply arrives as an event.
  const residentStream = readEvents(resident, `/api/public/demo/handoff/${id}/events?after=${sent.json.id}`, (evs) => evs.some((e) => e.event === 'message' && e.json.sender === 'staff'));
  await new Promise((r) => setTimeout(r, 200));
  const reply = await kankyo.post(`/api/handoff/conversations/${id}/messages`, { text: '承知しました。日付を教えてください。' });
  assert.equal(reply.status, 201, reply.text);
  const got = await residentStream;
  const msg = got.events.find((e) => e.event === 'message' && e.json.sender === 'staff');
  assert.ok(msg, JSON.stringify(got.events));
  assert.equal(msg.json.text, '承知しました。日付を教えてください。');
  assert.equal(msg.id, String(reply.json.id));
  // Now it is kankyo's: in "mine", not "waiting".
  assert.ok((await kankyo.get('/api/handoff/conversations?status=mine')).json.items.some((c) => c.id === id));
  assert.ok(!(await kankyo.get('/api/handoff/conversations?status=waiting')).json.items.some((c) => c.id === id));

  // Another department's staff neither see nor reply nor close (404), and change nothing.
  assert.ok(!(await shimin.get('/api/handoff/conversations?status=mine')).json.items.some((c) => c.id === id));
  assert.ok(!(await shimin.get('/api/handoff/conversations?status=waiting')).json.items.some((c) => c.id === id));
  expectError(assert, await shimin.get(`/api/handoff/conversations/${id}`), 404);
  expectError(assert, await shimin.post(`/api/handoff/conversations/${id}/messages`, { text: '横から' }), 404);
  expectError(assert, await shimin.post(`/api/handoff/conversations/${id}/close`, {}), 404);
  // Another browser is not this resident.
  expectError(assert, await srv.client().get(`/api/public/demo/handoff/${id}`), 404);
  expectError(assert, await srv.client().post(`/api/public/demo/handoff/${id}/messages`, { text: 'なりすまし' }), 404);
  assert.equal((await readEvents(srv.client(), `/api/public/demo/handoff/${id}/events`, () => true)).status, 404);
  // Oversized and empty messages: 400, nothing stored.
  expectError(assert, await resident.post(`/api/public/demo/handoff/${id}/messages`, { text: 'あ'.repeat(1001) }), 400);
  expectError(assert, await resident.post(`/api/public/demo/handoff/${id}/messages`, { text: '　 ' }), 400);
  expectError(assert, await kankyo.post(`/api/handoff/conversations/${id}/messages`, { text: 'x'.repeat(5000) }), 400);
  expectError(assert, await kankyo.post(`/api/handoff/conversations/${id}/messages`, { text: 42 }), 400);

  const detail = await kankyo.get(`/api/handoff/conversations/${id}`);
  assert.deepEqual(detail.json.messages.map((m) => m.sender), ['system', 'system', 'resident', 'staff']);

  // Close: the resident is told, the stream says closed, and the FAQ answers again.
  const closing = readEvents(resident, `/api/public/demo/handoff/${id}/events?after=${reply.json.id}`, (evs) => evs.some((e) => e.event === 'status' && e.json.status === 'closed'));
  assert.equal((await kankyo.post(`/api/handoff/conversations/${id}/close`, {})).status, 200);
  const closed = await closing;
  assert.ok(closed.events.some((e) => e.event === 'message' && /自動応答に戻ります/.test(e.json.text)), JSON.stringify(closed.events));
  expectError(assert, await resident.post(`/api/public/demo/handoff/${id}/messages`, { text: 'まだ' }), 409);
  expectError(assert, await kankyo.post(`/api/handoff/conversations/${id}/close`, {}), 409);
  assert.ok((await kankyo.get('/api/handoff/conversations?status=closed')).json.items.some((c) => c.id === id));
  // A new request after closing is a new conversation (the transcript of the old one is kept).
  const next = await resident.post('/api/public/demo/handoff', {});
  assert.equal(next.status, 201);
  assert.notEqual(next.json.id, id);
  assert.equal((await kankyo.get(`/api/handoff/conversations/${id}`)).json.messages.length, 5);
  // No department chosen: admins only.
  expectError(assert, await kankyo.get(`/api/handoff/conversations/${next.json.id}`), 404);
  assert.equal((await admin.get(`/api/handoff/conversations/${next.json.id}`)).status, 200);
  assert.equal((await admin.post(`/api/handoff/conversations/${next.json.id}/close`, {})).status, 200);

  // Forged tenant codes: another tenant's code with this resident's cookie finds nothing.
  expectError(assert, await resident.get(`/api/public/nope/handoff/${id}`), 404);
  expectError(assert, await resident.post('/api/public/nope/handoff', {}), 404);
  // Viewers read but do not reply.
  // The KPI: hand-offs per day.
  const stats = await admin.get('/api/handoff/stats?days=7');
  assert.equal(stats.status, 200, stats.text);
  assert.ok(stats.json.total >= 2, stats.text);
  assert.equal(stats.json.days.at(-1).handed_off, stats.json.total);
});

test('LINE: 担当者 → queue; the staff reply is pushed exactly once; text goes to staff; close returns to the FAQ', async () => {
  const user = await sim.createUser('有人 住民');
  let after = await lastSeq(sim, user);
  await sim.text(user, '担当者');
  let ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /どの担当|おつなぎ/.test(messageText(x))) });
  const choose = ms.find((x) => /どの担当/.test(messageText(x)));
  assert.ok(choose, ms.map(messageText).join('\n'));
  const dept = actionsOf(choose).find((a) => a.label === '環境課');
  assert.ok(dept, JSON.stringify(choose));
  after = await lastSeq(sim, user);
  await sim.postback(user, dept.data);
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /おつなぎします/.test(messageText(x))) });
  assert.ok(ms.some((x) => /職員におつなぎします。（環境課）/.test(messageText(x))), ms.map(messageText).join('\n'));

  // The queue shows it; the resident's LINE text reaches the conversation, not the bot.
  let conv;
  for (const deadline = Date.now() + 5000; !conv && Date.now() < deadline;) {
    conv = (await kankyo.get('/api/handoff/conversations?status=waiting')).json.items.find((c) => c.channel === 'line');
    if (!conv) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(conv, 'LINE conversation in the queue');
  after = await lastSeq(sim, user);
  await sim.text(user, 'れいぞうこを捨てたい');
  let detail;
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    detail = await kankyo.get(`/api/handoff/conversations/${conv.id}`);
    if (detail.json.messages.some((m) => m.sender === 'resident')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(detail.json.messages.find((m) => m.sender === 'resident')?.text, 'れいぞうこを捨てたい');
  assert.equal((await sim.messages(user, after)).length, 0, 'the bot stays quiet during a hand-off');

  const reply = await kankyo.post(`/api/handoff/conversations/${conv.id}/messages`, { text: '環境課です。ご用件を伺います。' });
  assert.equal(reply.status, 201, reply.text);
  ms = await waitMessages(sim, user, after, { quietMs: 600, until: undefined });
  const pushed = ms.filter((x) => /環境課です。ご用件を伺います。/.test(messageText(x)));
  assert.equal(pushed.length, 1, ms.map(messageText).join('\n'));
  assert.match(messageText(pushed[0]), /【職員より】/);

  after = await lastSeq(sim, user);
  assert.equal((await kankyo.post(`/api/handoff/conversations/${conv.id}/close`, {})).status, 200);
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /自動応答に戻ります/.test(messageText(x))) });
  assert.equal(ms.filter((x) => /自動応答に戻ります/.test(messageText(x))).length, 1);
  // Back with the bot: free text is answered from the FAQ again (or the menu).
  after = await lastSeq(sim, user);
  await sim.text(user, 'zzqx wvvk');
  ms = await waitMessages(sim, user, after);
  assert.ok(ms.length > 0, 'the bot answers again');
  // A second failure in a row offers 職員と話す.
  after = await lastSeq(sim, user);
  await sim.text(user, 'qqzz vvkk');
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => actionsOf(x).some((a) => a.label === '職員と話す')) });
  assert.ok(ms.some((x) => actionsOf(x).some((a) => a.label === '職員と話す')), ms.map(messageText).join('\n'));
});

test('outside staffed hours the resident is told when staff are back; the request still queues', async () => {
  expectError(assert, await kankyo.put('/api/handoff/hours', NEVER), 403);
  expectError(assert, await admin.put('/api/handoff/hours', { weekly: { mon: [['18:00', '09:00']] } }), 400);
  const weekday = { weekly: { mon: [['08:30', '17:15']], tue: [['08:30', '17:15']] }, closed_on_holidays: true };
  const saved = await admin.put('/api/handoff/hours', weekday);
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual((await kankyo.get('/api/handoff/hours')).json.weekly.mon, [['08:30', '17:15']]);
  assert.equal((await admin.put('/api/handoff/hours', NEVER)).status, 200);
  const resident = srv.client();
  const r = await resident.post('/api/public/demo/handoff', { department: '環境課' });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.messages[0].text, /対応時間外/);
  assert.ok((await kankyo.get('/api/handoff/conversations?status=waiting')).json.items.some((c) => c.id === r.json.id));
  assert.equal((await kankyo.post(`/api/handoff/conversations/${r.json.id}/close`, {})).status, 200);
  assert.equal((await admin.put('/api/handoff/hours', weekday)).status, 200);
  const r2 = await srv.client().post('/api/public/demo/handoff', { department: '環境課' });
  // Either inside Mon/Tue 8:30–17:15 JST right now, or told the next opening on a Monday or Tuesday.
  assert.match(r2.json.messages[0].text, /おつなぎします|（[月火]）(8:30)以降/, r2.json.messages[0].text);
  await admin.post(`/api/handoff/conversations/${r2.json.id}/close`, {});
  assert.equal((await admin.put('/api/handoff/hours', ALWAYS)).status, 200);
});

test('event streams are bounded per process and a closed one frees its place at once', async () => {
  const held = [];
  const open = async () => {
    const ac = new AbortController();
    const res = await fetch(`${srv.base}/api/handoff/events`, { headers: { cookie: kankyo.cookieHeader() }, signal: ac.signal });
    if (res.status === 200) {
      const reader = res.body.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.match(first, /event: ready/);
      held.push(ac);
    }
    return res;
  };
  try {
    for (let i = 0; i < 3; i++) assert.equal((await open()).status, 200);
    const over = await open();
    assert.equal(over.status, 503);
    assert.equal((await over.json()).error.code, 'too_many_streams');
    // Without a session: 401, and no place taken.
    assert.equal((await fetch(`${srv.base}/api/handoff/events`)).status, 401);
    held.shift().abort();
    let again;
    for (const deadline = Date.now() + 3000; Date.now() < deadline;) {
      again = await open();
      if (again.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(again.status, 200, 'the aborted stream gave its place back');
  } finally {
    for (const ac of held) ac.abort();
  }
});
