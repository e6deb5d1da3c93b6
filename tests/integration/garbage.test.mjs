// Garbage calendars (issue 13, first part): a municipality imports its 5374 files with
// `madoguchi garbage import` or in the console; every bad cell is reported with its file, row
// and column and nothing changes unless staff skip them; residents read a district's days and
// subscribe to its iCalendar feed. SQLite and, with MG_DB=postgres, PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDatabase, cli, expectError, ROOT } from './harness.mjs';

const KAMISUNAGAWA = join(ROOT, 'tests/data/5374/kamisunagawa');
const KAMEOKA = join(ROOT, 'tests/data/5374/kameoka');
const tmp = mkdtempSync(join(tmpdir(), 'mg-garbage-'));
let srv, admin;

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => {
  await srv?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const b64 = (text) => Buffer.from(text).toString('base64');
const pub = (path) => srv.client().get(`/api/public/demo/garbage${path}`);

test('the demo town has its calendar: districts, days with closures and the biweekly form, a feed', async () => {
  const list = await pub('');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.areas.map((a) => a.name), ['本町', '北地区', '南地区', '山手']);
  assert.equal(list.json.categories[0].label, '燃やせるごみ');
  // 本町: 燃やせるごみ Mon/Thu, 古紙 every other Wednesday from 2026-01-07.
  const days = await pub(`/${encodeURIComponent('本町')}/days?from=2026-12-01&days=14`);
  assert.equal(days.status, 200, days.text);
  const on = Object.fromEntries(days.json.days.map((d) => [d.date, d.categories]));
  assert.deepEqual(on['2026-12-03'], ['燃やせるごみ']);
  assert.deepEqual(on['2026-12-04'], ['プラスチック']);
  // 2026-12-09 is 48 weeks after 2026-01-07 (古紙), 12/02 is 47; the first Tuesday is 12/01 (びん・かん).
  assert.deepEqual(on['2026-12-09'], ['燃やせないごみ', '古紙'], JSON.stringify(on));
  assert.equal(on['2026-12-02'], undefined);
  assert.ok(on['2026-12-01'].includes('資源ごみ（びん・かん）'));
  // The centre closes 12/30–1/3: Thursday 12/31 moves to 1/7; 山手 has no centre.
  const ny = await pub(`/${encodeURIComponent('本町')}/days?from=2026-12-28&days=14`);
  const nyOn = Object.fromEntries(ny.json.days.map((d) => [d.date, d.categories]));
  assert.equal(nyOn['2026-12-31'], undefined);
  assert.equal(nyOn['2027-01-01'], undefined);
  assert.ok(nyOn['2027-01-07'].includes('燃やせるごみ'));
  const yamate = await pub(`/${encodeURIComponent('山手')}/days?from=2026-12-28&days=7`);
  assert.ok(yamate.json.days.some((d) => d.date === '2026-12-30' && d.categories.includes('燃やせるごみ')));
  // The feed: text/calendar, all-day events, CRLF lines.
  const ics = await srv.client().get(list.json.areas[0].ics);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  assert.match(ics.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics.text, /DTSTART;VALUE=DATE:\d{8}\r\n/);
  assert.match(ics.text, /SUMMARY:[^\r]*燃やせるごみ/);
});

test('the sorting dictionary: kana of any width finds the item, with its category and notice', async () => {
  const find = (q) => pub(`/search?q=${encodeURIComponent(q)}`);
  for (const q of ['ペット', 'ぺっと', 'ﾍﾟｯﾄ']) {
    const r = await find(q);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((i) => [i.name, i.category]), [['ペットボトル', 'プラスチック']], q);
  }
  const bin = await find('びん');
  assert.deepEqual(bin.json.items.map((i) => i.name), ['空きびん']);
  assert.match(bin.json.items[0].notice, /キャップ/);
  assert.deepEqual((await find('冷蔵庫')).json.items, []);
  expectError(assert, await find(''), 400, 'invalid');
  expectError(assert, await find('あ'.repeat(51)), 400, 'invalid');
  expectError(assert, await srv.client().get('/api/public/nowhere/garbage/search?q=a'), 404, 'not_found');
});

test('bad public requests: unknown district or town 404, bad dates and ranges 400', async () => {
  expectError(assert, await pub(`/${encodeURIComponent('どこにもない')}/days`), 404, 'not_found');
  expectError(assert, await pub(`/${encodeURIComponent('どこにもない')}/calendar.ics`), 404, 'not_found');
  expectError(assert, await srv.client().get('/api/public/nowhere/garbage'), 404, 'not_found');
  for (const q of ['from=2026-02-30', 'from=yesterday', 'days=0', 'days=401', 'days=x']) {
    const r = await pub(`/${encodeURIComponent('本町')}/days?${q}`);
    expectError(assert, r, 400, 'invalid');
  }
});

