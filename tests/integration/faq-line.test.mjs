// FAQ on LINE and the FAQ statistics (issue 14): a LINE question that gets a generative
// answer on the web gets it on LINE too, written by a job after the event's transaction (the
// model is called while the database takes writes), through the outbox exactly once, by reply
// or, once the token is stale, by push; every failure sends the plain candidates. Names and
// other personal data never reach the model. Then the statistics per day and per entry.
// One server + line-sim + a fake OpenAI-compatible endpoint; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startServer, BACKEND, expectError, freshDatabase } from './harness.mjs';
import { startLineSim, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

let srv;
let sim;
let admin;
let llm;
const received = [];
let mode = 'ok';
let duringCall = null; // run while the model "thinks" (before it answers)

function startLlm() {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        received.push(JSON.parse(body));
        const send = (status, text) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(text); };
        if (duringCall) {
          const fn = duringCall;
          duringCall = null;
          try { await fn(); } catch (e) { received.push({ probeError: String(e) }); }
        }
        if (mode === 'slow') { setTimeout(() => { try { send(200, '{}'); } catch {} }, 2500); return; }
        if (mode === '500') return send(500, '{"error":"boom"}');
        send(200, JSON.stringify({
          choices: [{ message: { role: 'assistant', content: '粗大ごみは電話で予約してください [1]' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 10 },
        }));
      });
    });
    s.listen(0, '127.0.0.1', () => resolve({ server: s, base: `http://127.0.0.1:${s.address().port}` }));
  });
}

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}

before(async () => {
  llm = await startLlm();
  sim = await startLineSim();
  srv = await startServer({
    db: freshDatabase(),
    extra: ['--demo-line-sim', sim.base, '--llm-url', `${llm.base}/v1`, '--llm-timeout-ms', '1000', '--llm-concurrency', '2'],
  });
  await sim.settings({ webhookUrl: `${srv.base}/line/demo/webhook` });
  admin = await srv.admin();
  for (const e of [
    { question: '粗大ごみの出し方', answer: '粗大ごみは電話で予約制です。', url: 'https://city.example/sodai', department: '環境課' },
    { question: '粗大ごみの料金', answer: '1個300円です。', url: 'https://city.example/fee', department: '環境課' },
    { question: '住民票の写しの取り方', answer: '市民課で請求できます。', url: 'https://city.example/juminhyo', department: '市民課' },
  ]) assert.equal((await admin.post('/api/faq/entries', e)).status, 201);
});

after(async () => {
  if (srv) await srv.cleanup();
  if (sim) await sim.stop();
  llm?.server.close();
});

const QUESTION = '粗大ごみの出し方と料金 山田太郎さん 090-1234-5678';
const GENERATED = /粗大ごみは電話で予約してください \[1\]/;
const CANDIDATES = /もしかして/;

async function askOnLine(user, text, until) {
  const after = await lastSeq(sim, user);
  await sim.text(user, text);
  return waitMessages(sim, user, after, { until, quietMs: 400, timeoutMs: 8000 });
}

