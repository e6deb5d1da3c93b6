// Issue 10 item 1: residents' attributes. Admins define attributes (地区 as a choice list,
// topics, 生年月日, 村民/村外, staff tags) with GET/POST /api/resident-attributes and
// PUT/DELETE /api/resident-attributes/{id}; staff read a resident's values (any role) and
// operators and above change them (PUT /api/residents/{id}/attributes). Bad input is 400 with
// a Japanese message and the field, a taken key 409, another tenant's objects 404; every
// write is audited. The old residents.attributes JSON is carried over at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, freshDatabase, cli, expectError, Client, BACKEND } from './harness.mjs';

let srv, admin;
const staff = {};
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

function sql(db, text) {
  const out = BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' });
  return out.trim();
}

async function login(email, password, tenant = 'demo') {
  const c = new Client(srv.base);
  const r = await c.login(tenant, email, password);
  assert.equal(r.status, 200, r.text);
  return c;
}

// A web resident of the demo tenant (a chat started in a browser) and its id.
async function webResident() {
  const services = (await admin.get('/api/services')).json.items;
  const resident = new Client(srv.base);
  const start = await resident.post('/api/public/demo/chat', { service_id: services[0].id });
  assert.equal(start.status, 201, start.text);
  return Number(sql(srv.db, `SELECT resident_id FROM chat_sessions WHERE public_id = '${start.json.session_id}'`));
}

const DISTRICT = {
  key: 'district', label: '地区', type: 'choice',
  options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }, { value: 'higashi', label: '東地区' }],
};

// The old LINE code kept attributes as JSON in residents.attributes; a server started on such
// a database shows them as attributes. Tenant "old" and its resident exist before the start.
const old = { db: null, resident: 0 };

before(async () => {
  old.db = freshDatabase();
  cli(old.db, ['migrate']);
  cli(old.db, ['tenant', 'create', '--code', 'old', '--name', '旧町']);
  cli(old.db, ['admin', 'create', '--tenant', 'old', '--email', 'admin@old.example', '--password-stdin'], 'old-town-password-1\n');
  const tenant = sql(old.db, "SELECT id FROM tenants WHERE code = 'old'");
  old.resident = Number(sql(old.db, `INSERT INTO residents(tenant_id, channel, external_id, attributes, created_at, updated_at) VALUES (${tenant}, 'line', 'U0123456789abcdef0123456789abcdef', '{"segment":"non_resident","line_rich_menu":"visitors"}', 0, 0) RETURNING id`));
  sql(old.db, `INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at) VALUES (${tenant}, ${old.resident}, 'line', 'U0123456789abcdef0123456789abcdef', 0)`);
  srv = await startServer({ db: old.db });
  admin = await srv.admin();
  for (const role of ['viewer', 'operator', 'editor']) {
    const email = `ra-${role}@demo.example`;
    const r = await admin.post('/api/staff', { email, password: `ra-${role}-password-1`, role });
    assert.equal(r.status, 201, r.text);
    staff[role] = await login(email, `ra-${role}-password-1`);
  }
});
after(async () => { await srv?.cleanup(); });

test('admins add, list, change and delete attribute definitions, audited', async () => {
  const created = await admin.post('/api/resident-attributes', DISTRICT);
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  assert.ok(id > 0);
  assert.equal(created.json.type, 'choice');
  assert.equal(created.json.options.length, 3);
  for (const d of [
    { key: 'topics', label: '受け取りたい情報', type: 'choice', multiple: true, options: [{ value: 'bosai', label: '防災' }, { value: 'kosodate', label: '子育て' }] },
    { key: 'birth_date', label: '生年月日', type: 'date' },
    { key: 'villager', label: '村民', type: 'yes_no' },
    { key: 'household', label: '世帯人数', type: 'number' },
    { key: 'memo', label: 'メモ', type: 'text' },
    { key: 'tags', label: 'タグ', type: 'tag', multiple: true },
  ]) {
    const r = await admin.post('/api/resident-attributes', d);
    assert.equal(r.status, 201, `${d.key}: ${r.text}`);
  }
  const list = await admin.get('/api/resident-attributes');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((d) => d.key).sort(), ['birth_date', 'district', 'household', 'memo', 'tags', 'topics', 'villager']);

  const changed = await admin.put(`/api/resident-attributes/${id}`, { ...DISTRICT, label: '地域', options: [...DISTRICT.options, { value: 'nishi', label: '西地区' }] });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.label, '地域');
  assert.equal(changed.json.options.length, 4);
  assert.equal((await admin.get('/api/resident-attributes')).json.items.find((d) => d.id === id).label, '地域');
  // Key and type stay as created.
  expectError(assert, await admin.put(`/api/resident-attributes/${id}`, { ...DISTRICT, key: 'area' }), 400, 'invalid');
  expectError(assert, await admin.put(`/api/resident-attributes/${id}`, { key: 'district', label: '地区', type: 'text' }), 400, 'invalid');

  const scratch = await admin.post('/api/resident-attributes', { key: 'scratch', label: '試し', type: 'text' });
  assert.equal(scratch.status, 201, scratch.text);
  const del = await admin.del(`/api/resident-attributes/${scratch.json.id}`);
  assert.equal(del.status, 200, del.text);
  expectError(assert, await admin.del(`/api/resident-attributes/${scratch.json.id}`), 404, 'not_found');
  expectError(assert, await admin.put('/api/resident-attributes/999999', DISTRICT), 404, 'not_found');
  expectError(assert, await admin.del('/api/resident-attributes/abc'), 404, 'not_found');

  const audit = (await admin.get('/api/audit?limit=500')).json.items.filter((a) => a.object_type === 'attribute_definition');
  const actions = audit.map((a) => a.action);
  for (const a of ['resident_attribute.create', 'resident_attribute.update', 'resident_attribute.delete'])
    assert.ok(actions.includes(a), `${a} in ${actions}`);
});

