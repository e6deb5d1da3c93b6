// Issue 13, 受信設定: residents change the attributes staff marked resident_editable, on the web
// (GET/PUT /api/public/{tenant}/my/settings, the caller's own device only) and on LINE (a
// built-in dialog started by typing 受信設定 or by the rich-menu postback mg=c&x=settings).
// Values are checked by the attribute's type; staff-only keys, a forged resident id, wrong
// types and oversized values are 4xx and change nothing; a change moves the resident between
// segments at once (POST /api/residents/count). One server + line-sim, SQLite or PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Client, expectError } from './harness.mjs';
import { startStack, waitMessages, messageText, actionsOf, describe, lastSeq } from './line-harness.mjs';

let sim, srv, admin;
const defs = {};

const GARBAGE_AREAS = ['旭町', '馬路町', '千歳町', '河原林町', '保津町', '篠町', '大井町', '千代川町', '安町', '荒塚町',
  '古世町', '北古世町'];
const DEFINITIONS = [
  { key: 'district', label: '地区', type: 'choice', resident_editable: true, resident_label: '住んでいる地区',
    resident_help: 'お住まいの地区のお知らせが届きます',
    options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }, { value: 'higashi', label: '東地区' }] },
  { key: 'garbage_area', label: 'ごみ収集地区', type: 'choice', resident_editable: true,
    options: GARBAGE_AREAS.map((n) => ({ value: n, label: n })) },
  { key: 'topics', label: '受け取る話題', type: 'choice', multiple: true, resident_editable: true,
    options: [{ value: 'kosodate', label: '子育て' }, { value: 'bousai', label: '防災' }, { value: 'event', label: 'イベント' }] },
  { key: 'child_birth_date', label: '子どもの生年月日', type: 'date', multiple: true, resident_editable: true },
  { key: 'due_date', label: '出産予定日', type: 'date', resident_editable: true },
  { key: 'segment', label: '村民/村外', type: 'choice', resident_editable: true,
    options: [{ value: 'resident', label: '村民' }, { value: 'non_resident', label: '村外' }] },
  { key: 'hobby', label: '趣味', type: 'text', resident_editable: true },
  { key: 'staff_note', label: '職員メモ', type: 'text' },
];

