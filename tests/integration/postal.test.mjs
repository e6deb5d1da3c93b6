// Postal codes (issue 9, item 7): `madoguchi postal import` loads Japan Post's KEN_ALL.CSV into
// the national postal_codes table in one transaction; GET /api/public/{tenant}/postal/{code}
// gives a code's towns; the chat's address step completes the address from the code. Runs on
// SQLite and, with MG_DB=postgres, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDatabase, cli, expectError, BIN, ROOT } from './harness.mjs';

const SAMPLE = join(ROOT, 'tests/data/postal/ken_all_sample.csv');
let srv, services;
const tmp = mkdtempSync(join(tmpdir(), 'mg-postal-'));

before(async () => {
  srv = await startServer();
  services = (await srv.client().get('/api/public/demo/services')).json.items;
});
after(async () => {
  await srv?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const lookup = (code) => srv.client().get(`/api/public/demo/postal/${encodeURIComponent(code)}`);

test('the demo loads the repository extract: 060-0001 is 北海道札幌市中央区北一条西', async () => {
  const r = await lookup('0600001');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, {
    code: '0600001',
    candidates: [{ prefecture: '北海道', city: '札幌市中央区', town: '北一条西' }],
  });
  // With a hyphen, full-width digits, 〒: the same code.
  for (const typed of ['060-0001', '０６０－０００１', '〒060-0001']) {
    const again = await lookup(typed);
    assert.equal(again.status, 200, typed);
    assert.equal(again.json.code, '0600001');
  }
  // Several towns; a code in two prefectures; 以下に掲載がない場合 is the city alone.
  assert.deepEqual((await lookup('0691329')).json.candidates.map((c) => c.town), ['木詰', '幌向原野', '２９区']);
  assert.deepEqual((await lookup('4980000')).json.candidates.map((c) => c.prefecture), ['愛知県', '三重県']);
  assert.deepEqual((await lookup('0600000')).json.candidates, [{ prefecture: '北海道', city: '札幌市中央区', town: '' }]);
  assert.equal((await lookup('0660005')).json.candidates[0].town, '協和');
});

test('bad postal codes are 400, unknown ones 404, an unknown town 404', async () => {
  for (const bad of ['06000', '06000011', 'abcdefg', '060-00-01', '%00', ' ']) {
    const r = await lookup(bad);
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, 'code');
  }
  expectError(assert, await lookup('9999999'), 404, 'not_found');
  expectError(assert, await srv.client().get('/api/public/nowhere/postal/0600001'), 404, 'not_found');
});

test('postal import replaces the data in one transaction; a malformed file changes nothing', () => {
  const db = freshDatabase();
  try {
    const out = cli(db, ['postal', 'import', SAMPLE]);
    assert.match(out, /imported 13 postal code rows/);
    // A UTF-8 file replaces it whole.
    const utf8 = join(tmp, 'utf8.csv');
    writeFileSync(utf8, '13101,"100  ","1000001","ﾄｳｷｮｳﾄ","ﾁﾖﾀﾞｸ","ﾁﾖﾀﾞ","東京都","千代田区","千代田",0,0,0,0,0,0\r\n');
    assert.match(cli(db, ['postal', 'import', utf8]), /imported 1 postal code rows/);
    // Line 2 is broken: the import fails naming the line and the table keeps its one row.
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, '01101,"060  ","0600001","a","b","c","北海道","札幌市中央区","北一条西",0,0,0,0,0,0\r\n1,2,3\r\n');
    assert.throws(() => cli(db, ['postal', 'import', broken]), (e) => /2行目/.test(e.stderr) && e.status === 1);
    assert.throws(() => cli(db, ['postal', 'import', join(tmp, 'missing.csv')]), (e) => /開けません/.test(e.stderr));
    assert.match(cli(db, ['postal', 'import', utf8]), /imported 1 postal code rows/);
  } finally {
    rmSync(db.dataDir, { recursive: true, force: true });
  }
});

