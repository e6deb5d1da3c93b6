// Residents' attributes from CSV (issue 10): `madoguchi residents import` and POST
// /api/residents/import report every bad cell with row and column and write nothing unless
// asked; Shift_JIS files; oversize files; export in the same format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, expectError, BACKEND, BIN } from './harness.mjs';

let srv;
let admin;
let tenantId;

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [srv.db.url, '-X', '-q', '-At', '-F', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', join(srv.db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' });
}
const cp932 = (text) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP932'], { input: text });
const U = (n) => `U${String(n).padStart(32, '0')}`;
const upload = (body, query = '') => admin.request('POST', `/api/residents/import${query}`, { raw: body, headers: { 'content-type': 'text/csv' } });
const attrs = (lineId) => sql(`SELECT a.attr_key, COALESCE(a.text_value, a.date_value, CAST(a.number_value AS TEXT)) FROM resident_attributes a JOIN residents r ON r.id = a.resident_id WHERE r.external_id = '${lineId}' ORDER BY a.attr_key, a.id`).trim();
const residentCount = () => Number(sql(`SELECT COUNT(*) FROM residents WHERE tenant_id = ${tenantId}`).trim());
const attrCount = () => Number(sql(`SELECT COUNT(*) FROM resident_attributes WHERE tenant_id = ${tenantId}`).trim());

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  tenantId = Number(sql("SELECT id FROM tenants WHERE code = 'demo'").trim());
  const defs = [
    ['district', '地区', 'choice', 0, [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }]],
    ['topics', '話題', 'choice', 1, [{ value: 'bousai', label: '防災' }, { value: 'kosodate', label: '子育て' }]],
    ['score', '点数', 'number', 0, []],
    ['birth_date', '生年月日', 'date', 0, []],
    ['villager', '村民', 'yes_no', 0, []],
    ['memo', 'メモ', 'text', 0, []],
  ];
  for (const [i, [key, label, type, multiple, options]] of defs.entries())
    sql(`INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, multiple, options, position, created_at, updated_at) VALUES (${tenantId}, '${key}', '${label}', '${type}', ${multiple}, '${JSON.stringify(options)}', ${i}, 0, 0)`);
});
after(async () => { await srv?.cleanup(); });

test('the console import creates LINE residents and stores typed values; export gives them back', async () => {
  const csv = '\uFEFFline_user_id,district,topics,score,birth_date,villager,memo\r\n' +
    `${U(1)},北地区,防災|子育て,3.5,1950/4/1,はい,"a, ""quoted"" memo"\r\n` +
    `${U(2)},minami,,-2,2024-02-29,no,=SUM(A1)\r\n`;
  const r = await upload(csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  assert.equal(r.json.created, 2);
  assert.equal(r.json.encoding, 'UTF-8（BOM 付き）');
  assert.equal(attrs(U(1)), ['birth_date\t1950-04-01', 'district\tkita', 'memo\ta, "quoted" memo', 'score\t3.5', 'topics\tbousai', 'topics\tkosodate', 'villager\tyes'].join('\n'));
  assert.equal(sql(`SELECT channel FROM resident_identities WHERE external_id = '${U(1)}'`).trim(), 'line');
  // The same file again changes nothing and creates nobody.
  const before = attrCount();
  const again = await upload(csv);
  assert.equal(again.json.created, 0);
  assert.equal(attrCount(), before);

  const ex = await admin.get('/api/residents/export.csv?key=line_user_id');
  assert.equal(ex.status, 200);
  assert.match(ex.headers.get('content-type'), /text\/csv/);
  const lines = ex.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'line_user_id,district,topics,score,birth_date,villager,memo');
  assert.ok(lines.includes(`${U(1)},kita,bousai|kosodate,3.5,1950-04-01,yes,"a, ""quoted"" memo"`), lines.join('\n'));
  assert.ok(lines.includes(`${U(2)},minami,,'-2,2024-02-29,no,'=SUM(A1)`), lines.join('\n'));
  // The export imports back unchanged (the ' Excel guard is taken off again).
  const round = await upload(ex.text);
  assert.equal(round.status, 200, round.text);
  assert.equal(attrs(U(2)), ['birth_date\t2024-02-29', 'district\tminami', 'memo\t=SUM(A1)', 'score\t-2', 'villager\tno'].join('\n').replace('score\t-2', `score\t${BACKEND === 'postgres' ? '-2' : '-2.0'}`));
  const byId = await admin.get('/api/residents/export.csv');
  assert.match(byId.text, /^\uFEFF?resident_id,district/);
  // Exports are audited: personal data leaving the system.
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'residents.export'").trim()) >= 2);
});

