// Hand-offs linked to the FAQ answer before them (issue 14, 有人対応へ): a resident answered
// with entry A who then asks for a person counts as one hand-off of A in GET /api/faq/stats
// (web: 職員と話す with the answer's question_id and token; LINE: 担当者, the 職員と話す offered
// after two failures, and after a tapped もしかして candidate); a hand-off with no answer before
// it counts in its day but for no entry; a token that is not the answer's, an answer of no entry,
// or one more than 30 minutes old links nothing (the process clock is moved with
// --test-clock); an entry handed off on a day it was not answered is listed with answered 0.
// Malformed `answer` values are 400 and start nothing. One server + line-sim; SQLite or
// PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, startServer, freshDatabase } from './harness.mjs';
import { startLineSim, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

let srv, sim, admin;
let offset = 0; // the server's clock offset (POST /api/test/clock)
const ids = {};
const A = '住民票の写しの取り方';
const B = '粗大ごみの出し方';
const C = '犬の登録の手続き';

before(async () => {
  sim = await startLineSim();
  srv = await startServer({ db: freshDatabase(), extra: ['--demo-line-sim', sim.base, '--test-clock'] });
  await sim.settings({ webhookUrl: `${srv.base}/line/demo/webhook` });
  admin = await srv.admin();
  for (const e of [
    { question: A, answer: '市民課で請求できます。', department: '市民課' },
    { question: B, answer: '粗大ごみは電話で予約制です。', department: '環境課' },
    { question: '粗大ごみの料金', answer: '1個300円です。', department: '環境課' },
    { question: C, answer: '犬を飼い始めたら30日以内に登録してください。', department: '環境課' },
  ]) {
    const r = await admin.post('/api/faq/entries', e);
    assert.equal(r.status, 201, r.text);
    ids[e.question] = r.json.id;
  }
});

after(async () => {
  if (srv) await srv.cleanup();
  if (sim) await sim.stop();
});

const serverNow = () => Date.now() + offset;
const jstDay = (ms) => new Date(ms + 9 * 3600e3).toISOString().slice(0, 10);
async function advance(ms) {
  const r = await admin.post('/api/test/clock', { advance_ms: ms });
  assert.equal(r.status, 200, r.text);
  offset = r.json.offset_ms;
  admin = await srv.admin(); // the session may have idled out meanwhile
}
async function stats(from = jstDay(serverNow() - 86400e3), to = jstDay(serverNow() + 86400e3)) {
  const r = await admin.get(`/api/faq/stats?from=${from}&to=${to}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const row = (st, q) => st.entries.find((e) => e.question === q) ?? { answered: 0, resolved: 0, unresolved: 0, handed_off: 0 };
const entrySum = (st) => st.entries.reduce((n, e) => n + e.handed_off, 0);

async function askWeb(client, q) {
  const r = await client.post('/api/public/demo/faq/ask', { q });
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function handoffWeb(client, body) {
  const r = await client.post('/api/public/demo/handoff', body);
  assert.equal(r.status, 201, r.text);
  const c = await admin.get(`/api/handoff/conversations/${r.json.id}`);
  assert.equal(c.status, 200, c.text);
  return c.json;
}
const ref = (a) => ({ question_id: a.question_id, token: a.token });

async function say(user, text, until) {
  const after = await lastSeq(sim, user);
  await sim.text(user, text);
  return waitMessages(sim, user, after, { until, quietMs: 400, timeoutMs: 8000 });
}
async function tap(user, action, until) {
  const after = await lastSeq(sim, user);
  await sim.postback(user, action.data);
  return waitMessages(sim, user, after, { until, quietMs: 400, timeoutMs: 8000 });
}
const connected = (m) => m.some((x) => /おつなぎします|どの担当|対応時間外/.test(messageText(x)));
// The resident's LINE hand-off as staff see it (choosing a department when asked).
async function lineHandoff(user, ms) {
  const choose = ms.find((x) => /どの担当/.test(messageText(x)));
  if (choose) await tap(user, actionsOf(choose)[0], (m) => m.some((x) => /おつなぎ|対応時間外/.test(messageText(x))));
  let conv;
  for (const deadline = Date.now() + 5000; !conv && Date.now() < deadline;) {
    const list = (await admin.get('/api/handoff/conversations?status=waiting')).json.items;
    conv = list.find((c) => c.channel === 'line' && !seenLine.has(c.id));
    if (!conv) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(conv, 'the LINE hand-off is in the queue');
  seenLine.add(conv.id);
  return conv;
}
const seenLine = new Set();

test('web: an answer, then 職員と話す → that entry handed off once; no answer → the day only; forged or non-entry answers link nothing', async () => {
  const before = await stats();
  const r1 = srv.client();
  const a = await askWeb(r1, A);
  assert.equal(a.outcome, 'answered');
  const conv = await handoffWeb(r1, { recent: [A], answer: ref(a) });
  assert.equal(conv.faq_entry_id, ids[A]);

  // No answer before it: counted in the day, for no entry.
  const r2 = srv.client();
  assert.equal((await handoffWeb(r2, {})).faq_entry_id, null);
  // Someone else's answer (the id without its token), and a question nothing answered.
  const r3 = srv.client();
  assert.equal((await handoffWeb(r3, { answer: { question_id: a.question_id, token: 'f'.repeat(32) } })).faq_entry_id, null);
  const r4 = srv.client();
  const none = await askWeb(r4, 'zzqx wvvk');
  assert.equal(none.outcome, 'unanswered');
  assert.equal((await handoffWeb(r4, { answer: ref(none) })).faq_entry_id, null);

  const st = await stats();
  assert.equal(row(st, A).handed_off - row(before, A).handed_off, 1, JSON.stringify(st.entries));
  assert.equal(row(st, A).answered - row(before, A).answered, 1);
  assert.equal(entrySum(st) - entrySum(before), 1, 'only the linked hand-off counts per entry');
  assert.equal(st.total.handed_off - before.total.handed_off, 4, 'every hand-off counts in its day');
  assert.equal(st.days.reduce((n, d) => n + d.handed_off, 0), st.total.handed_off);
  // The hand-off statistics agree.
  const perDay = (await admin.get('/api/handoff/stats?days=3')).json;
  assert.equal(perDay.total, st.total.handed_off);

  // Malformed answers: 400, and no conversation started (the next request creates one).
  const r5 = srv.client();
  for (const answer of ['x', 5, [], { question_id: '5', token: 't' }, { question_id: 5 }, { token: 't' },
    { question_id: -1, token: 't' }, { question_id: 0, token: 't' }, { question_id: 1.5, token: 't' },
    { question_id: a.question_id, token: 7 }, { question_id: a.question_id, token: 'x'.repeat(65) }])
    expectError(assert, await r5.post('/api/public/demo/handoff', { answer }), 400);
  assert.equal((await r5.post('/api/public/demo/handoff', { answer: null })).status, 201);
  assert.equal((await stats()).total.handed_off, st.total.handed_off + 1);
});

test('LINE: an answer then 担当者, two failures then 職員と話す, a tapped candidate then 担当者: each linked to its entry', async () => {
  const before = await stats();
  // A clear answer, then 担当者 (the answer's department: no choice asked).
  const u1 = await sim.createUser('引継 一郎');
  let ms = await say(u1, A, (m) => m.some((x) => /解決しましたか/.test(messageText(x))));
  assert.ok(ms.some((x) => /市民課で請求できます/.test(messageText(x))), ms.map(messageText).join('\n'));
  ms = await say(u1, '担当者', connected);
  assert.equal((await lineHandoff(u1, ms)).faq_entry_id, ids[A]);

  // An answer, two questions nothing matched, then the offered 職員と話す: still that answer's.
  const u2 = await sim.createUser('引継 二郎');
  await say(u2, B, (m) => m.some((x) => /解決しましたか/.test(messageText(x))));
  await say(u2, 'zzqx wvvk');
  ms = await say(u2, 'qqzz vvkk', (m) => m.some((x) => actionsOf(x).some((a) => a.label === '職員と話す')));
  const offer = ms.flatMap(actionsOf).find((a) => a.label === '職員と話す');
  assert.ok(offer, ms.map(messageText).join('\n'));
  ms = await tap(u2, offer, connected);
  assert.equal((await lineHandoff(u2, ms)).faq_entry_id, ids[B]);

  // もしかして → the tapped candidate's answer → 担当者.
  const u3 = await sim.createUser('引継 三郎');
  ms = await say(u3, '粗大ごみの出し方と料金', (m) => m.some((x) => /もしかして/.test(messageText(x))));
  const pick = ms.flatMap(actionsOf).find((a) => a.label === B);
  assert.ok(pick, ms.map(messageText).join('\n'));
  await tap(u3, pick, (m) => m.some((x) => /解決しましたか/.test(messageText(x))));
  ms = await say(u3, '担当者', connected);
  assert.equal((await lineHandoff(u3, ms)).faq_entry_id, ids[B]);

  // No answer at all on LINE: the day only.
  const u4 = await sim.createUser('引継 四郎');
  ms = await say(u4, '担当者', connected);
  assert.equal((await lineHandoff(u4, ms)).faq_entry_id, null);

  const st = await stats();
  assert.equal(row(st, A).handed_off - row(before, A).handed_off, 1);
  assert.equal(row(st, B).handed_off - row(before, B).handed_off, 2, JSON.stringify(st.entries));
  assert.equal(st.total.handed_off - before.total.handed_off, 4);
});

test('an answer more than 30 minutes before the request is not linked; 29 minutes is', async () => {
  const before = await stats();
  const late = srv.client();
  const soon = srv.client();
  const u = await sim.createUser('引継 五郎');
  const lateAnswer = await askWeb(late, C);
  assert.equal(lateAnswer.outcome, 'answered');
  await say(u, A, (m) => m.some((x) => /解決しましたか/.test(messageText(x))));
  await advance(29 * 60_000);
  const soonAnswer = await askWeb(soon, C);
  await advance(2 * 60_000); // 31 minutes after the first two answers, 2 after the last
  assert.equal((await handoffWeb(late, { answer: ref(lateAnswer) })).faq_entry_id, null);
  const ms = await say(u, '担当者', connected);
  assert.equal((await lineHandoff(u, ms)).faq_entry_id, null, 'LINE: the remembered answer is too old');
  const soonConv = await handoffWeb(soon, { answer: ref(soonAnswer) });
  assert.equal(soonConv.faq_entry_id, ids[C]);
  // 29 minutes after its answer: still linked.
  const edge = srv.client();
  const edgeAnswer = await askWeb(edge, C);
  await advance(29 * 60_000);
  assert.equal((await handoffWeb(edge, { answer: ref(edgeAnswer) })).faq_entry_id, ids[C]);

  const st = await stats(jstDay(serverNow() - 2 * 86400e3));
  assert.equal(row(st, C).handed_off - row(before, C).handed_off, 2, JSON.stringify(st.entries));
  assert.equal(row(st, A).handed_off - row(before, A).handed_off, 0);
});

test('an entry answered before midnight and handed off after it is listed for that day with answered 0', async () => {
  // 23:50 JST tomorrow: both days are free of the earlier tests' questions.
  const now = serverNow();
  const nextMidnight = Math.ceil((now + 9 * 3600e3) / 86400e3) * 86400e3 - 9 * 3600e3;
  await advance(nextMidnight + 86400e3 - 10 * 60_000 - now);
  const r = srv.client();
  const a = await askWeb(r, C);
  const dayBefore = jstDay(serverNow());
  await advance(20 * 60_000);
  const day = jstDay(serverNow());
  assert.notEqual(day, dayBefore);
  assert.equal((await handoffWeb(r, { answer: ref(a) })).faq_entry_id, ids[C]);

  const st = await stats(day, day);
  assert.deepEqual(st.entries, [{ entry_id: ids[C], question: C, answered: 0, resolved: 0, unresolved: 0, handed_off: 1 }]);
  assert.equal(st.total.handed_off, 1);
  assert.equal(st.total.answered, 0);
  const prev = await stats(dayBefore, dayBefore);
  assert.deepEqual(row(prev, C), { entry_id: ids[C], question: C, answered: 1, resolved: 0, unresolved: 0, handed_off: 0 });
  // The FAQ page's entries list still answers for days with nothing.
  assert.deepEqual((await stats('2020-01-01', '2020-01-02')).entries, []);
});
