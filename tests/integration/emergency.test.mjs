// Emergency sends (issue 13) against line-sim on one server: an alert system's token (missing,
// wrong, revoked, another town's: 401), a relay's retry with the same Idempotency-Key sends
// once, the emergency overtakes a running campaign's remaining batches (line-sim's message
// order), the disaster rich menu in one action and back, audit entries, bad bodies 4xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { startServer, freshDatabase, BACKEND, cli, expectError, Client } from './harness.mjs';
import { startLineSim, sleep } from './line-harness.mjs';

const N = 1001; // the ordinary campaign: batches of 500, 500, 1
const KITA = 5; // users[0..4] live in 北地区
const ORDINARY = '図書館だより 12月号';
const ALERT = '【避難指示】北地区に避難指示を発令しました。直ちに避難してください。';
let sim, srv, db, admin, users, residentIds;

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}

async function until(what, fn, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The alert system's call: no session, a bearer token and an idempotency key.
function relay(token, body, { key = 'jalert-1', code = 'demo', raw, headers = {} } = {}) {
  const h = { 'content-type': 'application/json', ...headers };
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  if (key != null) h['idempotency-key'] = key;
  return fetch(`${srv.base}/api/public/${code}/emergency`, { method: 'POST', headers: h, body: raw ?? JSON.stringify(body) })
    .then(async (r) => { const text = await r.text(); let json; try { json = JSON.parse(text); } catch {} return { status: r.status, text, json, headers: r.headers }; });
}

async function jobDone(url) {
  return until(`job ${url}`, async () => {
    const r = await admin.get(url);
    assert.equal(r.status, 200, r.text);
    return r.json.status === 'done' || r.json.status === 'dead' ? r.json : null;
  });
}

// One text's line-sim message (with its global seq) for a user, or undefined.
async function got(user, text) {
  return (await sim.messages(user, 0)).find((m) => m.from === 'bot' && m.message?.text === text);
}

before(async () => {
  sim = await startLineSim();
  await sim.settings({ hold: true });
  users = [];
  for (let i = 0; i < N; i += 100)
    users.push(...await Promise.all(Array.from({ length: Math.min(100, N - i) }, () => sim.createUser('住民'))));
  db = freshDatabase();
  // One multicast a second: the ordinary campaign is still running when the alert comes.
  srv = await startServer({ db, extra: ['--demo-line-sim', sim.base, '--line-multicast-per-second', '1'] });
  const rows = users.map((u) => `((SELECT id FROM tenants WHERE code = 'demo'), 'line', '${u}', 'active', 0, 0)`);
  sql(`INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES ${rows.join(',\n')};`);
  residentIds = sql(`SELECT id FROM residents WHERE channel = 'line' ORDER BY id;`).trim().split('\n').map(Number);
  admin = await srv.admin();
  const def = await admin.post('/api/resident-attributes', { key: 'district', label: '地区', type: 'choice', options: [{ value: '北', label: '北' }, { value: '南', label: '南' }] });
  assert.equal(def.status, 201, def.text);
  for (const id of residentIds.slice(0, KITA)) {
    const r = await admin.put(`/api/residents/${id}/attributes`, { values: { district: '北' } });
    assert.equal(r.status, 200, r.text);
  }
  cli(srv.db, ['tenant', 'create', '--code', 'other-town', '--name', '別の町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'other-town', '--email', 'admin@other.example', '--password-stdin'], 'other-town-password\n');
});

after(async () => {
  await srv?.stop();
  await sim?.stop();
  if (db) rmSync(db.dataDir, { recursive: true, force: true });
});

test('the alert system\'s token: shown once, hashed, 401 when missing, wrong, revoked or another town\'s', async () => {
  const created = await admin.post('/api/emergency/tokens', { label: 'J-Alert 中継' });
  assert.equal(created.status, 201, created.text);
  const token = created.json.token;
  assert.match(token, /^mgem_[A-Za-z0-9_-]{40,}$/);
  assert.equal(created.json.hint, token.slice(-4));
  // Never stored or listed in clear.
  assert.equal(sql(`SELECT COUNT(*) FROM emergency_tokens WHERE token_hash = '${token}' OR label = '${token}';`).trim(), '0');
  const listed = await admin.get('/api/emergency');
  assert.equal(listed.status, 200, listed.text);
  assert.ok(!listed.text.includes(token));
  assert.equal(listed.json.tokens[0].label, 'J-Alert 中継');

  const body = { text: '訓練：これはテストです' };
  expectError(assert, await relay(undefined, body), 401, 'unauthorized');
  expectError(assert, await relay('', body), 401, 'unauthorized');
  expectError(assert, await relay(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), body), 401, 'unauthorized');
  // The token of the other town does not open this one, nor this one's the other.
  const other = new Client(srv.base);
  assert.equal((await other.login('other-town', 'admin@other.example', 'other-town-password')).status, 200);
  const otherToken = (await other.post('/api/emergency/tokens', { label: '別の町' })).json.token;
  expectError(assert, await relay(otherToken, body), 401, 'unauthorized');
  expectError(assert, await relay(token, body, { code: 'other-town' }), 401, 'unauthorized');
  expectError(assert, await relay(token, body, { code: 'no-such-town' }), 401, 'unauthorized');
  // Rotated: the old token stops working, the new one works; revoked: nothing works.
  const rotated = await admin.post(`/api/emergency/tokens/${created.json.id}/rotate`, {});
  assert.equal(rotated.status, 201, rotated.text);
  expectError(assert, await relay(token, body), 401, 'unauthorized');
  const ok = await relay(rotated.json.token, { text: '訓練：これはテストです', districts: ['南'] }, { key: 'drill-1' });
  assert.equal(ok.status, 202, ok.text);
  assert.equal(ok.json.campaign.counts.targeted, 0); // nobody lives in 南 yet
  assert.equal((await admin.del(`/api/emergency/tokens/${rotated.json.id}`)).status, 200);
  expectError(assert, await relay(rotated.json.token, body, { key: 'drill-2' }), 401, 'unauthorized');
  expectError(assert, await admin.del(`/api/emergency/tokens/${rotated.json.id}`), 404, 'not_found');
  expectError(assert, await admin.post('/api/emergency/tokens/abc/rotate', {}), 404, 'not_found');
  // Nothing was queued by the refused calls: only the one accepted drill.
  assert.equal(sql(`SELECT COUNT(*) FROM emergency_sends;`).trim(), '1');
});

test('bad requests from the alert system: 4xx, nothing sent', async () => {
  const token = (await admin.post('/api/emergency/tokens', { label: '防災メール' })).json.token;
  expectError(assert, await relay(token, null, { raw: '{"text": "壊れた' }), 400, 'invalid_json');
  expectError(assert, await relay(token, null, { raw: '[1,2]' }), 400, 'invalid_json');
  expectError(assert, await relay(token, {}), 400, 'invalid');
  expectError(assert, await relay(token, { text: '   ' }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'あ'.repeat(5001) }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'x', districts: '北' }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'x', districts: [''] }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'x', districts: Array.from({ length: 101 }, (_, i) => `d${i}`) }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'x' }, { key: null }), 400, 'invalid');
  expectError(assert, await relay(token, { text: 'x' }, { key: 'k'.repeat(201) }), 400, 'invalid');
  // Deeply nested or over 64 KiB: refused before anything is parsed into a send.
  expectError(assert, await relay(token, null, { raw: `{"text":"x","a":${'['.repeat(50)}${']'.repeat(50)}}` }), 400);
  const big = await relay(token, { text: 'x', pad: 'p'.repeat(70 * 1024) });
  assert.equal(big.status, 413, big.text);
  assert.equal(sql(`SELECT COUNT(*) FROM emergency_sends;`).trim(), '1');
});

