// Conditions over residents' attributes (issue 10): ~2,000 generated residents with random
// attributes (seeded), imported through POST /api/residents/import; ~30 conditions counted
// through POST /api/residents/count must equal an independent computation in JavaScript over
// the generated data. Run on SQLite and PostgreSQL (MG_DB=postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, expectError, BACKEND } from './harness.mjs';

let srv;
let admin;
let tenantId;
let residents; // [{id, channel, status, attrs: {key: [values]}}]

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [srv.db.url, '-X', '-q', '-At', '-F', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', join(srv.db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' });
}

// mulberry32: the same residents on every run and both backends.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20261130);
const pick = (list) => list[Math.floor(rand() * list.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const DISTRICTS = ['kita', 'minami', 'higashi', 'nishi'];
const TOPICS = ['bousai', 'kosodate', 'kenko', 'event'];
const DEFS = [
  ['district', '地区', 'choice', 0, DISTRICTS.map((v) => ({ value: v, label: `${v}地区` }))],
  ['topics', '受け取る話題', 'choice', 1, TOPICS.map((v) => ({ value: v, label: v }))],
  ['score', '点数', 'number', 0, []],
  ['birth_date', '生年月日', 'date', 0, []],
  ['child_birth_date', '子の生年月日', 'date', 1, []],
  ['villager', '村民', 'yes_no', 0, []],
  ['tags', 'タグ', 'tag', 1, []],
];
const pad = (n, w = 2) => String(n).padStart(w, '0');
function randomDate(y0, y1) {
  // Some 29 Februaries and days around it, to exercise the age rule.
  const y = int(y0, y1);
  if (rand() < 0.08) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return `${y}-${pick(leap ? ['02-28', '02-29', '03-01'] : ['02-28', '03-01'])}`;
  }
  const m = int(1, 12);
  const d = int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]);
  return `${y}-${pad(m)}-${pad(d)}`;
}
function randomAttrs() {
  const a = {};
  if (rand() < 0.85) a.district = [pick(DISTRICTS)];
  if (rand() < 0.7) a.topics = [...new Set(Array.from({ length: int(1, 3) }, () => pick(TOPICS)))];
  if (rand() < 0.8) a.score = [rand() < 0.2 ? int(0, 20) / 2 : int(-2, 10)];
  if (rand() < 0.9) a.birth_date = [randomDate(1920, 2026)];
  if (rand() < 0.35) a.child_birth_date = Array.from({ length: int(1, 3) }, () => randomDate(2008, 2027));
  if (rand() < 0.6) a.villager = [pick(['yes', 'no'])];
  if (rand() < 0.3) a.tags = [...new Set(Array.from({ length: int(1, 2) }, () => pick(['vip', 'follow', 'moved'])))];
  return a;
}
const hex32 = () => Array.from({ length: 32 }, () => '0123456789abcdef'[int(0, 15)]).join('');

function csvOf(keyName, rows) {
  const keys = DEFS.map((d) => d[0]);
  const lines = [[keyName, ...keys].join(',')];
  for (const r of rows) lines.push([r.key, ...keys.map((k) => (r.attrs[k] || []).join('|'))].join(','));
  return lines.join('\r\n') + '\r\n';
}

// The independent computation.
const today = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
function age(birth, on) {
  return Number(on.slice(0, 4)) - Number(birth.slice(0, 4)) - (on.slice(5) < birth.slice(5) ? 1 : 0);
}
function matches(c, r) {
  if (Object.keys(c).length === 0) return true;
  if (c.all) return c.all.every((x) => matches(x, r));
  if (c.any) return c.any.some((x) => matches(x, r));
  if (c.not) return !matches(c.not, r);
  if (c.channel) return r.channel === c.channel;
  const vals = r.attrs[c.attr] || [];
  if ('in' in c) return vals.some((v) => c.in.includes(v));
  if ('has' in c) return vals.includes(c.has);
  if ('between' in c) return vals.some((v) => v >= c.between[0] && v <= c.between[1]);
  if ('age_between' in c) {
    const on = c.on || today();
    return vals.some((v) => age(v, on) >= c.age_between[0] && age(v, on) <= c.age_between[1]);
  }
  if ('exists' in c) return c.exists === vals.length > 0;
  throw new Error(`unknown condition ${JSON.stringify(c)}`);
}
const expected = (c, includeBlocked = false) =>
  residents.filter((r) => (includeBlocked || r.status !== 'blocked') && matches(c, r)).length;

