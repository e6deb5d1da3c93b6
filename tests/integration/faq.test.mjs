// FAQ chatbot (issue 14): CSV import with bad rows, asking on the web API, the unanswered log
// and staff's answer, LINE free text through line-sim, feedback, tenant separation.
// One server + line-sim; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, expectError } from './harness.mjs';
import { startStack, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

let sim;
let srv;
let admin;
const resident = () => srv.client();

before(async () => {
  ({ sim, srv } = await startStack());
  admin = await srv.admin();
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

const upload = (csv, query = '') =>
  admin.request('POST', `/api/faq/import${query}`, { raw: csv, headers: { 'content-type': 'text/csv' } });

test('CSV import reports bad rows by line, imports nothing until told to skip them', async () => {
  const good = readFileSync(join(ROOT, 'tests/data/faq/entries.csv'), 'utf8');
  const bad = `${good}999999,B1,テスト市,ごみ,,回答だけの行,,,\r\n999999,B2,テスト市,ごみ,URL が変,答え,,javascript:alert(1),\r\n`;
  const refused = await upload(bad);
  expectError(assert, refused, 400, 'invalid_csv');
  assert.equal(refused.json.error.details.length, 2);
  assert.deepEqual(refused.json.error.details.map((d) => d.column), ['質問', 'URL']);
  assert.ok(refused.json.error.details[0].line > 100, JSON.stringify(refused.json.error.details));
  assert.match(refused.json.error.message, /行目/);
  assert.equal((await admin.get('/api/faq/entries')).json.total, 0, 'nothing written');

  const ok = await upload(bad, '?skip_bad_rows=1');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.created, 110);
  assert.equal(ok.json.problems.length, 2);
  // Re-import updates by ID instead of duplicating.
  const again = await upload(good);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.created, 0);
  assert.equal(again.json.updated, 110);
  assert.equal((await admin.get('/api/faq/entries')).json.total, 110);
  // Search in the editor folds kana and width: ｺﾞﾐ finds ごみ.
  const found = await admin.get(`/api/faq/entries?q=${encodeURIComponent('粗大ｺﾞﾐ')}`);
  assert.ok(found.json.items.some((e) => e.question === '粗大ごみの出し方'), found.text.slice(0, 300));
  // Export: the open-data columns, and it reads back.
  const exp = await admin.get('/api/faq/export.csv');
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-type'), /text\/csv/);
  assert.match(exp.text, /全国地方公共団体コード,ID,地方公共団体名,分類,質問,回答,所管部署,URL/);
  assert.ok(exp.text.includes('粗大ごみの出し方'));
  // Not a CSV of questions at all.
  expectError(assert, await upload('名前,住所\na,b\n'), 400, 'invalid_csv');
});

test('residents ask on the web: answer, candidates, feedback; staff see scores in the test box', async () => {
  const r = resident();
  const a = await r.post('/api/public/demo/faq/ask', { q: 'ﾊﾟｿｺﾝの処分' });
  assert.equal(a.status, 200, a.text);
  assert.ok(['answered', 'candidates'].includes(a.json.outcome), a.text);
  assert.ok(a.json.entries.some((e) => e.question === 'パソコンを捨てたい'), a.text);
  assert.ok(a.json.question_id > 0 && a.json.token);
  const fb = await r.post('/api/public/demo/faq/feedback', { question_id: a.json.question_id, token: a.json.token, resolved: true });
  assert.equal(fb.status, 200, fb.text);
  expectError(assert, await r.post('/api/public/demo/faq/feedback', { question_id: a.json.question_id, token: 'wrong', resolved: true }), 404);
  expectError(assert, await r.post('/api/public/demo/faq/feedback', { question_id: 'x' }), 400);
  expectError(assert, await r.post('/api/public/demo/faq/ask', { q: '   ' }), 400);
  expectError(assert, await r.post('/api/public/demo/faq/ask', { q: 'あ'.repeat(2000) }), 400);
  // A tapped candidate gives that entry's answer.
  const entry = a.json.entries[0];
  const chosen = await r.post('/api/public/demo/faq/ask', { entry_id: entry.id });
  assert.equal(chosen.status, 200, chosen.text);
  assert.equal(chosen.json.outcome, 'answered');
  assert.equal(chosen.json.entries[0].id, entry.id);
  expectError(assert, await r.post('/api/public/demo/faq/ask', { entry_id: 999999999 }), 404);

  const t = await admin.post('/api/faq/test', { q: 'れいぞうこを捨てたい' });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.candidates[0].question, '冷蔵庫を捨てたい');
  assert.ok(t.json.candidates[0].score > 0 && t.json.candidates[0].matched.length > 0, t.text);
  assert.ok(t.json.morphemes.length > 0);
});

