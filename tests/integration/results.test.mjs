// Issue 9, item 15: the CSV export has one column per question (across service versions), the
// status history and the ratings; GET /api/services/{id}/results counts choices, ratings and
// statuses. Applications are made through the residents' public chat API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, expectError, Client } from './harness.mjs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');
const todayJst = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);

let srv, admin, serviceId;
const receipts = {};

// RFC 4180, as Excel reads it: quoted cells may hold commas, quotes and line breaks.
function parseCsv(text) {
  // fetch's text() drops the BOM (checked on the bytes below).
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r') {
      assert.equal(s[i + 1], '\n', 'CRLF line ends');
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else if (c === '\n') assert.fail('bare LF outside a quoted cell');
    else cell += c;
  }
  assert.equal(row.length + cell.length, 0, 'the last line ends with CRLF');
  const [header, ...body] = rows;
  for (const r of body) assert.equal(r.length, header.length, `row width: ${r.join(',')}`);
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

const definition = (version) => ({
  format: 'madoguchi.service/1',
  service_key: 'kekka-test',
  title: '結果テスト',
  department: '市民課',
  steps: [
    { id: 'name', kind: 'text', label: '氏名', text: 'お名前を入力してください。' },
    { id: 'kind', kind: 'choice', label: '種別', text: '種別を選んでください。', choices: [{ value: 'cert', label: '証明書', fee: 300 }, { value: 'talk', label: '相談' }] },
    { id: 'items', kind: 'choice', multiple: true, label: '必要なもの', text: '必要なものをすべて選んでください。', choices: [{ value: 'desk', label: '机' }, { value: 'chair', label: '椅子' }, { value: 'bed', label: 'ベッド' }] },
    { id: 'photo', kind: 'photo', optional: true, label: '写真', text: '写真があれば送ってください。' },
    ...(version === 1
      ? [{ id: 'old', kind: 'text', label: '旧質問', text: '旧版だけの質問です。' }]
      : [{ id: 'note', kind: 'text', optional: true, label: '備考', text: '備考があれば入力してください。' }]),
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit', text: '受け付けました。受付番号：{{receipt_number}}' },
    { id: 'rating', kind: 'rating', label: '満足度', text: '満足度を教えてください。' },
    { id: 'clarity', kind: 'rating', label: '説明のわかりやすさ', text: '説明のわかりやすさを教えてください。' },
    { id: 'thanks', kind: 'message', text: 'ありがとうございました。' },
  ],
});

async function sayOk(resident, session, input) {
  const r = await resident.post(`/api/public/demo/chat/${session}/input`, input);
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.json.prompts.some((p) => p.type === 'error'), JSON.stringify(r.json.prompts));
  return r;
}

// One application through the public chat API; returns its receipt number.
async function apply({ name, kind, items, photo, extra, ratings }) {
  const resident = srv.client();
  const start = await resident.post('/api/public/demo/chat', { service_id: serviceId });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  await sayOk(resident, s, { type: 'text', text: name });
  await sayOk(resident, s, { type: 'choice', value: kind });
  await sayOk(resident, s, { type: 'choices', values: items });
  if (photo) {
    const up = await resident.request('POST', `/api/public/demo/chat/${s}/attachments?filename=${photo}`, { raw: PNG, headers: { 'content-type': 'image/png' } });
    assert.equal(up.status, 201, up.text);
    await sayOk(resident, s, { type: 'photo', attachment_id: up.json.attachment_id });
  } else {
    await sayOk(resident, s, { type: 'choice', value: '__skip__' });
  }
  await sayOk(resident, s, extra === null ? { type: 'choice', value: '__skip__' } : { type: 'text', text: extra });
  const done = await sayOk(resident, s, { type: 'choice', value: 'confirm' });
  assert.ok(done.json.receipt_number, JSON.stringify(done.json));
  for (const r of ratings) await sayOk(resident, s, { type: 'choice', value: r });
  return done.json.receipt_number;
}

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  const created = await admin.post('/api/services', { definition: definition(1) });
  assert.equal(created.status, 201, created.text);
  serviceId = created.json.id;
  assert.equal((await admin.post(`/api/services/${serviceId}/publish`, {})).status, 200);
  receipts.old = await apply({ name: '山田 太郎', kind: 'cert', items: ['desk', 'chair'], photo: 'kitchen.png', extra: '古い答え', ratings: ['5', '3'] });
  // Version 2 drops 旧質問 and asks 備考 instead.
  assert.equal((await admin.put(`/api/services/${serviceId}`, { definition: definition(2) })).status, 200);
  assert.equal((await admin.post(`/api/services/${serviceId}/publish`, {})).json.version, 2);
  receipts.formula = await apply({ name: '佐藤 花子', kind: 'talk', items: ['bed'], extra: '=1+1', ratings: ['4', '__skip__'] });
  receipts.plain = await apply({ name: '鈴木 一郎', kind: 'cert', items: ['desk'], extra: null, ratings: ['5'] });
  const old = (await admin.get(`/api/applications?q=${receipts.old}`)).json.items[0];
  assert.equal((await admin.patch(`/api/applications/${old.id}`, { status: 'in_progress' })).status, 200);
  assert.equal((await admin.patch(`/api/applications/${old.id}`, { memo: 'メモだけの変更' })).status, 200);
  assert.equal((await admin.patch(`/api/applications/${old.id}`, { status: 'done' })).status, 200);
});
after(async () => { await srv?.cleanup(); });