before(async () => {
  ({ sim, srv } = await startStack());
  admin = await srv.admin();
  for (const [i, d] of DEFINITIONS.entries()) {
    const r = await admin.post('/api/resident-attributes', { ...d, position: i });
    assert.equal(r.status, 201, r.text);
    defs[d.key] = r.json;
  }
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

const count = async (condition) => {
  const r = await admin.post('/api/residents/count', { condition });
  assert.equal(r.status, 200, r.text);
  return r.json.count;
};
const put = (c, body) => c.put('/api/public/demo/my/settings', body);

test('staff set a resident-facing label and help; residents see only editable attributes', async () => {
  assert.equal(defs.district.resident_label, '住んでいる地区');
  assert.equal(defs.district.resident_help, 'お住まいの地区のお知らせが届きます');
  assert.equal(defs.staff_note.resident_editable, false);
  expectError(assert, await admin.post('/api/resident-attributes',
    { key: 'x1', label: 'x', type: 'text', resident_help: 'あ'.repeat(201) }), 400);
  expectError(assert, await admin.post('/api/resident-attributes',
    { key: 'x2', label: 'x', type: 'text', resident_label: 5 }), 400);

  const anon = new Client(srv.base);
  const r = await anon.get('/api/public/demo/my/settings');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(r.json.items.map((i) => i.key),
    ['district', 'garbage_area', 'topics', 'child_birth_date', 'due_date', 'segment', 'hobby']);
  const district = r.json.items[0];
  assert.equal(district.label, '住んでいる地区');
  assert.equal(district.help, 'お住まいの地区のお知らせが届きます');
  assert.equal(district.options.length, 3);
  assert.deepEqual(r.json.values, {});
  expectError(assert, await anon.get('/api/public/nowhere/my/settings'), 404);
});

test('web: a resident changes their own editable values; segments follow at once', async () => {
  const a = new Client(srv.base);
  const b = new Client(srv.base);
  const kita = { attr: 'district', in: ['kita'] };
  const minami = { attr: 'district', in: ['minami'] };
  const before = { kita: await count(kita), minami: await count(minami) };

  let r = await put(a, { values: { district: 'kita', topics: ['bousai', 'kosodate'], child_birth_date: ['2023-05-01'],
    due_date: '2027-01-15', segment: 'resident', garbage_area: '篠町' } });
  assert.equal(r.status, 200, r.text);
  assert.ok(a.cookies.get('mg_device'), 'a first-time visitor gets a device cookie');
  assert.deepEqual(r.json.values, { district: 'kita', topics: ['bousai', 'kosodate'], child_birth_date: ['2023-05-01'],
    due_date: '2027-01-15', segment: 'resident', garbage_area: '篠町' });
  assert.equal(await count(kita), before.kita + 1);
  assert.equal(await count({ all: [kita, { attr: 'topics', has: 'bousai' }, { attr: 'child_birth_date', age_between: [0, 5] }] }), 1);

  r = await put(a, { values: { district: 'minami', topics: ['event'] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.values.district, 'minami');
  assert.deepEqual(r.json.values.topics, ['event']);
  assert.equal(r.json.values.segment, 'resident', 'keys not named stay as they were');
  assert.equal(await count(kita), before.kita);
  assert.equal(await count(minami), before.minami + 1);
  assert.equal(await count({ attr: 'topics', has: 'bousai' }), 0);

  // null removes a value.
  r = await put(a, { values: { due_date: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.values.due_date, undefined);
  assert.equal((await a.get('/api/public/demo/my/settings')).json.values.district, 'minami');

  // Another resident: their own values only.
  r = await put(b, { values: { district: 'higashi' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(await count({ attr: 'district', in: ['higashi'] }), 1);
});

test('web: forged ids, staff-only keys, wrong types and oversized values are refused', async () => {
  const a = new Client(srv.base);
  const b = new Client(srv.base);
  assert.equal((await put(a, { values: { district: 'kita' } })).status, 200);
  assert.equal((await put(b, { values: { district: 'higashi', hobby: '釣り' } })).status, 200);
  const ids = await admin.get('/api/residents/export.csv');
  assert.equal(ids.status, 200);
  // B's resident id, as a forger would guess it: the one whose district is higashi and hobby 釣り.
  const bRow = ids.text.split('\n').find((l) => l.includes('釣り'));
  assert.ok(bRow, ids.text.slice(0, 400));
  const bId = Number(bRow.split(',')[0]);
  assert.ok(bId > 0, bRow);

  const refused = [
    // someone else's id in the body or in a field the route does not take
    [{ resident_id: bId, values: { district: 'minami' } }, 400],
    [{ values: { district: 'minami' }, resident: bId }, 400],
    // staff-only and unknown keys answer alike and do not echo the key
    [{ values: { staff_note: 'メモ' } }, 400],
    [{ values: { line_rich_menu: 'x' } }, 400],
    [{ values: { nosuchkey: 1 } }, 400],
    // wrong types
    [{ values: { district: 5 } }, 400],
    [{ values: { district: 'nowhere' } }, 400],
    [{ values: { district: ['kita'] } }, 400],
    [{ values: { topics: ['bousai', 'bousai'] } }, 400],
    [{ values: { topics: [{ v: 1 }] } }, 400],
    [{ values: { due_date: '2025-02-30' } }, 400],
    [{ values: { due_date: 20250101 } }, 400],
    [{ values: { segment: true } }, 400],
    [{ values: { hobby: '一行目\n二行目' } }, 400],
    [{ values: [] }, 400],
    [[], 400],
    [{}, 400],
    // oversized
    [{ values: { hobby: 'あ'.repeat(501) } }, 400],
    [{ values: { child_birth_date: Array.from({ length: 101 }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)) } }, 400],
  ];
  for (const [body, status] of refused) {
    const r = await put(a, body);
    expectError(assert, r, status);
    assert.ok(!r.text.includes('staff_note') && !r.text.includes('職員メモ'), r.text);
  }
  // A large body (well within the server's request limit) with one oversized value.
  expectError(assert, await put(a, { values: { hobby: 'x'.repeat(200 * 1024) } }), 400);
  // A change of nothing creates no resident for a first-time visitor.
  const fresh = new Client(srv.base);
  const nothing = await put(fresh, { values: {} });
  assert.equal(nothing.status, 200, nothing.text);
  assert.deepEqual(nothing.json.values, {});
  assert.equal(fresh.cookies.get('mg_device'), undefined);
  // Not JSON: a cross-site form cannot post it.
  const form = await a.request('PUT', '/api/public/demo/my/settings',
    { raw: 'values=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expectError(assert, form, 415);
  // A resident is not staff: the staff route for another resident's values is closed.
  const staffRoute = await a.put(`/api/residents/${bId}/attributes`, { values: { district: 'minami' } });
  assert.ok(staffRoute.status === 401 || staffRoute.status === 403, `${staffRoute.status}`);

  // Nothing changed, for A or for B.
  assert.equal((await a.get('/api/public/demo/my/settings')).json.values.district, 'kita');
  const bNow = await admin.get(`/api/residents/${bId}/attributes`);
  assert.deepEqual(bNow.json.values, { district: 'higashi', hobby: '釣り' });
  assert.equal((await b.get('/api/public/demo/my/settings')).json.values.district, 'higashi');

  // When staff make an attribute staff-only, residents can no longer set it.
  const d = defs.hobby;
  const off = await admin.put(`/api/resident-attributes/${d.id}`, { ...d, resident_editable: false });
  assert.equal(off.status, 200, off.text);
  expectError(assert, await put(b, { values: { hobby: '読書' } }), 400);
  const list = (await b.get('/api/public/demo/my/settings')).json;
  assert.ok(!list.items.some((i) => i.key === 'hobby'));
  assert.equal(list.values.hobby, undefined, 'a staff-only value is not shown to the resident');
  assert.equal((await admin.get(`/api/residents/${bId}/attributes`)).json.values.hobby, '釣り');
  assert.equal((await admin.put(`/api/resident-attributes/${d.id}`, { ...d, resident_editable: true })).status, 200);
});

// ------------------------------------------------------------------------------------ LINE

async function tap(u, send) {
  const seq = await lastSeq(sim, u);
  await send();
  const ms = await waitMessages(sim, u, seq, { quietMs: 300 });
  assert.ok(ms.length > 0, 'no answer');
  for (const m of ms) assert.ok((m.message.quickReply?.items ?? []).length <= 13, describe(m));
  return ms;
}
const last = (ms) => ms[ms.length - 1];
const text = (ms) => ms.map(messageText).join('\n');
const action = (ms, re) => {
  const a = ms.flatMap(actionsOf).find((x) => re.test(x.label ?? ''));
  assert.ok(a, `no ${re} in\n${ms.map(describe).join('\n')}`);
  return a;
};
const press = (u, a, params) => tap(u, () => sim.postback(u, a.data, params));

test('LINE: the 受信設定 dialog asks one thing at a time and saves each answer', async () => {
  const u = await sim.createUser('受信 設定子');
  await waitMessages(sim, u, 0);
  let ms = await tap(u, () => sim.text(u, '受信設定'));
  assert.match(text(ms), /受信設定です/);
  assert.match(messageText(last(ms)), /【1\/6】住んでいる地区/);
  assert.match(messageText(last(ms)), /お住まいの地区のお知らせが届きます/);
  assert.doesNotMatch(text(ms), /職員メモ|趣味/);

  const minami = { attr: 'district', in: ['minami'] };
  const lineMinami = { all: [{ channel: 'line' }, minami] };
  assert.equal(await count(lineMinami), 0);
  ms = await press(u, action(ms, /^南地区$/));
  assert.match(text(ms), /「住んでいる地区」を「南地区」にしました/);
  assert.equal(await count(lineMinami), 1, 'the segment changes with the tap');

  // ごみ収集地区: 12 options, 9 a page.
  assert.match(messageText(last(ms)), /【2\/6】ごみ収集地区/);
  assert.equal(actionsOf(last(ms)).filter((a) => GARBAGE_AREAS.includes(a.label)).length, 9);
  ms = await press(u, action(ms, /^ほかの選択肢$/));
  ms = await press(u, action(ms, /^北古世町$/));
  assert.match(text(ms), /「ごみ収集地区」を「北古世町」にしました/);

  // topics: several, each tap ticks or unticks, 次へ moves on.
  assert.match(messageText(last(ms)), /【3\/6】受け取る話題/);
  ms = await press(u, action(ms, /^子育て$/));
  assert.match(text(ms), /「子育て」を追加しました/);
  ms = await press(u, action(ms, /^防災$/));
  ms = await press(u, action(ms, /^✓ 子育て$/));
  assert.match(text(ms), /「子育て」を外しました/);
  assert.match(messageText(last(ms)), /現在：防災/);
  ms = await press(u, action(ms, /^次へ$/));

  // children's birth dates: a date picker, several dates.
  assert.match(messageText(last(ms)), /【4\/6】子どもの生年月日/);
  const picker = actionsOf(last(ms)).find((a) => a.type === 'datetimepicker');
  assert.ok(picker, describe(last(ms)));
  assert.equal(picker.mode, 'date');
  ms = await press(u, picker, { date: '2024-04-10' });
  assert.match(text(ms), /2024-04-10 を追加しました/);
  ms = await press(u, picker, { date: '2021-12-01' });
  ms = await press(u, picker, { date: '2021-02-30' });  // not a real day: refused, asked again
  assert.match(text(ms), /存在する日付/);
  ms = await press(u, action(ms, /^次へ$/));

  // 出産予定日: one date, then on to the next question.
  assert.match(messageText(last(ms)), /【5\/6】出産予定日/);
  ms = await press(u, actionsOf(last(ms)).find((a) => a.type === 'datetimepicker'), { date: '2027-03-03' });
  assert.match(text(ms), /「出産予定日」を 2027-03-03 にしました/);
  assert.match(messageText(last(ms)), /【6\/6】村民\/村外/);
  ms = await press(u, action(ms, /^村外$/));
  assert.match(text(ms), /受信設定を保存しました/);
  assert.match(text(ms), /住んでいる地区：南地区/);
  assert.match(text(ms), /受け取る話題：防災/);
  assert.match(text(ms), /子どもの生年月日：2024-04-10、2021-12-01/);
  assert.match(text(ms), /ウェブの受信設定/, 'the text attribute is left to the web page');

  const line = { channel: 'line' };
  assert.equal(await count({ all: [line, { attr: 'garbage_area', in: ['北古世町'] }, { attr: 'topics', has: 'bousai' },
    { attr: 'due_date', between: ['2027-03-03', '2027-03-03'] }, { attr: 'segment', in: ['non_resident'] },
    { attr: 'child_birth_date', between: ['2021-12-01', '2021-12-01'] }] }), 1);
  assert.equal(await count({ all: [line, { attr: 'topics', has: 'kosodate' }] }), 0);

  // The rich-menu action starts it again and shows the saved values; an option button whose
  // option changed, and a button naming a staff-only key, save nothing.
  ms = await tap(u, () => sim.postback(u, 'mg=c&x=settings'));
  assert.match(messageText(last(ms)), /現在：南地区/);
  assert.ok(actionsOf(last(ms)).some((a) => a.label === '✓ 南地区'));
  ms = await tap(u, () => sim.postback(u, 'mg=r&s=district&x=o%3A0%3Adeadbeef'));
  assert.match(text(ms), /選択肢が変わりました/);
  ms = await tap(u, () => sim.postback(u, 'mg=r&s=staff_note&x=clear'));
  assert.match(text(ms), /受信設定です/);
  ms = await tap(u, () => sim.postback(u, 'mg=r&s=district&x=clear'));
  assert.match(text(ms), /未設定にしました/);
  assert.equal(await count(lineMinami), 0);
});