test('no good match goes to the unanswered log; staff answer it and the next resident gets it', async () => {
  const q = 'ドローンを公園で飛ばしてもいいですか';
  const a = await resident().post('/api/public/demo/faq/ask', { q });
  assert.equal(a.status, 200);
  // Unanswered outright, or candidates the resident turns down (どれでもない): both reach the log.
  if (a.json.outcome !== 'unanswered') {
    assert.equal(a.json.outcome, 'candidates', a.text);
    const no = await resident().post('/api/public/demo/faq/feedback', { question_id: a.json.question_id, token: a.json.token, resolved: false });
    assert.equal(no.status, 200, no.text);
  }
  const nonsense = await resident().post('/api/public/demo/faq/ask', { q: 'zzqx wvvk' });
  assert.equal(nonsense.json.outcome, 'unanswered', nonsense.text);
  assert.deepEqual(nonsense.json.entries, []);
  const log = await admin.get('/api/faq/unanswered');
  const item = log.json.items.find((i) => i.question === q);
  assert.ok(item, log.text.slice(0, 300));
  assert.equal(item.channel, 'web');
  const add = await admin.post(`/api/faq/unanswered/${item.id}/answer`, { answer: '公園でのドローンの飛行は禁止です。', category: '施設' });
  assert.equal(add.status, 201, add.text);
  assert.equal(add.json.question, q);
  assert.ok(!(await admin.get('/api/faq/unanswered')).json.items.some((i) => i.id === item.id));
  const again = await resident().post('/api/public/demo/faq/ask', { q: '公園でドローンを飛ばしたい' });
  assert.equal(again.json.entries[0]?.answer, '公園でのドローンの飛行は禁止です。', again.text);
  expectError(assert, await admin.post('/api/faq/unanswered/999999999/answer', { answer: 'x' }), 404);
  expectError(assert, await admin.post(`/api/faq/unanswered/${item.id}/answer`, { answer: '' }), 400);
  // Synonyms: staff teach 無人航空機 = ドローン.
  const none = await resident().post('/api/public/demo/faq/ask', { q: '無人航空機' });
  assert.equal(none.json.outcome, 'unanswered', none.text);
  const syn = await admin.put('/api/faq/synonyms', { groups: [['ドローン', '無人航空機']] });
  assert.equal(syn.status, 200, syn.text);
  const some = await resident().post('/api/public/demo/faq/ask', { q: '無人航空機' });
  assert.notEqual(some.json.outcome, 'unanswered', some.text);
  expectError(assert, await admin.put('/api/faq/synonyms', { groups: 'x' }), 400);
});

test('LINE free text outside a dialog is answered from the FAQ, with 解決しましたか', async () => {
  const user = await sim.createUser('FAQ 住民');
  let after = await lastSeq(sim, user);
  await sim.text(user, 'れいぞうこを捨てたい');
  let ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /解決しましたか|もしかして/.test(messageText(x))) });
  const texts = ms.map(messageText).join('\n');
  assert.match(texts, /家電リサイクル法/, texts);
  const ask = ms.find((x) => /解決しましたか/.test(messageText(x)));
  const yes = actionsOf(ask).find((x) => x.label === 'はい');
  assert.ok(yes, JSON.stringify(ask));
  after = await lastSeq(sim, user);
  await sim.postback(user, yes.data);
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /よかったです/.test(messageText(x))) });
  assert.match(ms.map(messageText).join('\n'), /よかったです/);

  // Nothing matches: said so, the menu follows, and staff see it in the log.
  after = await lastSeq(sim, user);
  await sim.text(user, 'きょうの夕飯の献立を考えて');
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /ご利用になりたい手続き/.test(messageText(x))) });
  assert.match(ms.map(messageText).join('\n'), /お答えできる情報が見つかりませんでした/);
  const log = await admin.get('/api/faq/unanswered');
  assert.ok(log.json.items.some((i) => i.channel === 'line' && i.question.includes('献立')), log.text.slice(0, 400));
  // The menu word still opens the menu, not the FAQ.
  after = await lastSeq(sim, user);
  await sim.text(user, 'メニュー');
  ms = await waitMessages(sim, user, after, { until: (m) => m.some((x) => /ご利用になりたい手続き/.test(messageText(x))) });
  assert.doesNotMatch(ms.map(messageText).join('\n'), /お答えできる情報/);
});

test('another tenant sees none of this FAQ', async () => {
  cli(srv.db, ['tenant', 'create', '--code', 'faq-other', '--name', '別町']);
  const r = resident();
  const a = await r.post('/api/public/faq-other/faq/ask', { q: '冷蔵庫を捨てたい' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.outcome, 'unanswered');
  const mine = await r.post('/api/public/demo/faq/ask', { q: '冷蔵庫を捨てたい' });
  const id = mine.json.entries[0].id;
  expectError(assert, await r.post('/api/public/faq-other/faq/ask', { entry_id: id }), 404);
  expectError(assert, await r.post('/api/public/faq-other/faq/feedback', { question_id: mine.json.question_id, token: mine.json.token, resolved: false }), 404);
  expectError(assert, await r.post('/api/public/nowhere/faq/ask', { q: 'ごみ' }), 404);
  // Staff routes need a session.
  expectError(assert, await r.get('/api/faq/entries'), 401);
});