test('a service export has one column per question, old versions\' questions last', async () => {
  const res = await admin.get(`/api/applications/export.csv?service_id=${serviceId}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/csv; charset=utf-8/);
  const { header, rows } = parseCsv(res.text);
  const raw = await fetch(`${srv.base}/api/applications/export.csv?service_id=${serviceId}`, { headers: { cookie: admin.cookieHeader() } });
  assert.deepEqual([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  assert.deepEqual(header, ['受付番号', 'サービス', '受付日時', '最終状態', '状態履歴', 'チャネル', '担当課', '担当者',
    '手数料合計', '添付数', '添付ファイル', 'メモ', '氏名', '種別', '必要なもの', '写真', '備考', '満足度',
    '説明のわかりやすさ', '旧質問（旧版の質問）']);
  assert.equal(rows.length, 3);
  const by = Object.fromEntries(rows.map((r) => [r['受付番号'], r]));
  const old = by[receipts.old];
  assert.deepEqual(
    [old['サービス'], old['最終状態'], old['担当課'], old['手数料合計'], old['添付数'], old['添付ファイル'], old['メモ'],
      old['氏名'], old['種別'], old['必要なもの'], old['写真'], old['備考'], old['満足度'], old['説明のわかりやすさ'], old['旧質問（旧版の質問）']],
    ['結果テスト', '完了', '市民課', '300', '1', 'kitchen.png', 'メモだけの変更',
      '山田 太郎', '証明書', '机、椅子', 'kitchen.png', '', '5', '3', '古い答え']);
  assert.match(old['受付日時'], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  // The memo change is not a status; the staff member is named.
  assert.match(old['状態履歴'], /^\d{4}-\d\d-\d\d \d\d:\d\d 受付 → \d\d:\d\d 処理中 \(デモ管理者\) → \d\d:\d\d 完了 \(デモ管理者\)$/);
  const f = by[receipts.formula];
  assert.deepEqual(
    [f['最終状態'], f['手数料合計'], f['添付数'], f['添付ファイル'], f['氏名'], f['種別'], f['必要なもの'], f['写真'], f['備考'], f['満足度'], f['説明のわかりやすさ'], f['旧質問（旧版の質問）']],
    ['未対応', '0', '0', '', '佐藤 花子', '相談', 'ベッド', '', "'=1+1", '4', '', '']);
  assert.match(f['状態履歴'], /^\d{4}-\d\d-\d\d \d\d:\d\d 受付$/);
  const p = by[receipts.plain];
  assert.deepEqual([p['種別'], p['必要なもの'], p['備考'], p['満足度'], p['説明のわかりやすさ']], ['証明書', '机', '', '5', '']);
});

test('a tenant-wide export prefixes question columns with the service name', async () => {
  const { header, rows } = parseCsv((await admin.get('/api/applications/export.csv')).text);
  assert.ok(header.includes('結果テスト：必要なもの'), header.join(','));
  assert.ok(header.includes('結果テスト：旧質問（旧版の質問）'));
  assert.ok(!header.includes('回答'));
  // Removed questions of every service come after all current ones.
  const firstOld = header.findIndex((h) => h.endsWith('（旧版の質問）'));
  assert.ok(header.slice(firstOld).every((h) => h.endsWith('（旧版の質問）') || /（[a-z0-9_-]+）$/.test(h)), header.slice(firstOld).join(','));
  const old = rows.find((r) => r['受付番号'] === receipts.old);
  assert.equal(old['結果テスト：必要なもの'], '机、椅子');
  assert.equal(old['結果テスト：満足度'], '5');
  assert.equal(old['結果テスト：旧質問（旧版の質問）'], '古い答え');
});

test('the results count choices, ratings and statuses', async () => {
  const r = await admin.get(`/api/services/${serviceId}/results`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.service, { id: serviceId, title: '結果テスト' });
  assert.equal(r.json.total, 3);
  assert.deepEqual(r.json.statuses.map((s) => [s.status, s.label, s.count]),
    [['new', '未対応', 2], ['in_progress', '処理中', 0], ['done', '完了', 1], ['rejected', '却下', 0], ['withdrawn', '取り下げ', 0]]);
  const q = Object.fromEntries(r.json.questions.map((x) => [x.step_id, x]));
  assert.deepEqual(Object.keys(q), ['kind', 'items']);
  assert.deepEqual(q.kind.choices.map((c) => [c.label, c.count]), [['証明書', 2], ['相談', 1]]);
  assert.deepEqual(q.items.choices.map((c) => [c.label, c.count]), [['机', 2], ['椅子', 1], ['ベッド', 1]]);
  assert.equal(q.items.multiple, true);
  assert.equal(q.items.answered, 3);
  const rt = Object.fromEntries(r.json.ratings.map((x) => [x.step_id, x]));
  assert.deepEqual(rt.rating.counts.map((c) => c.count), [0, 0, 0, 1, 2]);
  assert.equal(rt.rating.total, 3);
  assert.ok(Math.abs(rt.rating.average - 14 / 3) < 1e-9);
  assert.deepEqual(rt.clarity.counts.map((c) => c.count), [0, 0, 1, 0, 0]);
  assert.equal(rt.clarity.label, '説明のわかりやすさ');
});

test('the results are filtered by a JST day range', async () => {
  const day = todayJst();
  const today = (await admin.get(`/api/services/${serviceId}/results?from=${day}&to=${day}`)).json;
  assert.equal(today.total, 3);
  assert.equal(today.ratings[0].total, 3);
  const past = await admin.get(`/api/services/${serviceId}/results?from=2000-01-01&to=2000-12-31`);
  assert.equal(past.status, 200);
  assert.equal(past.json.total, 0);
  assert.ok(past.json.questions.every((x) => x.choices.every((c) => c.count === 0)));
  assert.ok(past.json.ratings.every((x) => x.total === 0 && x.average === null));
  assert.equal((await admin.get(`/api/services/${serviceId}/results?to=2000-01-01`)).json.total, 0);
  assert.equal((await admin.get(`/api/services/${serviceId}/results?from=${day}`)).json.total, 3);
});

test('bad dates, unknown ids and other tenants\' services are refused', async () => {
  for (const [query, field] of [['from=2026-02-30', 'from'], ['from=abc', 'from'], ['to=2026-1-5', 'to'],
    ['to=２０２６-01-05', 'to'], ['from=2026-12-01&to=2026-11-30', 'from'], ['from=2026-11-30T00:00', 'from']]) {
    const r = await admin.get(`/api/services/${serviceId}/results?${query}`);
    expectError(assert, r, 400);
    assert.equal(r.json.error.field, field, query);
  }
  expectError(assert, await admin.get('/api/services/999999/results'), 404);
  expectError(assert, await admin.get('/api/services/abc/results'), 404);
  expectError(assert, await srv.client().get(`/api/services/${serviceId}/results`), 401);
  cli(srv.db, ['tenant', 'create', '--code', 'town-r', '--name', 'R町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'town-r', '--email', 'r@r.example', '--password-stdin'], 'town-r-password\n');
  const b = new Client(srv.base);
  assert.equal((await b.login('town-r', 'r@r.example', 'town-r-password')).status, 200);
  expectError(assert, await b.get(`/api/services/${serviceId}/results`), 404);
  // Another tenant's service id in the export filter exports nothing of it.
  const csv = parseCsv((await b.get(`/api/applications/export.csv?service_id=${serviceId}`)).text);
  assert.equal(csv.rows.length, 0);
  assert.ok(!csv.header.some((h) => h.includes('氏名')));
  // A viewer of the service's department may read the results, like the applications themselves
  // (other departments get 404: tests/integration/departments.test.mjs).
  const department = (await admin.get(`/api/services/${serviceId}`)).json.department;
  assert.equal((await admin.post('/api/staff', { email: 'results-viewer@demo.example', password: 'viewer-password-9', role: 'viewer', departments: [department] })).status, 201);
  const viewer = new Client(srv.base);
  assert.equal((await viewer.login('demo', 'results-viewer@demo.example', 'viewer-password-9')).status, 200);
  assert.equal((await viewer.get(`/api/services/${serviceId}/results`)).status, 200);
});
