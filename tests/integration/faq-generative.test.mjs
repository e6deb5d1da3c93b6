// Generative FAQ answers (issue 14) against a fake OpenAI-compatible endpoint on loopback:
// off by default, admin-only switch, only the masked question and the top sources leave,
// and every failure (timeout, 500, garbage, refusal) still gives the resident the candidates.
// One server; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startServer, BACKEND, expectError } from './harness.mjs';

let srv;
let admin;
let llm;
const received = [];
let mode = 'ok';

function startLlm() {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        const send = (status, text) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(text); };
        if (mode === 'slow') { setTimeout(() => { try { send(200, '{}'); } catch {} }, 3000); return; }
        if (mode === '500') return send(500, '{"error":"boom"}');
        if (mode === 'garbage') return send(200, '<html>not json');
        if (mode === 'refuse') return send(200, JSON.stringify({ choices: [{ message: { content: null, refusal: 'no' } }] }));
        send(200, JSON.stringify({
          choices: [{ message: { role: 'assistant', content: '粗大ごみは電話で予約してください [1]' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 321, completion_tokens: 17 },
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
  srv = await startServer({
    extra: ['--llm-url', `${llm.base}/v1/`, '--llm-model', 'test-model', '--llm-timeout-ms', '1000', '--llm-concurrency', '1'],
    env: { MADOGUCHI_LLM_KEY: 'sk-test-key' },
  });
  admin = await srv.admin();
  for (const e of [
    { question: '粗大ごみの出し方', answer: '粗大ごみは電話で予約制です。', url: 'https://city.example/sodai' },
    { question: '粗大ごみの料金', answer: '1個300円です。', url: 'https://city.example/fee' },
    { question: '住民票の写しの取り方', answer: '市民課で請求できます。', url: 'https://city.example/juminhyo' },
  ]) assert.equal((await admin.post('/api/faq/entries', e)).status, 201);
});

after(async () => {
  if (srv) await srv.cleanup();
  llm?.server.close();
});

const ask = (q) => srv.client().post('/api/public/demo/faq/ask', { q });
// Each kind of personal data in a question that retrieval finds only candidates for.
const PII_QUESTIONS = [
  '粗大ごみの出し方と料金 03-1234-5678 taro@example.jp',
  '粗大ごみの出し方と料金 〒100-0001 123456789012',
  '粗大ごみの出し方と料金 本町2丁目3番4号',
];
const QUESTION = PII_QUESTIONS[0];

function assertCandidates(r) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.outcome, 'candidates');
  assert.ok(r.json.entries.length >= 2);
  assert.equal(r.json.generated, undefined);
}

test('generative answers: off by default, admin switch, masked sources-only request, failures fall back', async () => {
  // Off by default: candidates only, no call.
  const st = await admin.get('/api/faq/generative');
  assert.deepEqual(st.json, { available: true, enabled: false });
  assertCandidates(await ask(QUESTION));
  assert.equal(received.length, 0, 'no call while off');

  // Only admins switch it; the body's tenant is ignored.
  const pw = 'editor-password-1';
  assert.equal((await admin.post('/api/staff', { email: 'gen-editor@example.com', password: pw, role: 'editor' })).status, 201);
  const editor = srv.client();
  assert.equal((await editor.login('demo', 'gen-editor@example.com', pw)).status, 200);
  expectError(assert, await editor.put('/api/faq/generative', { enabled: true }), 403);
  assert.equal((await editor.get('/api/faq/generative')).json.enabled, false);
  expectError(assert, await srv.client().put('/api/faq/generative', { enabled: true }), 401);
  expectError(assert, await admin.put('/api/faq/generative', { enabled: 'yes' }), 400);
  const on = await admin.put('/api/faq/generative', { enabled: true, tenant_id: 999 });
  assert.equal(on.status, 200, on.text);
  assert.equal((await editor.get('/api/faq/generative')).json.enabled, true);
  // Forged tenant code on the public route.
  expectError(assert, await srv.client().post('/api/public/nosuchtown/faq/ask', { q: QUESTION }), 404);
  assert.equal(received.length, 0);

  // A clear answer or weak retrieval: no call.
  const clear = await ask('住民票の写しの取り方');
  assert.equal(clear.json.outcome, 'answered');
  const weak = await ask('zzqx wvvk');
  assert.equal(weak.json.outcome, 'unanswered');
  assert.equal(received.length, 0, 'no call for answered/unanswered');

  // Answered by the model, citing the sources.
  for (const q of PII_QUESTIONS) {
    const r = await ask(q);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.outcome, 'candidates');
    assert.equal(r.json.generated.text, '粗大ごみは電話で予約してください [1]');
    const urls = r.json.generated.sources.map((s) => s.url);
    assert.ok(urls.includes('https://city.example/sodai') && urls.includes('https://city.example/fee'), JSON.stringify(urls));
    assert.ok(r.json.entries.length >= 2, 'candidates still there');
  }
  assert.equal(received.length, 3);
  const call = received[0];
  assert.equal(call.url, '/v1/chat/completions');
  assert.equal(call.auth, 'Bearer sk-test-key');
  assert.equal(call.body.model, 'test-model');
  const sent = JSON.stringify(received.map((c) => c.body));
  for (const pii of ['1234-5678', '03-1234', '2丁目3番4号', 'taro@example.jp', '100-0001', '123456789012'])
    assert.ok(!sent.includes(pii), `${pii} leaked: ${sent}`);
  for (const ph of ['[電話番号]', '[住所]', '[メール]', '[郵便番号]', '[個人番号]'])
    assert.ok(sent.includes(ph), `${ph} missing`);
  assert.ok(sent.includes('https://city.example/sodai'));
  assert.ok(!sent.includes('住民票'), 'only the retrieved candidates are sent');
  assert.match(call.body.messages[0].content, /「資料」だけを根拠/);

  // Timeout, 500, garbage, refusal: the resident gets the candidates.
  for (const m of ['slow', '500', 'garbage', 'refuse']) {
    mode = m;
    const t0 = Date.now();
    assertCandidates(await ask(QUESTION));
    assert.ok(Date.now() - t0 < 2900, `${m}: answered within the timeout`);
  }
  // A slow endpoint holds at most --llm-concurrency (1) request workers: the others get the
  // candidates at once.
  mode = 'slow';
  const parallel = await Promise.all([0, 1, 2].map(() => ask(QUESTION)));
  for (const r of parallel) assertCandidates(r);
  mode = 'ok';
  assert.equal(received.length, 8, 'one call for three parallel questions');

  // Logged per call: outcome, status, latency, tokens; no question text anywhere.
  const rows = sql(srv.db, 'SELECT ok, failure, status, prompt_tokens, completion_tokens, latency_ms FROM faq_generations ORDER BY id LIMIT 7;')
    .trim().split('\n').map((l) => l.split('|'));
  assert.deepEqual(rows.map((x) => x.slice(0, 5)), [
    ['1', '', '200', '321', '17'],
    ['1', '', '200', '321', '17'],
    ['1', '', '200', '321', '17'],
    ['0', 'timeout', '0', '0', '0'],
    ['0', 'http', '500', '0', '0'],
    ['0', 'malformed', '200', '0', '0'],
    ['0', 'refused', '200', '0', '0'],
  ]);
  const busy = sql(srv.db, "SELECT failure FROM faq_generations WHERE id > (SELECT MIN(id) + 6 FROM faq_generations) ORDER BY failure;").trim().split('\n');
  assert.deepEqual(busy, ['busy', 'busy', 'timeout']);
  assert.ok(Number(rows[3][5]) >= 900, 'timeout latency logged');
  const cols = sql(srv.db, BACKEND === 'postgres'
    ? "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'faq_generations';"
    : "SELECT group_concat(name) FROM pragma_table_info('faq_generations');");
  assert.ok(!/question,|answer|text/.test(cols), cols);
  assert.ok(!srv.stderr().includes('taro@example.jp'));

  // Switched off again: no call.
  assert.equal((await admin.put('/api/faq/generative', { enabled: false })).status, 200);
  assertCandidates(await ask(QUESTION));
  assert.equal(received.length, 8);
});

test('--llm-url must be http(s)', async () => {
  await assert.rejects(startServer({ extra: ['--llm-url', 'file:///etc/passwd'] }), /llm-url/);
});