test('LINE: generative answer after the event transaction, exactly once, reply then push; failures send the candidates', async () => {
  const user = await sim.createUser('生成 住民');
  // Off: the candidates at once, no call.
  let ms = await askOnLine(user, QUESTION, (m) => m.some((x) => CANDIDATES.test(messageText(x))));
  assert.ok(ms.some((x) => CANDIDATES.test(messageText(x))), ms.map(messageText).join('\n'));
  assert.equal(received.length, 0);

  assert.equal((await admin.put('/api/faq/generative', { enabled: true })).status, 200);
  // While the model is asked, staff can still write (SQLite has one writer: a call inside the
  // event's write transaction would hold it until the timeout, and the answer would fall back).
  let wroteDuringCall = false;
  duringCall = async () => {
    const r = await admin.put('/api/faq/synonyms', { groups: [['粗大ごみ', '大型ごみ']] });
    wroteDuringCall = r.status === 200;
  };
  ms = await askOnLine(user, QUESTION, (m) => m.some((x) => CANDIDATES.test(messageText(x))));
  const texts = ms.map(messageText);
  assert.equal(received.length, 1, 'one call');
  assert.ok(wroteDuringCall, 'a write went through during the call');
  assert.match(texts[0], GENERATED, texts.join('\n'));
  assert.match(texts[0], /https:\/\/city\.example\/sodai/, 'sources cited with links');
  assert.ok(CANDIDATES.test(texts[texts.length - 1]), 'the candidates follow');
  assert.ok(actionsOf(ms[ms.length - 1]).some((a) => a.label === '粗大ごみの出し方'));
  assert.equal(ms[0].endpoint, 'reply', 'within the token: by reply');
  const sent = JSON.stringify(received[0]);
  for (const pii of ['山田', '太郎', '090-1234-5678', '1234-5678']) assert.ok(!sent.includes(pii), `${pii} leaked`);
  assert.ok(sent.includes('[氏名]') && sent.includes('[電話番号]'), sent);
  // Exactly once: nothing more arrives, one log row for the question.
  const settled = await lastSeq(sim, user);
  await waitMessages(sim, user, settled, { quietMs: 600, timeoutMs: 1200 });
  assert.equal((await sim.messages(user, settled)).length, 0, 'no second copy');
  const qid = sql(srv.db, "SELECT MAX(id) FROM faq_questions WHERE channel = 'line';").trim();
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM faq_generations WHERE question_id = ${qid};`).trim(), '1');

  // The reply token went stale while the model thought: pushed instead.
  duringCall = () => sim.call('POST', '/sim/clock', { advanceMs: 61000 });
  ms = await askOnLine(user, QUESTION, (m) => m.some((x) => CANDIDATES.test(messageText(x))));
  assert.match(messageText(ms[0]), GENERATED);
  assert.equal(ms[0].endpoint, 'push', ms.map((m) => m.endpoint).join(','));
  assert.equal(received.length, 2);

  // Timeout and HTTP error: the plain candidates, as on the web.
  for (const m of ['slow', '500']) {
    mode = m;
    ms = await askOnLine(user, QUESTION, (x) => x.some((y) => CANDIDATES.test(messageText(y))));
    assert.ok(!ms.some((x) => GENERATED.test(messageText(x))), `${m}: ${ms.map(messageText).join('\n')}`);
    assert.ok(CANDIDATES.test(messageText(ms[0])), `${m}: candidates first`);
  }
  mode = 'ok';
  assert.equal(received.length, 4);
  const rows = sql(srv.db, "SELECT g.ok, g.failure FROM faq_generations g JOIN faq_questions q ON q.id = g.question_id WHERE q.channel = 'line' ORDER BY g.id;")
    .trim().split('\n');
  assert.deepEqual(rows, ['1|', '1|', '0|timeout', '0|http']);

  // A clear answer: no call, answered at once.
  ms = await askOnLine(user, '住民票の写しの取り方', (m) => m.some((x) => /解決しましたか/.test(messageText(x))));
  assert.ok(ms.some((x) => /市民課で請求できます/.test(messageText(x))));
  assert.equal(received.length, 4);
  assert.ok(!srv.stderr().includes('山田'), 'no name in the logs');
});

test('statistics per day and per entry: asked, answered, resolved, handed off; bad periods', async () => {
  const client = srv.client();
  const todayRow = (st) => st.json.days[st.json.days.length - 1];
  const before = await admin.get('/api/faq/stats');
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.days.length, 30, 'the last 30 days by default');
  const b = todayRow(before);
  const entryRow = (st, q) => st.json.entries.find((e) => e.question === q) ?? { answered: 0, resolved: 0, unresolved: 0 };

  // A clear answer, resolved; no match; candidates then a tapped one, not resolved.
  const clear = await client.post('/api/public/demo/faq/ask', { q: '住民票の写しの取り方' });
  assert.equal(clear.json.outcome, 'answered');
  assert.equal((await client.post('/api/public/demo/faq/feedback', { question_id: clear.json.question_id, token: clear.json.token, resolved: true })).status, 200);
  assert.equal((await client.post('/api/public/demo/faq/ask', { q: 'zzqx wvvk' })).json.outcome, 'unanswered');
  const cands = await client.post('/api/public/demo/faq/ask', { q: '粗大ごみの出し方と料金' });
  assert.equal(cands.json.outcome, 'candidates');
  const sodai = cands.json.entries.find((e) => e.question === '粗大ごみの出し方');
  const chosen = await client.post('/api/public/demo/faq/ask', { entry_id: sodai.id });
  assert.equal((await client.post('/api/public/demo/faq/feedback', { question_id: chosen.json.question_id, token: chosen.json.token, resolved: false })).status, 200);
  // A hand-off on LINE (担当者 → a department).
  const user = await sim.createUser('統計 住民');
  let ms = await askOnLine(user, '担当者', (m) => m.some((x) => /どの担当|おつなぎ/.test(messageText(x))));
  const choose = ms.find((x) => /どの担当/.test(messageText(x)));
  if (choose) {
    const dept = actionsOf(choose)[0];
    const after = await lastSeq(sim, user);
    await sim.postback(user, dept.data);
    await waitMessages(sim, user, after, { until: (m) => m.some((x) => /おつなぎ/.test(messageText(x))) });
  }

  const st = await admin.get('/api/faq/stats');
  const a = todayRow(st);
  assert.deepEqual(
    { asked: a.asked - b.asked, answered: a.answered - b.answered, resolved: a.resolved - b.resolved, unresolved: a.unresolved - b.unresolved, unanswered: a.unanswered - b.unanswered, handed_off: a.handed_off - b.handed_off },
    { asked: 3, answered: 2, resolved: 1, unresolved: 1, unanswered: 1, handed_off: 1 },
    JSON.stringify({ b, a }));
  const handoffToday = (await admin.get('/api/handoff/stats?days=1')).json.days.at(-1)?.handed_off;
  assert.equal(a.handed_off, handoffToday, 'the same count as the hand-off statistics');
  assert.deepEqual(entryRow(st, '住民票の写しの取り方').resolved - entryRow(before, '住民票の写しの取り方').resolved, 1);
  assert.deepEqual(entryRow(st, '粗大ごみの出し方').unresolved - entryRow(before, '粗大ごみの出し方').unresolved, 1);
  const counts = st.json.entries.map((e) => e.answered);
  assert.deepEqual(counts, [...counts].sort((x, y) => y - x), 'most answered first');
  assert.equal(st.json.total.asked, st.json.days.reduce((n, d) => n + d.asked, 0));
  assert.ok(st.json.total.resolved_share > 0 && st.json.total.resolved_share < 1);

  // A chosen period: one day, today only; a period before anything happened is all zeros.
  const one = await admin.get(`/api/faq/stats?from=${a.date}&to=${a.date}`);
  assert.equal(one.json.days.length, 1);
  assert.deepEqual(one.json.days[0], a);
  const old = await admin.get('/api/faq/stats?from=2020-01-01&to=2020-01-31');
  assert.equal(old.json.days.length, 31);
  assert.equal(old.json.total.asked, 0);
  assert.deepEqual(old.json.entries, []);

  // Bad periods and no session.
  for (const q of ['from=2026-13-01&to=2026-12-31', 'from=2026-02-30&to=2026-03-01', 'from=2026-03-02&to=2026-03-01',
    'from=2024-01-01&to=2025-12-31', 'from=20260101&to=2026-01-02', 'to=yesterday'])
    expectError(assert, await admin.get(`/api/faq/stats?${q}`), 400);
  expectError(assert, await srv.client().get('/api/faq/stats'), 401);
});