test('import of a file whose town is only in the new data is visible through the route', async () => {
  const db = freshDatabase();
  const other = await startServer({ db });
  try {
    // The demo loaded the extract; an operator's import replaces it (no 060-0001 any more).
    const mine = join(tmp, 'mine.csv');
    writeFileSync(mine, '16204,"937  ","9370041","ﾄﾔﾏｹﾝ","ｳｵﾂﾞｼ","ｼｬｶﾄﾞｳ","富山県","魚津市","釈迦堂",0,0,0,0,0,0\r\n');
    assert.match(execFileSync(BIN, ['postal', 'import', mine, ...db.args], { encoding: 'utf8' }), /imported 1/);
    const c = other.client();
    assert.equal((await c.get('/api/public/demo/postal/9370041')).json.candidates[0].city, '魚津市');
    assert.equal((await c.get('/api/public/demo/postal/0600001')).status, 404);
  } finally {
    await other.cleanup();
  }
});

// 住民票 (juminhyo) up to its address step.
async function toAddress(resident) {
  const id = services.find((s) => s.service_key === 'juminhyo').id;
  const start = await resident.post('/api/public/demo/chat', { service_id: id });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  const say = (input) => resident.post(`/api/public/demo/chat/${s}/input`, input);
  for (const input of [{ type: 'choice', value: 'self' }, { type: 'text', text: '山田 太郎' },
    { type: 'text', text: 'やまだ たろう' }, { type: 'text', text: '昭和55年4月1日' }]) {
    const r = await say(input);
    assert.equal(r.status, 200);
    // The privacy notice comes before the first personal question: agree, then go on.
    const q = r.json.prompts.at(-1);
    if (q?.input === 'consent') assert.equal((await say({ type: 'choice', value: q.choices[0].value })).status, 200);
  }
  return say;
}
const texts = (r) => r.json.prompts.map((p) => p.text).join('\n');
// From the step after the address to the confirmation summary.
async function toSummary(say) {
  let r;
  for (const input of [{ type: 'text', text: '1' }, { type: 'choice', value: 'self_only' },
    { type: 'choice', value: 'pension' }, { type: 'choice', value: 'mail' }, { type: 'text', text: '09012345678' }]) {
    r = await say(input);
    assert.equal(r.status, 200);
  }
  return JSON.stringify(r.json.prompts);
}

test('the chat fills prefecture, city and town from the postal code and asks only for the rest', async () => {
  const say = await toAddress(srv.client());
  const rest = await say({ type: 'text', text: '0600001' });
  assert.match(texts(rest), /〒060-0001 北海道札幌市中央区北一条西 に続く番地・建物名/);
  const next = await say({ type: 'text', text: '2丁目' });
  assert.ok(!next.json.prompts.some((p) => p.type === 'error'), texts(next));
  // The summary shows the full address.
  assert.match(await toSummary(say), /〒060-0001 北海道札幌市中央区北一条西2丁目/);
});

test('an address without prefecture and city is completed from the postal code, never stored incomplete', async () => {
  const say = await toAddress(srv.client());
  // Unknown code: said so, still asking for the code.
  const unknown = await say({ type: 'text', text: '999-9999' });
  assert.match(texts(unknown), /〒999-9999 の住所が見つかりませんでした/);
  // 「わからない」, then the address with a postal code but no prefecture or city.
  await say({ type: 'choice', value: '__unknown__' });
  const done = await say({ type: 'text', text: '〒060-0001 北1条西2丁目' });
  assert.ok(!done.json.prompts.some((p) => p.type === 'error'), texts(done));
  const summary = await toSummary(say);
  assert.match(summary, /〒060-0001 北海道札幌市中央区北1条西2丁目/);
  assert.doesNotMatch(summary, /〒060-0001 北1条西2丁目/);
});

test('several towns for one code: the resident chooses, then types the rest', async () => {
  const say = await toAddress(srv.client());
  const choose = await say({ type: 'text', text: '069-1329' });
  const q = choose.json.prompts.at(-1);
  assert.deepEqual(q.choices.map((c) => c.label), ['夕張郡長沼町木詰', '夕張郡長沼町幌向原野', '夕張郡長沼町２９区']);
  const rest = await say({ type: 'choice', value: q.choices[1].value });
  assert.match(texts(rest), /北海道夕張郡長沼町幌向原野 に続く/);
});
