// Issue 10 item 2: messages through one channel-neutral path. A web resident's status changes
// and correction requests reach their お知らせ (GET /api/public/{tenant}/my/messages); reading
// marks them read; nobody sees or marks another resident's or another municipality's messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, cli, expectError, BACKEND } from './harness.mjs';

let srv, admin, services;
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
});
after(async () => { await srv?.cleanup(); });

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [srv.db.url, '-X', '-q', '-At', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(srv.db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' });
}

const serviceId = (key) => services.find((s) => s.service_key === key).id;
const inbox = (resident, tenant = 'demo', query = '') => resident.get(`/api/public/${tenant}/my/messages${query}`);

// A 欠席連絡 submitted on the web by `resident`; returns its receipt and application id.
async function submitted(resident) {
  const start = await resident.post('/api/public/demo/chat', { service_id: serviceId('school-absence') });
  assert.equal(start.status, 201, start.text);
  let last;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
    { type: 'choice', value: 'confirm' },
  ]) {
    last = await resident.post(`/api/public/demo/chat/${start.json.session_id}/input`, input);
    assert.equal(last.status, 200, last.text);
  }
  const receipt = last.json.receipt_number;
  assert.ok(receipt, last.text);
  return { receipt, id: (await admin.get(`/api/applications?q=${receipt}`)).json.items[0].id };
}

// The notice is a job: wait until the inbox has `n` messages.
async function waitFor(resident, n) {
  for (let i = 0; i < 100; i++) {
    const r = await inbox(resident);
    assert.equal(r.status, 200, r.text);
    if (r.json.items.length >= n) return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`inbox did not reach ${n} messages`);
}

test('a status change and a correction request reach the web resident\'s inbox', async () => {
  const resident = srv.client();
  const { receipt, id } = await submitted(resident);
  // Nothing yet: submitting is not news.
  const empty = await inbox(resident);
  assert.deepEqual([empty.json.items, empty.json.unread], [[], 0]);

  const patched = await admin.patch(`/api/applications/${id}`, { status: 'in_progress' });
  assert.equal(patched.status, 200, patched.text);
  let box = await waitFor(resident, 1);
  const status = box.items[0];
  assert.equal(status.kind, 'status');
  assert.equal(status.application_id, id);
  assert.ok(status.text.includes(receipt) && status.text.includes('「処理中」'), status.text);
  assert.equal(status.link, '/t/demo/my');
  assert.equal(status.read, false);
  assert.equal(box.unread, 1);

  const corr = await admin.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  const c = corr.json.corrections.at(-1);
  box = await waitFor(resident, 2);
  const correction = box.items[0]; // newest first
  assert.equal(correction.kind, 'correction');
  assert.ok(correction.text.includes('組を確認してください') && correction.text.includes(receipt), correction.text);
  assert.equal(correction.link, `/t/demo/my/correction/${c.id}`);
  assert.equal(correction.link, c.resident_path);
  assert.equal(box.unread, 2);
  // The link opens the correction dialog on this device.
  const opened = await resident.post(`/api/public/demo/my/corrections/${c.id}/chat`, {});
  assert.equal(opened.status, 200, opened.text);

  // Reading one, then all.
  let read = await resident.post('/api/public/demo/my/messages/read', { ids: [status.id] });
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.json, { marked: 1, unread: 1 });
  assert.equal((await inbox(resident)).json.items.find((m) => m.id === status.id).read, true);
  read = await resident.post('/api/public/demo/my/messages/read', { all: true });
  assert.deepEqual(read.json, { marked: 1, unread: 0 });
  assert.equal((await inbox(resident)).json.unread, 0);
});

test('nobody sees or marks another resident\'s or another municipality\'s messages', async () => {
  const owner = srv.client();
  const { receipt, id } = await submitted(owner);
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'in_progress' })).status, 200);
  const mine = (await waitFor(owner, 1)).items[0];
  assert.ok(mine.text.includes(receipt));

  // Another resident of the same town (with messages of their own, so their row exists).
  const other = srv.client();
  const theirs = await submitted(other);
  assert.equal((await admin.patch(`/api/applications/${theirs.id}`, { status: 'done' })).status, 200);
  const otherBox = await waitFor(other, 1);
  assert.ok(!JSON.stringify(otherBox).includes(receipt), 'another resident sees the owner\'s message');
  const tried = await other.post('/api/public/demo/my/messages/read', { ids: [mine.id] });
  assert.equal(tried.status, 200, tried.text);
  assert.equal(tried.json.marked, 0);
  assert.equal((await inbox(owner)).json.items.find((m) => m.id === mine.id).read, false);

  // The owner's device under another municipality's code finds nothing and marks nothing.
  cli(srv.db, ['tenant', 'create', '--code', 'msg-b', '--name', 'メッセ町']);
  const forged = await inbox(owner, 'msg-b');
  assert.equal(forged.status, 200, forged.text);
  assert.deepEqual([forged.json.items, forged.json.unread], [[], 0]);
  const forgedRead = await owner.post('/api/public/msg-b/my/messages/read', { all: true });
  assert.deepEqual(forgedRead.json, { marked: 0, unread: 0 });
  assert.equal((await inbox(owner)).json.unread, 1);
  // No cookie at all: an empty inbox; an unknown municipality: 404.
  assert.deepEqual((await inbox(srv.client())).json.items, []);
  expectError(assert, await inbox(owner, 'no-such-town'), 404);
});

test('pages are bounded, newest first, and bad input is refused', async () => {
  const resident = srv.client();
  const { id } = await submitted(resident);
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'in_progress' })).status, 200);
  await waitFor(resident, 1);
  // 60 more messages for this resident, as a campaign would leave them.
  const rid = Number(sql(`SELECT resident_id FROM applications WHERE id = ${id}`).trim());
  const tid = Number(sql("SELECT id FROM tenants WHERE code = 'demo'").trim());
  const values = Array.from({ length: 60 }, (_, i) => `(${tid}, ${rid}, 'notice', 't', 'bulk ${i}', '', ${Date.now()})`).join(', ');
  sql(`INSERT INTO resident_messages(tenant_id, resident_id, kind, title, text, link, created_at) VALUES ${values}`);

  const first = (await inbox(resident)).json;
  assert.equal(first.items.length, 20); // the default page
  assert.equal(first.items[0].text, 'bulk 59');
  assert.equal(first.unread, 61);
  const ids = first.items.map((m) => m.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const page = (await inbox(resident, 'demo', '?limit=50')).json;
  assert.equal(page.items.length, 50);
  const rest = (await inbox(resident, 'demo', `?limit=50&before=${page.next_before}`)).json;
  assert.equal(rest.items.length, 11);
  assert.equal(rest.items.at(-1).kind, 'status');
  assert.equal(rest.next_before, null);

  for (const q of ['?limit=0', '?limit=51', '?limit=abc', '?before=-1', '?before=1e3', '?before=99999999999999999999'])
    expectError(assert, await inbox(resident, 'demo', q), 400);
  const read = (body, opts) => resident.post('/api/public/demo/my/messages/read', body, opts);
  for (const body of [{}, { ids: [] }, { ids: [0] }, { ids: ['1'] }, { ids: [1.5] }, { all: false }, { ids: Array.from({ length: 101 }, (_, i) => i + 1) }, []])
    expectError(assert, await read(body), 400);
  // A form post (no preflight) is refused like the chat's.
  expectError(assert, await resident.request('POST', '/api/public/demo/my/messages/read', { raw: 'all=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
  assert.equal((await inbox(resident)).json.unread, 61, 'a refused call marked something');
});