test('an emergency overtakes a running campaign; a relay\'s retry sends once; audited', async () => {
  const token = (await admin.post('/api/emergency/tokens', { label: 'L-Alert 中継' })).json.token;
  const c = await admin.post('/api/campaigns', { title: '図書館だより', messages: [{ type: 'text', text: ORDINARY }], audience: { kind: 'all' } });
  assert.equal(c.status, 201, c.text);
  assert.equal((await admin.post(`/api/campaigns/${c.json.id}/send`, {})).status, 202);
  // The first of its three batches has reached LINE; two are waiting for the pacing.
  await until('the first ordinary batch', async () => (await got(users[0], ORDINARY)));
  const count = await admin.post('/api/emergency/count', { districts: ['北'] });
  assert.equal(count.json.targeted, KITA);
  const sent = await relay(token, { text: ALERT, districts: ['北'] }, { key: 'lalert-2026-0001' });
  assert.equal(sent.status, 202, sent.text);
  assert.equal(sent.json.replayed, false);
  assert.equal(sent.json.campaign.counts.targeted, KITA);
  // The relay did not hear the answer and retries: the same send, nothing new queued.
  const again = await relay(token, { text: ALERT, districts: ['北'] }, { key: 'lalert-2026-0001' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.replayed, true);
  assert.equal(again.json.campaign_id, sent.json.campaign_id);
  // The same key for another text is a mistake, not a retry.
  expectError(assert, await relay(token, { text: '別の本文' }, { key: 'lalert-2026-0001' }), 409, 'conflict');

  const done = await until('both campaigns sent', async () => {
    const a = await admin.get(`/api/campaigns/${c.json.id}`);
    const e = await admin.get(`/api/campaigns/${sent.json.campaign_id}`);
    return a.json.status === 'sent' && e.json.status === 'sent' ? { a: a.json, e: e.json } : null;
  });
  assert.equal(done.a.counts.sent, N);
  assert.equal(done.e.counts.sent, KITA);
  // line-sim's global order: the alert reached 北 after the first ordinary batch and before
  // the residents of the second and third batches got the ordinary message.
  const alert = await got(users[0], ALERT);
  assert.ok(alert, 'the alert reached 北地区');
  assert.ok((await got(users[0], ORDINARY)).seq < alert.seq, 'the campaign was running');
  for (const u of [users[600], users[N - 1]])
    assert.ok((await got(u, ORDINARY)).seq > alert.seq, 'a waiting ordinary batch left before the alert');
  for (const u of users.slice(0, KITA))
    assert.equal((await sim.messages(u, 0)).filter((m) => m.message?.text === ALERT).length, 1);
  assert.equal(await got(users[KITA], ALERT), undefined, '南 / no district: no alert');

  const audit = (await admin.get('/api/audit?limit=100')).json.items;
  const send = audit.find((a) => a.action === 'emergency.send' && a.detail.source === 'api' && a.object_id === String(sent.json.campaign_id));
  assert.ok(send, JSON.stringify(audit.slice(0, 5)));
  assert.deepEqual(send.detail.districts, ['北']);
  assert.equal(send.detail.targeted, KITA);
  assert.ok(audit.some((a) => a.action === 'emergency.send.replayed'));
  for (const action of ['emergency.token.create', 'emergency.token.rotate', 'emergency.token.revoke'])
    assert.ok(audit.some((a) => a.action === action), action);
  // The KPI report counts both deliveries in this fiscal year (April–March, JST), plus the drill.
  const jstNow = new Date(Date.now() + 9 * 3600e3);
  const fy = jstNow.getUTCMonth() >= 3 ? jstNow.getUTCFullYear() : jstNow.getUTCFullYear() - 1;
  const report = await admin.get('/api/delivery-report/fiscal-years');
  assert.equal(report.status, 200, report.text);
  // (the FAQ figures of the same report are tested in kpi-faq.test.mjs)
  assert.deepEqual(report.json.items.map(({ faq, ...d }) => d), [{ fiscal_year: fy, deliveries: 3, targeted: N + KITA, sent: N + KITA, failed: 0 }]);
});

test('the console\'s one action: send to everyone and switch to the disaster menu; then back', async () => {
  const menu = { size: { width: 2500, height: 843 }, selected: true, name: '災害メニュー', chatBarText: '災害情報',
    areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: '避難所', text: '避難所' } }] };
  assert.equal((await admin.put('/api/line/rich-menus/disaster', { menu })).status, 201);
  expectError(assert, await admin.post('/api/emergency/sends', { text: ALERT, disaster_menu: 'no-such-menu' }), 404, 'not_found');
  expectError(assert, await admin.post('/api/emergency/sends', { text: '' }), 400, 'invalid');
  const r = await admin.post('/api/emergency/sends', { text: '【大雨特別警報】全域に発表されました', disaster_menu: 'disaster' });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.campaign.counts.targeted, N);
  assert.ok(r.json.menu?.job?.url, r.text);
  assert.equal((await jobDone(r.json.menu.job.url)).status, 'done');
  assert.equal((await sim.ok('GET', `/sim/users/${users[7]}/richmenu`)).richMenu?.name, '災害メニュー');
  const state = (await admin.get('/api/emergency')).json;
  assert.equal(state.rich_menu.switched_all, true);
  assert.ok(state.rich_menu.menus.includes('disaster'));
  assert.equal(state.sends[0].source, 'console');

  const back = await admin.post('/api/emergency/menu', { restore: true });
  assert.equal(back.status, 202, back.text);
  assert.equal((await jobDone(back.json.job.url)).status, 'done');
  assert.equal((await admin.get('/api/emergency')).json.rich_menu.switched_all, false);
  assert.notEqual((await sim.ok('GET', `/sim/users/${users[7]}/richmenu`)).richMenu?.name, '災害メニュー');
  expectError(assert, await admin.post('/api/emergency/menu', { restore: true }), 409, 'conflict');
  const actions = (await admin.get('/api/audit?limit=100')).json.items.map((a) => a.action);
  for (const a of ['emergency.send', 'emergency.menu_switch', 'emergency.menu_restore', 'line.rich_menu.switch_all'])
    assert.ok(actions.includes(a), a);
});

test('alert-system requests are rate-limited per address (429 with Retry-After)', async () => {
  // The limit is 60 a minute per address; earlier tests used some of this minute's.
  let last;
  for (let i = 0; i < 125; i++) {
    last = await relay('wrong', { text: 'x' });
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429, last.text);
  assert.ok(Number(last.headers.get('retry-after')) >= 1);
  assert.equal(last.json.error.code, 'rate_limited');
});
