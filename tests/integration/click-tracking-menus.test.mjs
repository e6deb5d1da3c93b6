// Segment delivery tracking and rich menus per segment (issue 13), against line-sim:
//  - a campaign sent with track_clicks reaches each LINE resident with their own /r/{token}
//    links (text URL and card link); GET /r/{token} redirects to the stored URL only and counts
//    once per recipient (unique) and every time (total); an unknown or malformed token is 404;
//  - the delivery report shows clicks per link and the block rate (a resident who blocked after
//    the delivery);
//  - rich menus by saved segment: the rules link exactly the matching line-sim residents, an
//    attribute change moves a resident to the other menu, disaster mode (switch-all) wins, and
//    a "switch menu" tap links that resident to the other menu.
// One server, one line-sim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BACKEND, expectError } from './harness.mjs';
import { startStack, waitMessages, sleep } from './line-harness.mjs';

let stack;
after(async () => {
  await stack?.srv.stop();
  await stack?.sim.stop();
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

const menu = (label) => ({
  size: { width: 2500, height: 843 }, selected: true, name: label, chatBarText: label,
  areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label, text: label } }],
});

test('tracked links, block rate, and rich menus per segment', async () => {
  stack = await startStack();
  const { sim, srv, db } = stack;
  const admin = await srv.admin();
  assert.equal((await admin.post('/api/resident-attributes', {
    key: 'district', label: '地区', type: 'choice',
    options: [{ value: 'kita', label: '北地区' }, { value: 'minami', label: '南地区' }],
  })).status, 201);
  const users = [];
  for (let i = 0; i < 4; i++) users.push(await sim.createUser(`住民${i}`));
  // Their follow events make them LINE residents.
  const ids = await until('residents', () => {
    const rows = sql(db, `SELECT external_id || ' ' || id FROM residents WHERE channel = 'line';`).trim().split('\n').filter(Boolean);
    return rows.length === 4 ? Object.fromEntries(rows.map((r) => r.split(' '))) : null;
  });
  const districts = ['kita', 'kita', 'minami', 'minami'];
  for (let i = 0; i < 4; i++)
    assert.equal((await admin.put(`/api/residents/${ids[users[i]]}/attributes`, { values: { district: districts[i] } })).status, 200);

  // A web resident of 北地区 too: their inbox copy carries their own tracked links.
  const tenant = Number(sql(db, "SELECT id FROM tenants WHERE code = 'demo';").trim());
  const webId = Number(sql(db, `INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) VALUES (${tenant}, 'web', 'click-web', 'active', 0, 0) RETURNING id;`).trim());
  sql(db, `INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at) VALUES (${tenant}, ${webId}, 'web', 'click-web', 0);`);
  assert.equal((await admin.put(`/api/residents/${webId}/attributes`, { values: { district: 'kita' } })).status, 200);

  // ---- click tracking ----
  const TARGET = 'https://www.example.jp/kosodate?x=1';
  const CARD = 'https://www.example.jp/apply';
  const seqs = await Promise.all(users.map(async (u) => (await sim.messages(u, 0)).length));
  const created = await admin.post('/api/campaigns', {
    title: '子育て情報',
    track_clicks: true,
    messages: [
      { type: 'text', text: `子育て支援のお知らせ。詳しくは ${TARGET} をご覧ください。` },
      { type: 'template', template: { type: 'buttons', text: '申請はこちら', actions: [{ type: 'uri', label: '申請', uri: CARD }] } },
    ],
    audience: { kind: 'condition', condition: { attr: 'district', in: ['kita'] } },
  });
  assert.equal(created.status, 201, created.text);
  const cid = created.json.id;
  // Tracking without any link, and a non-boolean flag, are refused.
  expectError(assert, await admin.post('/api/campaigns', { title: 'x', track_clicks: true, messages: [{ type: 'text', text: 'リンクなし' }], audience: { kind: 'all' } }), 400, 'invalid');
  expectError(assert, await admin.post('/api/campaigns', { title: 'x', track_clicks: 'yes', messages: [{ type: 'text', text: 'a' }], audience: { kind: 'all' } }), 400, 'invalid');
  assert.equal((await admin.post(`/api/campaigns/${cid}/send`, {})).status, 202);
  await until('campaign sent', async () => (await admin.get(`/api/campaigns/${cid}`)).json.status === 'sent');

  const got = [];
  for (let i = 0; i < 2; i++) {
    const ms = await waitMessages(sim, users[i], seqs[i], { until: (m) => m.filter((x) => x.from === 'bot').length >= 2 });
    const text = ms.find((m) => m.message?.type === 'text' && /子育て支援/.test(m.message.text)).message.text;
    const card = ms.find((m) => m.message?.type === 'template').message.template.actions[0].uri;
    const link = text.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]+/)[0];
    assert.ok(!text.includes(TARGET), 'the original URL is replaced');
    assert.match(card, /\/r\/[A-Za-z0-9_-]{32}$/);
    got.push({ link, card });
  }
  // minami residents got nothing.
  for (let i = 2; i < 4; i++)
    assert.equal((await sim.messages(users[i], seqs[i])).filter((m) => /子育て支援/.test(m.message?.text ?? '')).length, 0);
  // Per recipient and per link: four different tokens, no resident id or user id in them.
  const all = got.flatMap((g) => [g.link, g.card]);
  assert.equal(new Set(all).size, 4);
  for (const u of all) for (const uid of users) assert.ok(!u.includes(uid));

  // The web resident's inbox copy: both links replaced by their own tokens.
  const inboxText = sql(db, `SELECT text FROM resident_messages WHERE tenant_id = ${tenant} AND resident_id = ${webId};`);
  assert.match(inboxText, /子育て支援/);
  assert.ok(!inboxText.includes(TARGET) && !inboxText.includes(CARD), 'the web copy is tracked too');
  const webLinks = inboxText.match(/https?:\/\/\S+?\/r\/[A-Za-z0-9_-]{32}/g);
  assert.equal(webLinks.length, 2);
  for (const u of webLinks) assert.ok(!all.includes(u));

  const open = (url) => fetch(url, { redirect: 'manual' });
  assert.equal((await open(webLinks[0])).headers.get('location'), TARGET);
  let r = await open(got[0].link);
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), TARGET);
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  r = await open(got[0].link);
  assert.equal(r.headers.get('location'), TARGET);
  assert.equal((await open(got[1].card)).headers.get('location'), CARD);
  // A query string or extra path cannot steer the redirect: the stored URL only.
  r = await open(`${got[0].link}?url=https://evil.example/`);
  assert.equal(r.headers.get('location'), TARGET);
  r = await open(`${srv.base}/r/https%3A%2F%2Fevil.example%2F`);
  assert.equal(r.status, 404);
  r = await open(`${srv.base}/r/${'A'.repeat(32)}`);
  assert.equal(r.status, 404);
  r = await open(`${srv.base}/r/`);
  assert.notEqual(r.status, 302);

  // A kita resident blocks the account after the delivery.
  await sim.ok('POST', `/sim/users/${users[1]}/block`);
  await until('blocked', () => sql(db, `SELECT status FROM residents WHERE id = ${ids[users[1]]};`).trim() === 'blocked');

  const rep = await admin.get(`/api/campaigns/${cid}/report`);
  assert.equal(rep.status, 200, rep.text);
  assert.equal(rep.json.tracked, true);
  assert.deepEqual(rep.json.links.map((l) => [l.position, l.url, l.recipients, l.unique_clicks, l.total_clicks]),
    [[1, TARGET, 3, 2, 4], [2, CARD, 3, 1, 1]]);
  assert.equal(rep.json.block_rate.days, 7);
  assert.equal(rep.json.block_rate.blocked, 1);
  assert.equal(rep.json.block_rate.sent, 2);
  assert.equal(rep.json.block_rate.rate, 0.5);
  expectError(assert, await admin.get(`/api/campaigns/${cid}/report?days=99`), 400, 'invalid');
  expectError(assert, await admin.get('/api/campaigns/999999/report'), 404);

  // ---- rich menus per segment ----
  for (const [name, label] of [['kita-menu', '北メニュー'], ['minami-menu', '南メニュー'], ['disaster', '災害']])
    assert.equal((await admin.put(`/api/line/rich-menus/${name}`, { menu: menu(label) })).status, 201);
  const seg = async (name, v) => (await admin.post('/api/segments', { name, condition: { attr: 'district', in: [v] } })).json.id;
  const kita = await seg('北地区', 'kita');
  const minami = await seg('南地区', 'minami');
  expectError(assert, await admin.put('/api/line/rich-menu-rules', { rules: [{ segment_id: 999999, menu: 'kita-menu' }] }), 400, 'invalid');
  expectError(assert, await admin.put('/api/line/rich-menu-rules', { rules: [{ segment_id: kita, menu: 'nope' }] }), 400, 'invalid');
  expectError(assert, await admin.put('/api/line/rich-menu-rules', { rules: 'x' }), 400, 'invalid');
  const put = await admin.put('/api/line/rich-menu-rules', { rules: [{ segment_id: kita, menu: 'kita-menu' }, { segment_id: minami, menu: 'minami-menu' }] });
  assert.equal(put.status, 202, put.text);
  assert.deepEqual(put.json.rules.map((x) => [x.segment, x.menu]), [['北地区', 'kita-menu'], ['南地区', 'minami-menu']]);
  const job = async (url) => until('job', async () => { const j = (await admin.get(url)).json; return ['done', 'dead'].includes(j.status) ? j : null; });
  assert.equal((await job(put.json.job.url)).status, 'done');
  const shown = async (u) => (await sim.ok('GET', `/sim/users/${u}/richmenu`)).richMenu?.name ?? null;
  // users[1] blocked: not linked (LINE shows it the default menu).
  const before = await Promise.all(users.map(shown));
  assert.deepEqual([before[0], before[2], before[3]], ['北メニュー', '南メニュー', '南メニュー']);
  assert.ok(!['北メニュー', '南メニュー'].includes(before[1]), before[1]);
  assert.deepEqual((await admin.get('/api/line/rich-menu-rules')).json.rules.map((x) => x.segment_id), [kita, minami]);

  // An attribute change moves the resident to the other segment's menu.
  assert.equal((await admin.put(`/api/residents/${ids[users[2]]}/attributes`, { values: { district: 'kita' } })).status, 200);
  await until('menu follows the attribute', async () => (await shown(users[2])) === '北メニュー');

  // Disaster mode wins over the segment menus; the change made meanwhile is applied on restore.
  const sw = await admin.post('/api/line/rich-menus/switch-all', { name: 'disaster' });
  assert.equal(sw.status, 202, sw.text);
  assert.equal((await job(sw.json.job.url)).status, 'done');
  assert.deepEqual(await Promise.all([0, 2, 3].map((i) => shown(users[i]))), ['災害', '災害', '災害']);
  assert.equal((await admin.put(`/api/residents/${ids[users[3]]}/attributes`, { values: { district: 'kita' } })).status, 200);
  await sleep(300);
  assert.equal(await shown(users[3]), '災害');
  const back = await admin.post('/api/line/rich-menus/switch-all', { restore: true });
  assert.equal((await job(back.json.job.url)).status, 'done');
  await until('rules after restore', async () => (await shown(users[3])) === '北メニュー');
  assert.deepEqual(await Promise.all([0, 2, 3].map((i) => shown(users[i]))), ['北メニュー', '北メニュー', '北メニュー']);

  // A "switch menu" area: the tap links that resident alone to the other menu; an unknown menu
  // is answered in words and changes nothing.
  await sim.ok('POST', `/sim/users/${users[0]}/postback`, { data: `mg=c&x=${encodeURIComponent('menu:minami-menu')}` });
  await until('switched by the tap', async () => (await shown(users[0])) === '南メニュー');
  assert.equal(await shown(users[2]), '北メニュー');
  const seq = (await sim.messages(users[2], 0)).length;
  await sim.ok('POST', `/sim/users/${users[2]}/postback`, { data: `mg=c&x=${encodeURIComponent('menu:nope')}` });
  const said = await waitMessages(sim, users[2], seq, { until: (ms) => ms.some((m) => /そのメニューは今は使えません/.test(m.message?.text ?? '')) });
  assert.ok(said.some((m) => /そのメニューは今は使えません/.test(m.message?.text ?? '')));
  assert.equal(await shown(users[2]), '北メニュー');
});