test('bad definitions are 400 with a Japanese message naming the field; a taken key is 409', async () => {
  const many = Array.from({ length: 201 }, (_, i) => ({ value: `v${i}`, label: `選択肢${i}` }));
  const cases = [
    [{ ...DISTRICT, key: 'District' }, 'key'],
    [{ ...DISTRICT, key: 'a'.repeat(41) }, 'key'],
    [{ ...DISTRICT, key: 7 }, 'key'],
    [{ ...DISTRICT, key: 'line_rich_menu' }, 'key'],
    [{ ...DISTRICT, key: 'x1', label: '' }, 'label'],
    [{ ...DISTRICT, key: 'x1', label: 'あ'.repeat(41) }, 'label'],
    [{ ...DISTRICT, key: 'x1', label: ['地区'] }, 'label'],
    [{ ...DISTRICT, key: 'x1', type: 'colour' }, 'type'],
    [{ ...DISTRICT, key: 'x1', type: null }, 'type'],
    [{ ...DISTRICT, key: 'x1', options: [] }, 'options'],
    [{ ...DISTRICT, key: 'x1', options: many }, 'options'],
    [{ ...DISTRICT, key: 'x1', options: [{ value: 'a', label: 'A' }, { value: 'a', label: 'B' }] }, 'options[1].value'],
    [{ ...DISTRICT, key: 'x1', options: [{ value: 'a' }] }, 'options[0].label'],
    [{ ...DISTRICT, key: 'x1', options: 'a,b' }, 'options'],
    [{ key: 'x1', label: 'メモ', type: 'text', multiple: true }, 'multiple'],
    [{ key: 'x1', label: 'メモ', type: 'text', options: DISTRICT.options }, 'options'],
    [{ key: 'x1', label: 'メモ', type: 'number', multiple: 'yes' }, 'multiple'],
  ];
  for (const [body, field] of cases) {
    const r = await admin.post('/api/resident-attributes', body);
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, field, `${JSON.stringify(body).slice(0, 120)}: ${r.text}`);
    assert.match(r.json.error.message, JAPANESE);
  }
  expectError(assert, await admin.request('POST', '/api/resident-attributes', { raw: '{"key":', headers: { 'content-type': 'application/json' } }), 400);
  const dup = await admin.post('/api/resident-attributes', { ...DISTRICT, label: '別の地区' });
  expectError(assert, dup, 409, 'conflict');
  assert.equal(dup.json.error.field, 'key');
  assert.equal((await admin.get('/api/resident-attributes')).json.items.filter((d) => d.key === 'district').length, 1);
});