function randomLeaf() {
  switch (int(0, 8)) {
    case 0: return { attr: 'district', in: DISTRICTS.filter(() => rand() < 0.5) .concat([pick(DISTRICTS)]) };
    case 1: return { attr: 'topics', has: pick(TOPICS) };
    case 2: { const lo = int(-2, 8); return { attr: 'score', between: [lo, lo + int(0, 5) + (rand() < 0.3 ? 0.5 : 0)] }; }
    case 3: { const lo = int(0, 90); return { attr: 'birth_date', age_between: [lo, lo + int(0, 30)], on: randomDate(2024, 2030) }; }
    case 4: return { attr: 'child_birth_date', age_between: [0, int(0, 12)], on: pick(['2027-04-01', '2028-02-29', '2027-02-28', '2026-03-01']) };
    case 5: return { attr: pick(DEFS)[0], exists: rand() < 0.5 };
    case 6: return { attr: 'villager', has: pick(['yes', 'no']) };
    case 7: return { channel: pick(['line', 'web']) };
    default: { const a = randomDate(1940, 2000); const b = randomDate(1940, 2000); return { attr: 'birth_date', between: a < b ? [a, b] : [b, a] }; }
  }
}
function randomTree(depth) {
  if (depth <= 0 || rand() < 0.35) return randomLeaf();
  const k = pick(['all', 'any', 'not']);
  if (k === 'not') return { not: randomTree(depth - 1) };
  return { [k]: Array.from({ length: int(1, 4) }, () => randomTree(depth - 1)) };
}

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  tenantId = Number(sql("SELECT id FROM tenants WHERE code = 'demo'").trim());
  for (const [i, [key, label, type, multiple, options]] of DEFS.entries())
    sql(`INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, multiple, options, position, created_at, updated_at) VALUES (${tenantId}, '${key}', '${label}', '${type}', ${multiple}, '${JSON.stringify(options)}', ${i}, 0, 0)`);

  // 1,900 LINE friends created by the import, 100 web residents keyed by resident id.
  const line = Array.from({ length: 1900 }, () => ({ key: `U${hex32()}`, attrs: randomAttrs() }));
  let r = await admin.request('POST', '/api/residents/import', { raw: csvOf('line_user_id', line), headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(r.json.imported, 1900);
  assert.equal(r.json.created, 1900);
  const values = Array.from({ length: 100 }, (_, i) => `(${tenantId}, 'web', 'cond-web-${i}', 'active', 0, 0)`).join(', ');
  sql(`INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES ${values}`);
  const webIds = sql(`SELECT id FROM residents WHERE tenant_id = ${tenantId} AND external_id LIKE 'cond-web-%' ORDER BY id`).trim().split('\n');
  const web = webIds.map((id) => ({ key: id, attrs: randomAttrs() }));
  r = await admin.request('POST', '/api/residents/import', { raw: csvOf('resident_id', web), headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(r.json.imported, 100);
  assert.equal(r.json.created, 0);
  // Some blocked the account: left out unless include_blocked.
  const blocked = line.filter(() => rand() < 0.05).map((x) => `'${x.key}'`);
  sql(`UPDATE residents SET status = 'blocked' WHERE tenant_id = ${tenantId} AND external_id IN (${blocked.join(', ')})`);

  // The model: every resident of the tenant (the demo may have its own, without attributes).
  const attrsByKey = new Map([...line, ...web].map((x) => [x.key, x.attrs]));
  residents = sql(`SELECT id, channel, status, external_id FROM residents WHERE tenant_id = ${tenantId}`)
    .trim().split('\n').map((l) => {
      const [id, channel, status, ext] = l.split('\t');
      return { id: Number(id), channel, status, attrs: attrsByKey.get(ext) ?? attrsByKey.get(id) ?? {} };
    });
  assert.ok(residents.length >= 2000);
});
after(async () => { await srv?.cleanup(); });

const count = (condition, extra = {}) => admin.post('/api/residents/count', { condition, ...extra });

test('hand-picked conditions count what JavaScript counts', async () => {
  const conditions = [
    {},
    { attr: 'district', in: ['kita', 'minami'] },
    { attr: 'topics', has: 'bousai' },
    { not: { attr: 'topics', has: 'bousai' } },
    { attr: 'score', between: [1, 5] },
    { attr: 'score', between: [2.5, 2.5] },
    { attr: 'birth_date', age_between: [65, 120], on: '2027-04-01' },
    { attr: 'birth_date', age_between: [65, 120] },
    { attr: 'birth_date', age_between: [0, 0], on: '2027-02-28' },
    { attr: 'birth_date', age_between: [30, 30], on: '2028-02-29' },
    { attr: 'child_birth_date', age_between: [0, 5], on: '2027-04-01' },
    { attr: 'child_birth_date', age_between: [0, 5] },
    { attr: 'child_birth_date', exists: false },
    { attr: 'villager', exists: true },
    { channel: 'line' },
    { channel: 'web' },
    { all: [{ attr: 'district', has: 'kita' }, { any: [{ attr: 'topics', in: ['kosodate', 'kenko'] }, { attr: 'villager', has: 'yes' }] }] },
    { all: [] },
    { any: [] },
    { attr: 'tags', in: ['vip', 'moved'] },
  ];
  for (const c of conditions) {
    const r = await count(c);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.count, expected(c), JSON.stringify(c));
  }
  const all = await count({}, { include_blocked: true });
  assert.equal(all.json.count, expected({}, true));
  assert.ok(expected({}, true) > expected({}), 'some residents are blocked');
  // A choice may be named by its label too.
  assert.equal((await count({ attr: 'district', has: 'kita地区' })).json.count, expected({ attr: 'district', has: 'kita' }));
});

test('random condition trees count what JavaScript counts', async () => {
  let nonTrivial = 0;
  for (let i = 0; i < 30; i++) {
    const c = randomTree(4);
    const r = await count(c);
    assert.equal(r.status, 200, `${JSON.stringify(c)}: ${r.text}`);
    const want = expected(c);
    assert.equal(r.json.count, want, JSON.stringify(c));
    if (want > 0 && want < residents.length) nonTrivial++;
  }
  assert.ok(nonTrivial >= 10, `only ${nonTrivial} random conditions split the residents`);
});

test('29 February: a leap-day baby is a year older on 1 March of a common year, not on 28 February', async () => {
  sql(`INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES (${tenantId}, 'web', 'leap-baby', 'active', 0, 0)`);
  const id = sql(`SELECT id FROM residents WHERE external_id = 'leap-baby'`).trim();
  const r = await admin.request('POST', '/api/residents/import', { raw: `resident_id,birth_date\n${id},2024-02-29\n`, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  const only = (on, years) => ({ all: [{ attr: 'birth_date', age_between: [years, years], on }, { attr: 'birth_date', between: ['2024-02-29', '2024-02-29'] }] });
  assert.equal((await count(only('2025-02-28', 0))).json.count, 1);
  assert.equal((await count(only('2025-03-01', 1))).json.count, 1);
  assert.equal((await count(only('2028-02-28', 3))).json.count, 1);
  assert.equal((await count(only('2028-02-29', 4))).json.count, 1);
  sql(`DELETE FROM resident_attributes WHERE resident_id = ${id}`);
  sql(`DELETE FROM residents WHERE id = ${id}`);
});

test('bad conditions: 400 with a Japanese message and the field', async () => {
  const cases = [
    [{ attr: 'nope', has: 'x' }, 'condition/attr'],
    [{ all: [{ attr: 'district', has: 'kita' }, { attr: 'district', between: [1, 2] }] }, 'condition/all/1/between'],
    [{ attr: 'district', in: ['kita', 'atlantis'] }, 'condition/in/1'],
    [{ attr: 'score', has: 'three' }, 'condition/has'],
    [{ attr: 'birth_date', age_between: [5, 1] }, 'condition/age_between'],
    [{ attr: 'birth_date', age_between: [1, 5], on: '2027-02-30' }, 'condition/on'],
    [{ attr: 'score', between: [5, 1] }, 'condition/between'],
    [{ attr: 'district', has: 'kita', extra: 1 }, 'condition/extra'],
    [{ channel: 'fax' }, 'condition/channel'],
    [{ attr: 'district', in: Array.from({ length: 501 }, () => 'kita') }, 'condition/in'],
    [{ any: Array.from({ length: 201 }, () => ({ channel: 'line' })) }, null],
    [[1, 2], 'condition'],
  ];
  let deep = { channel: 'line' };
  for (let i = 0; i < 16; i++) deep = { not: deep };
  cases.push([deep, null]);
  for (const [c, field] of cases) {
    const r = await count(c);
    expectError(assert, r, 400, 'invalid_condition');
    assert.match(r.json.error.message, /[ぁ-んァ-ヶ一-龠]/, r.json.error.message);
    if (field) assert.equal(r.json.error.field, field, JSON.stringify(c).slice(0, 200));
  }
  // 15 levels of "not" are fine.
  let ok = { channel: 'line' };
  for (let i = 0; i < 15; i++) ok = { not: ok };
  assert.equal((await count(ok)).status, 200);
});
