// FAQ, the parts added after the first FAQ branch (issue 14): garbage sorting inside answers
// (Kameoka's real dictionary, web and LINE), passages from the town's web pages (upload, URL
// fetch with its guards), the embeddable widget page, generative answers against a fake
// endpoint. One server + line-sim; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BACKEND, expectError } from './harness.mjs';
import { startStack, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

const KAMEOKA = join(ROOT, 'tests/data/5374/kameoka');
let sim;
let srv;
let admin;

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}

before(async () => {
  ({ sim, srv } = await startStack({ extra: [] }));
  admin = await srv.admin();
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

const ask = (body) => srv.client().post('/api/public/demo/faq/ask', body);

test('garbage sorting: any spelling → category, how to put it out, next day in the district', async () => {
  const files = {};
  for (const f of ['area_days.csv', 'center.csv', 'description.csv', 'target.csv'])
    files[f] = readFileSync(join(KAMEOKA, f)).toString('base64');
  const imp = await admin.post('/api/garbage/import', { files, skip_bad_cells: true });
  assert.equal(imp.status, 200, imp.text);
  assert.ok(imp.json.items > 1700);

  // Hiragana for a kanji name, no district: the category, how to put it out, the districts.
  let r = await ask({ q: 'ざぶとんの捨て方' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.ok(r.json.garbage.items.every((i) => i.name.includes('座布団')), r.text.slice(0, 400));
  assert.equal(r.json.garbage.area, null);
  assert.equal(r.json.garbage.areas.length, 25);
  assert.ok(r.json.question_id > 0 && r.json.token);
  // Half-width katakana with the district: its next collection day.
  r = await ask({ q: 'ｱｼﾌｷﾏｯﾄ', area: '旭町' });
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.equal(r.json.garbage.items.length, 1);
  const mat = r.json.garbage.items[0];
  assert.equal(mat.category, '燃やすしかないごみ');
  assert.match(mat.notice, /緑色のごみ袋/);
  assert.match(mat.next, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(mat.next_label, /^\d+月\d+日（[日月火水木金土]）$/);
  assert.ok([2, 5].includes(new Date(`${mat.next}T00:00:00Z`).getUTCDay()), mat.next);  // 旭町: 火 金
  // Part of several names: choices (at most 13), then one tapped.
  r = await ask({ q: 'キャップ' });
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.ok(r.json.garbage.items.length > 1 && r.json.garbage.items.length <= 13);
  const tapped = await ask({ garbage_item: r.json.garbage.items[0].name, area: '旭町' });
  assert.equal(tapped.status, 200, tapped.text);
  assert.equal(tapped.json.garbage.items[0].name, r.json.garbage.items[0].name);
  assert.equal(tapped.json.garbage.area, '旭町');
  // A question that is not about garbage is not taken for an item.
  r = await ask({ q: '住民票の写しを取りたい' });
  assert.notEqual(r.json.outcome, 'garbage');
  // Bad inputs.
  expectError(assert, await ask({ garbage_item: '' }), 400, 'invalid');
  expectError(assert, await ask({ garbage_item: 'そんな品目はない' }), 404, 'not_found');
  expectError(assert, await ask({ q: 'テレビ', area: 12 }), 400, 'invalid');
  expectError(assert, await ask({ q: 'テレビ', area: 'x'.repeat(400) }), 400, 'invalid');
  const bad = await srv.client().request('POST', '/api/public/demo/faq/ask', { raw: '{"q": "テレ', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400, bad.text);

  // LINE: no district yet → the answer offers 受信設定; with 旭町 → the next collection day.
  const user = await sim.createUser('ごみ 住民');
  let seq = await lastSeq(sim, user);
  await sim.text(user, 'あしふきまっと');
  let ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /解決しましたか/.test(messageText(x))) });
  assert.ok(ms.some((x) => /「足ふきマット」は【燃やすしかないごみ】です。\n出し方：/.test(messageText(x))), ms.map(messageText).join('|'));
  const last = ms.find((x) => /解決しましたか/.test(messageText(x)));
  assert.ok(actionsOf(last).some((a) => a.label === '受信設定'), JSON.stringify(last));

  assert.equal((await admin.post('/api/resident-attributes', { key: 'garbage_area', label: 'ごみ収集地区', type: 'text' })).status, 201);
  const rid = Number(sql(srv.db, `SELECT resident_id FROM resident_identities WHERE channel = 'line' AND external_id = '${user}';`).trim());
  assert.ok(rid > 0);
  const put = await admin.put(`/api/residents/${rid}/attributes`, { values: { garbage_area: '旭町' } });
  assert.equal(put.status, 200, put.text);
  seq = await lastSeq(sim, user);
  await sim.text(user, 'キャップ');
  ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /どれのことですか/.test(messageText(x))) });
  const choices = actionsOf(ms.find((x) => /どれのことですか/.test(messageText(x))));
  assert.ok(choices.length >= 2 && choices.length <= 13, JSON.stringify(choices));
  assert.equal(choices.at(-1).label, 'どれでもない');
  seq = await lastSeq(sim, user);
  await sim.postback(user, choices[0].data);
  ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /解決しましたか/.test(messageText(x))) });
  const answer = ms.map(messageText).join('\n');
  assert.match(answer, /】です。/);
  const ask2 = ms.find((x) => /解決しましたか/.test(messageText(x)));
  assert.ok(!actionsOf(ask2).some((a) => a.label === '受信設定'), 'the district is known');
  // 旭町's next collection day when the category has one.
  const body = tapped.json.garbage.items[0];
  if (body.next_label) assert.match(answer, /旭町の次の収集日：\d+月\d+日/);
});