test('staff read a resident\'s attributes; operators and above change them; values fit their type', async () => {
  const rid = await webResident();
  const put = await staff.operator.put(`/api/residents/${rid}/attributes`, {
    values: { district: 'kita', topics: ['bosai', 'kosodate'], birth_date: '2019-02-28', villager: 'yes', household: 4, tags: ['要配慮'] },
  });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json.values, { district: 'kita', topics: ['bosai', 'kosodate'], birth_date: '2019-02-28', villager: 'yes', household: 4, tags: ['要配慮'] });
  const read = await staff.viewer.get(`/api/residents/${rid}/attributes`);
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.json.values, put.json.values);
  // Only the keys named change; null removes one.
  const again = await staff.editor.put(`/api/residents/${rid}/attributes`, { values: { district: 'minami', tags: null } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.values.district, 'minami');
  assert.equal(again.json.values.tags, undefined);
  assert.deepEqual(again.json.values.topics, ['bosai', 'kosodate']);

  const bad = [
    [{ district: 'atlantis' }, 'values.district'],
    [{ district: ['kita'] }, 'values.district'],
    [{ topics: ['bosai', 'bosai'] }, 'values.topics'],
    [{ birth_date: '2023-02-29' }, 'values.birth_date'],
    [{ birth_date: '2023-13-01' }, 'values.birth_date'],
    [{ birth_date: '2023/01/01' }, 'values.birth_date'],
    [{ villager: true }, 'values.villager'],
    [{ villager: 'はい' }, 'values.villager'],
    [{ household: '4' }, 'values.household'],
    [{ memo: 'x'.repeat(501) }, 'values.memo'],
    [{ unknown_key: 'x' }, 'values.unknown_key'],
    [{ 'Bad Key<script>': 'x' }, 'values'],
  ];
  for (const [values, field] of bad) {
    const r = await admin.put(`/api/residents/${rid}/attributes`, { values });
    expectError(assert, r, 400, 'invalid');
    assert.equal(r.json.error.field, field, `${JSON.stringify(values)}: ${r.text}`);
    assert.match(r.json.error.message, JAPANESE);
  }
  expectError(assert, await admin.put(`/api/residents/${rid}/attributes`, { district: 'kita' }), 400, 'invalid');
  // A refused request changed nothing, even the valid keys in it.
  const mixed = await admin.put(`/api/residents/${rid}/attributes`, { values: { district: 'higashi', villager: 'maybe' } });
  expectError(assert, mixed, 400, 'invalid');
  assert.equal((await admin.get(`/api/residents/${rid}/attributes`)).json.values.district, 'minami');

  expectError(assert, await staff.viewer.put(`/api/residents/${rid}/attributes`, { values: { district: 'kita' } }), 403, 'forbidden');
  expectError(assert, await admin.get('/api/residents/999999/attributes'), 404, 'not_found');

  // Audited with the keys only: values are personal data.
  const audit = (await admin.get('/api/audit?limit=500')).json.items.filter((a) => a.action === 'resident.attributes.update' && a.object_id === String(rid));
  assert.equal(audit.length, 2, JSON.stringify(audit));
  assert.ok(!JSON.stringify(audit).includes('2019-02-28'), 'a value reached the audit log');

  // Options in use stay; a deleted definition takes its values with it.
  const district = (await admin.get('/api/resident-attributes')).json.items.find((d) => d.key === 'district');
  const fewer = await admin.put(`/api/resident-attributes/${district.id}`, { ...district, options: district.options.filter((o) => o.value !== 'minami') });
  expectError(assert, fewer, 409, 'conflict');
  assert.deepEqual(fewer.json.error.details, ['minami']);
  const topics = (await admin.get('/api/resident-attributes')).json.items.find((d) => d.key === 'topics');
  expectError(assert, await admin.put(`/api/resident-attributes/${topics.id}`, { ...topics, multiple: false }), 409, 'conflict');
  assert.equal((await admin.del(`/api/resident-attributes/${topics.id}`)).status, 200);
  assert.equal((await admin.get(`/api/residents/${rid}/attributes`)).json.values.topics, undefined);
});

test('only admins manage definitions; viewers and editors get 403 and nothing changes', async () => {
  for (const role of ['viewer', 'operator', 'editor']) {
    expectError(assert, await staff[role].get('/api/resident-attributes'), 403, 'forbidden');
    expectError(assert, await staff[role].post('/api/resident-attributes', { ...DISTRICT, key: `by_${role}` }), 403, 'forbidden');
  }
  const id = (await admin.get('/api/resident-attributes')).json.items[0].id;
  expectError(assert, await staff.editor.del(`/api/resident-attributes/${id}`), 403, 'forbidden');
  expectError(assert, await staff.editor.put(`/api/resident-attributes/${id}`, DISTRICT), 403, 'forbidden');
  const keys = (await admin.get('/api/resident-attributes')).json.items.map((d) => d.key);
  assert.ok(!keys.some((k) => k.startsWith('by_')), keys.join());
  const anon = new Client(srv.base);
  expectError(assert, await anon.get('/api/resident-attributes'), 401);
});

test('another tenant\'s definitions and residents are 404; the old JSON attributes were carried over', async () => {
  const other = await login('admin@old.example', 'old-town-password-1', 'old');
  const mine = (await admin.get('/api/resident-attributes')).json.items;
  assert.deepEqual((await other.get('/api/resident-attributes')).json.items, []);
  expectError(assert, await other.put(`/api/resident-attributes/${mine[0].id}`, DISTRICT), 404, 'not_found');
  expectError(assert, await other.del(`/api/resident-attributes/${mine[0].id}`), 404, 'not_found');
  const rid = await webResident();
  expectError(assert, await other.get(`/api/residents/${rid}/attributes`), 404, 'not_found');
  expectError(assert, await other.put(`/api/residents/${rid}/attributes`, { values: {} }), 404, 'not_found');
  expectError(assert, await admin.get(`/api/residents/${old.resident}/attributes`), 404, 'not_found');
  // The same key in another tenant is its own.
  assert.equal((await other.post('/api/resident-attributes', DISTRICT)).status, 201);

  const carried = await other.get(`/api/residents/${old.resident}/attributes`);
  assert.equal(carried.status, 200, carried.text);
  assert.deepEqual(carried.json.values, { segment: 'non_resident', line_rich_menu: 'visitors' });
  assert.equal(sql(srv.db, `SELECT attributes FROM residents WHERE id = ${old.resident}`), '{}');
});
