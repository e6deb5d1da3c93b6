// Saved segments (residents/segments.*) and the composer's deliveries: segment CRUD per tenant
// (cross-tenant 404, bad conditions 400 with the node, oversize 413, duplicate names 409), the
// count with blocked residents shown apart, and a delivery to a segment with a per-resident
// variable ({地区}) arriving on exactly the matching line-sim residents, each with their own
// district, and in the matching web residents' inbox. One server, one line-sim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, freshDatabase, cli, Client, BACKEND, expectError } from './harness.mjs';
import { startLineSim, sleep } from './line-harness.mjs';

const children = [];
after(async () => {
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
});

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}

async function until(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('segments: CRUD per tenant, checked conditions, counts with blocked apart, personalised delivery', async () => {
  const sim = await startLineSim();
  children.push(sim);
  await sim.settings({ hold: true });
  const db = freshDatabase();
  const srv = await startServer({ db, extra: ['--demo-line-sim', sim.base] });
  children.push(srv);
  const admin = await srv.admin();

  // Attributes: 地区 (choice) and 子の生年月日 (date, several).
  for (const body of [
    { key: 'district', label: '地区', type: 'choice', options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }] },
    { key: 'child_birth_date', label: '子の生年月日', type: 'date', multiple: true },
    { key: 'care', label: '要配慮', type: 'tag' },
  ]) assert.equal((await admin.post('/api/resident-attributes', body)).status, 201);

  // Residents: 4 LINE (kita+child, minami+child, kita without child, blocked kita+child), 2 web.
  const users = [];
  for (let i = 0; i < 4; i++) users.push(await sim.createUser(`住民${i}`));
  const statuses = ['active', 'active', 'active', 'blocked'];
  sql(db, `INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES ${[
    ...users.map((u, i) => `((SELECT id FROM tenants WHERE code = 'demo'), 'line', '${u}', '${statuses[i]}', 0, 0)`),
    `((SELECT id FROM tenants WHERE code = 'demo'), 'web', 'seg-web-1', 'active', 0, 0)`,
    `((SELECT id FROM tenants WHERE code = 'demo'), 'web', 'seg-web-2', 'active', 0, 0)`,
  ].join(',')};`);
  const ids = sql(db, "SELECT id FROM residents WHERE external_id LIKE 'U%' OR external_id LIKE 'seg-web-%' ORDER BY id;").trim().split('\n').map(Number);
  assert.equal(ids.length, 6);
  const thisYear = new Date().getUTCFullYear();
  const child = `${thisYear - 2}-01-15`;
  const values = [
    { district: 'kita', child_birth_date: [child] },
    { district: 'minami', child_birth_date: [`${thisYear - 30}-01-01`, child] },
    { district: 'kita' },
    { district: 'kita', child_birth_date: [child] },
    { district: 'minami', child_birth_date: [child] },
    { district: 'kita' },
  ];
  for (let i = 0; i < ids.length; i++) {
    const r = await admin.put(`/api/residents/${ids[i]}/attributes`, { values: values[i] });
    assert.equal(r.status, 200, r.text);
  }

  const families = { attr: 'child_birth_date', age_between: [0, 5] };
  // Count: blocked residents are left out and reported apart; active split by channel.
  const count = await admin.post('/api/residents/count', { condition: families });
  assert.equal(count.status, 200, count.text);
  assert.deepEqual(count.json, { count: 3, blocked: 1, active: { line: 2, web: 1 } });

  // Create, read, list (with the attributes a condition may name), rename, delete.
  const created = await admin.post('/api/segments', { name: ' 子育て世帯 ', condition: families });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.name, '子育て世帯');
  assert.deepEqual(created.json.condition, families);
  const id = created.json.id;
  const list = await admin.get('/api/segments');
  assert.deepEqual(list.json.items.map((s) => s.name), ['子育て世帯']);
  assert.deepEqual(list.json.attributes.map((a) => a.key), ['district', 'child_birth_date', 'care']);
  expectError(assert, await admin.post('/api/segments', { name: '子育て世帯', condition: {} }), 409, 'conflict');
  const renamed = await admin.put(`/api/segments/${id}`, { name: '子育て世帯（0〜5歳）', condition: families });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await admin.get(`/api/segments/${id}`)).json.name, '子育て世帯（0〜5歳）');

  // Bad input: the field names the node; nothing is stored.
  const bad = [
    [{ name: '', condition: {} }, 400, 'name'],
    [{ name: 'x'.repeat(51), condition: {} }, 400, 'name'],
    [{ name: 'x' }, 400, 'condition'],
    [{ name: 'x', condition: { attr: 'nope', has: 'a' } }, 400, 'condition/attr'],
    [{ name: 'x', condition: { all: [{ attr: 'district', in: ['kita', 'atlantis'] }] } }, 400, 'condition/all/0/in/1'],
    [{ name: 'x', condition: { attr: 'district', between: [1, 2] } }, 400, 'condition/between'],
  ];
  for (const [body, status, field] of bad) {
    const r = await admin.post('/api/segments', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  // Oversize: over 64 KiB of condition is refused before it is parsed.
  const huge = { name: 'huge', condition: { any: Array.from({ length: 3000 }, (_, i) => ({ attr: 'district', has: `kita-${i}-${'x'.repeat(20)}` })) } };
  expectError(assert, await admin.post('/api/segments', huge), 413);
  expectError(assert, await admin.post('/api/segments', { name: 'deep', condition: JSON.parse('{"not":'.repeat(50) + '{}' + '}'.repeat(50)) }), 400);
  assert.equal((await admin.get('/api/segments')).json.items.length, 1);

  // Another town sees none of it and cannot touch it.
  cli(srv.db, ['tenant', 'create', '--code', 'seg-b', '--name', 'セグ町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'seg-b', '--email', 'b@seg-b.example', '--password-stdin'], 'seg-b-password\n');
  const b = new Client(srv.base);
  assert.equal((await b.login('seg-b', 'b@seg-b.example', 'seg-b-password')).status, 200);
  assert.deepEqual((await b.get('/api/segments')).json, { items: [], attributes: [] });
  expectError(assert, await b.get(`/api/segments/${id}`), 404);
  expectError(assert, await b.put(`/api/segments/${id}`, { name: 'B', condition: {} }), 404);
  expectError(assert, await b.del(`/api/segments/${id}`), 404);
  // B has no 地区: A's condition does not fit B's definitions.
  expectError(assert, await b.post('/api/segments', { name: 'A の条件', condition: families }), 400, 'invalid_condition');
  assert.equal((await admin.get(`/api/segments/${id}`)).json.name, '子育て世帯（0〜5歳）');

  // A delivery to the segment with {地区}: unknown variables and tags are refused.
  const campaign = (text) => ({ title: '健診のお知らせ', messages: [{ type: 'text', text }, { type: 'template', template: { type: 'buttons', title: '健診', text: '予約はこちら', actions: [{ type: 'uri', label: '予約する', uri: 'https://example.jp/kenshin' }] } }], audience: { kind: 'condition', condition: created.json.condition } });
  expectError(assert, await admin.post('/api/campaigns', campaign('{氏名}さん')), 400);
  expectError(assert, await admin.post('/api/campaigns', campaign('{要配慮}')), 400);
  const c = await admin.post('/api/campaigns', campaign('{地区}の子育て世帯の皆さまへ'));
  assert.equal(c.status, 201, c.text);
  const sent = await admin.post(`/api/campaigns/${c.json.id}/send`, {});
  assert.equal(sent.status, 202, sent.text);
  assert.equal(sent.json.counts.targeted, 2);
  const done = await until('sent', async () => {
    const r = await admin.get(`/api/campaigns/${c.json.id}`);
    return r.json.status === 'sent' ? r.json : null;
  });
  // Two districts: two multicasts.
  assert.deepEqual(done.counts, { targeted: 2, queued: 2, sent: 2, failed: 0, batches: 2 });
  assert.equal(done.excluded_blocked, 1);  // the blocked family on LINE
  const got = await Promise.all(users.map((u) => sim.messages(u, 0)));
  const texts = got.map((ms) => ms.filter((m) => m.from === 'bot' && m.message?.type === 'text').map((m) => m.message.text));
  assert.deepEqual(texts, [['北地区の子育て世帯の皆さまへ'], ['南地区の子育て世帯の皆さまへ'], [], []]);
  assert.equal(got[0].filter((m) => m.message?.type === 'template').length, 1);
  const inbox = sql(db, `SELECT resident_id, text FROM resident_messages WHERE kind = 'notice' ORDER BY resident_id;`).trim();
  assert.equal(inbox, `${ids[4]}|南地区の子育て世帯の皆さまへ\n\n健診\n予約はこちら\n予約する: https://example.jp/kenshin`);

  // Deleted: gone.
  assert.equal((await admin.del(`/api/segments/${id}`)).status, 200);
  expectError(assert, await admin.get(`/api/segments/${id}`), 404);
});