test('every bad cell is reported with row and column, and nothing is written', async () => {
  const residents = residentCount();
  const values = attrCount();
  const csv = 'line_user_id,district,topics,score,birth_date,villager\n' +
    `${U(10)},kita,bousai,1,2000-01-01,yes\n` +
    `${U(11)},higashi,bousai,1,2000-01-01,yes\n` + // unknown choice
    `U123,kita,bousai|,x,2001-02-29,maybe\n` + // bad id, empty multi value, number, date, yes/no
    `${U(12)},kita,bousai,1,2000-01-01\n` + // too few columns
    `${U(10)},minami,,,,\n`; // the same resident twice
  const r = await upload(csv);
  expectError(assert, r, 400, 'invalid_csv');
  assert.match(r.json.error.message, /何も取り込んでいません/);
  const errs = r.json.error.details.map((e) => `${e.row}:${e.column}`);
  assert.deepEqual(errs, ['3:district', '4:line_user_id', '4:topics', '4:score', '4:birth_date', '4:villager', '5:', '6:line_user_id']);
  for (const e of r.json.error.details) assert.match(e.message, /[ぁ-んァ-ヶ一-龠]/);
  assert.equal(residentCount(), residents);
  assert.equal(attrCount(), values);

  // Asked to, the good rows go in and the bad ones are reported.
  const skip = await upload(csv, '?skip_bad_rows=1');
  assert.equal(skip.status, 200, skip.text);
  assert.equal(skip.json.imported, 1);
  assert.equal(skip.json.bad_rows, 4);
  assert.equal(skip.json.errors.length, 8);
  assert.equal(residentCount(), residents + 1);
  assert.equal(attrs(U(10)), ['birth_date\t2000-01-01', 'district\tkita', 'score\t1' + (BACKEND === 'postgres' ? '' : '.0'), 'topics\tbousai', 'villager\tyes'].join('\n'));
});

test('header problems stop the import even with skip_bad_rows', async () => {
  for (const [csv, column] of [
    ['name,district\nx,kita\n', 'name'],
    ['line_user_id,nope\nx,1\n', 'nope'],
    ['line_user_id,district,district\nx,kita,kita\n', 'district'],
  ]) {
    const r = await upload(csv, '?skip_bad_rows=1');
    expectError(assert, r, 400, 'invalid_csv');
    assert.equal(r.json.error.details[0].row, 1);
    assert.equal(r.json.error.details[0].column, column);
  }
  expectError(assert, await upload(''), 400);
  expectError(assert, await upload('line_user_id,district\n'), 400);
  expectError(assert, await upload(Buffer.from([0xff, 0xfe, 0x41, 0x00])), 400);
  expectError(assert, await upload(Buffer.from('line_user_id\n"U1\n')), 400);
});

test('Shift_JIS (CP932) files from Excel', async () => {
  const r = await upload(cp932(`line_user_id,district,memo\r\n${U(20)},南地区,ソ表示①\r\n`));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.encoding, 'Shift_JIS');
  assert.equal(attrs(U(20)), 'district\tminami\nmemo\tソ表示①');
});

test('oversize uploads are refused before anything is read', async () => {
  // 9.5 MB: under the server's request limit (10 MB), over the import's (8 MB).
  const big = 'line_user_id,memo\n' + `${U(30)},${'x'.repeat(400)}\n`.repeat(22000);
  const r = await upload(big);
  expectError(assert, r, 413, 'too_large');
  assert.match(r.json.error.message, /8 MB まで/);
  assert.equal(sql(`SELECT COUNT(*) FROM residents WHERE external_id = '${U(30)}'`).trim(), '0');
});

test('only admins import and export', async () => {
  // Role enforcement for every role is in isolation.test.mjs; here the message a viewer sees.
  const c = srv.client();
  expectError(assert, await c.request('POST', '/api/residents/import', { raw: 'line_user_id\n', headers: { 'content-type': 'text/csv' } }), 401);
  expectError(assert, await c.get('/api/residents/export.csv'), 401);
});

test('madoguchi residents import: the CLI reports bad cells, writes nothing, and imports with --skip-bad-rows', async () => {
  const file = join(srv.db.dataDir, 'residents.csv');
  writeFileSync(file, cp932(`line_user_id,district,score\n${U(40)},北地区,5\n${U(41)},西地区,6\n`));
  const run = (...extra) => spawnSync(BIN, ['residents', 'import', '--tenant', 'demo', file, ...extra, ...srv.db.args], { encoding: 'utf8' });
  const bad = run();
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /3 行目「district」: 「地区」の選択肢にない値です/);
  assert.match(bad.stderr, /nothing imported/);
  assert.equal(sql(`SELECT COUNT(*) FROM residents WHERE external_id = '${U(40)}'`).trim(), '0');
  const ok = run('--skip-bad-rows');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /imported 1 rows \(1 new residents, 1 bad rows skipped, Shift_JIS\)/);
  assert.equal(attrs(U(40)), 'district\tkita\nscore\t5' + (BACKEND === 'postgres' ? '' : '.0'));
  const noTenant = spawnSync(BIN, ['residents', 'import', '--tenant', 'nowhere', file, ...srv.db.args], { encoding: 'utf8' });
  assert.equal(noTenant.status, 1);
  assert.match(noTenant.stderr, /no such tenant/);
});