test('CLI: real towns import; a directory with bad cells imports nothing and names each cell', () => {
  const db = freshDatabase();
  try {
    cli(db, ['tenant', 'create', '--code', 'kami', '--name', '上砂川町']);
    assert.match(cli(db, ['garbage', 'import', '--tenant', 'kami', KAMISUNAGAWA]), /imported 10 areas, 7 categories, 65 sorting entries/);
    // 亀岡市's own target.csv has one entry without a category: reported, nothing written.
    assert.throws(() => cli(db, ['garbage', 'import', '--tenant', 'kami', KAMEOKA]),
      (e) => e.status === 1 && /target\.csv 1253 行目 1 列目: 分別の種類が空です/.test(e.stderr) && /nothing imported/.test(e.stderr));
    const skipped = cli(db, ['garbage', 'import', '--tenant', 'kami', KAMEOKA, '--skip-bad-cells']);
    assert.match(skipped, /imported 25 areas, 8 categories, \d+ sorting entries \(1 bad cells skipped\)/);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'area_days.csv'), '地名,センター,燃やせるごみ,資源ごみ\n北町,,月 木,水9\n南町,,毎週,\n');
    assert.throws(() => cli(db, ['garbage', 'import', '--tenant', 'kami', bad]), (e) =>
      e.status === 1 && /area_days\.csv 2 行目 4 列目/.test(e.stderr) && /area_days\.csv 3 行目 3 列目/.test(e.stderr));
    assert.throws(() => cli(db, ['garbage', 'import', '--tenant', 'nobody', KAMISUNAGAWA]), (e) => /no tenant/.test(e.stderr));
    assert.throws(() => cli(db, ['garbage', 'import', '--tenant', 'kami', join(tmp, 'missing')]), (e) => e.status === 1);
  } finally {
    rmSync(db.dataDir, { recursive: true, force: true });
  }
});

test('console import: admins only; bad cells listed with nothing changed; skipping imports the rest', async () => {
  const good = readFileSync(join(KAMISUNAGAWA, 'area_days.csv'));
  const before = await admin.get('/api/garbage');
  assert.equal(before.json.areas.length, 4);
  // An operator may read but not import.
  const email = `garbage-op-${Date.now()}@demo.example`;
  assert.equal((await admin.post('/api/staff', { email, password: 'garbage-operator-pass-1', role: 'operator' })).status, 201);
  const op = srv.client();
  assert.equal((await op.login('demo', email, 'garbage-operator-pass-1')).status, 200);
  assert.equal((await op.get('/api/garbage')).status, 200);
  expectError(assert, await op.post('/api/garbage/import', { files: { 'area_days.csv': good.toString('base64') } }), 403, 'forbidden');

  const withBad = '地名,センター,燃やせるごみ\n北町,,月 木\n南町,,水6\n';
  const r = await admin.post('/api/garbage/import', { files: { 'area_days.csv': b64(withBad) } });
  expectError(assert, r, 400, 'bad_cells');
  assert.deepEqual(r.json.error.details, [{ file: 'area_days.csv', row: 3, column: 3, message: r.json.error.details[0].message }]);
  assert.match(r.json.error.details[0].message, /1〜5/);
  assert.deepEqual((await admin.get('/api/garbage')).json, before.json, 'nothing changed');

  // Shapes that are not 5374 files.
  expectError(assert, await admin.post('/api/garbage/import', {}), 400, 'invalid');
  expectError(assert, await admin.post('/api/garbage/import', { files: { 'passwd': b64('x') } }), 400, 'invalid');
  expectError(assert, await admin.post('/api/garbage/import', { files: { 'center.csv': b64('名称,休止開始日,休止終了日\n') } }), 400, 'invalid');
  expectError(assert, await admin.post('/api/garbage/import', { files: { 'area_days.csv': 12 } }), 400, 'invalid');
  expectError(assert, await admin.post('/api/garbage/import', { files: { 'area_days.csv': '!!!not base64!!!' } }), 400, 'invalid');
  assert.deepEqual((await admin.get('/api/garbage')).json, before.json, 'nothing changed');

  const skipped = await admin.post('/api/garbage/import', { files: { 'area_days.csv': b64(withBad) }, skip_bad_cells: true });
  assert.equal(skipped.status, 200, skipped.text);
  assert.equal(skipped.json.areas, 2);
  assert.equal(skipped.json.problems.length, 1);
  const now = await admin.get('/api/garbage');
  assert.deepEqual(now.json.areas.map((a) => a.name), ['北町', '南町']);
  const audit = await admin.get('/api/audit');
  assert.ok(audit.text.includes('garbage.import'));

  // The real town through the console, Shift_JIS dictionary included.
  const files = {};
  for (const f of ['area_days.csv', 'center.csv', 'description.csv', 'remarks.csv', 'target.csv'])
    files[f] = readFileSync(join(KAMISUNAGAWA, f)).toString('base64');
  const real = await admin.post('/api/garbage/import', { files });
  assert.equal(real.status, 200, real.text);
  assert.equal(real.json.areas, 10);
  assert.equal(real.json.items, 65);
  const green = await pub(`/${encodeURIComponent('緑が丘')}/days?from=2026-12-01&days=7`);
  assert.ok(green.json.days.some((d) => d.date === '2026-12-02' && d.categories.includes('資源ごみ')), green.text);
});

