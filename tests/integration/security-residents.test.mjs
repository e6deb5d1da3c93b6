// Residents' side of the security review: device cookies only from the server (finding 9),
// uploads only into a chat session at a photo step, with quotas and clean-up (finding 6),
// spreadsheet formulas neutralised in the CSV export (finding 11), HEAD without audit (12).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, expectError } from './harness.mjs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);

let srv, admin, services;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
});
after(async () => { await srv?.cleanup(); });

const serviceId = (key, list = services) => list.find((s) => s.service_key === key).id;
const residentCount = async (a = admin) => (await a.get('/api/dashboard')).json.counts.residents;
const setCookieOf = (r) => r.headers.getSetCookie().find((c) => c.startsWith('mg_device='));

async function startChat(resident, key, list = services) {
  const r = await resident.post('/api/public/demo/chat', { service_id: serviceId(key, list) });
  assert.equal(r.status, 201, r.text);
  return r.json.session_id;
}
const say = (resident, session, input) => resident.post(`/api/public/demo/chat/${session}/input`, input);
async function sayOk(resident, session, input) {
  const r = await say(resident, session, input);
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.json.prompts.some((p) => p.type === 'error'), JSON.stringify(r.json.prompts));
  return r;
}
const upload = (resident, session, body = PNG, type = 'image/png') =>
  resident.request('POST', `/api/public/demo/chat/${session}/attachments?filename=p.png`, { raw: body, headers: { 'content-type': type } });

// 道路・公園の損傷の連絡 up to its photo step.
async function roadDamageAtPhoto(resident, list = services) {
  const s = await startChat(resident, 'road-damage', list);
  await sayOk(resident, s, { type: 'choice', value: 'pothole' });
  return s;
}

async function completeSchoolAbsence(resident, name = '魚津 ゆい') {
  const s = await startChat(resident, 'school-absence');
  for (const input of [
    { type: 'text', text: name },
    { type: 'text', text: '３年２組' },
    { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' },
    { type: 'choice', value: 'sick' },
    { type: 'choice', value: '__skip__' },
  ]) await sayOk(resident, s, input);
  const done = await sayOk(resident, s, { type: 'choice', value: 'confirm' });
  assert.ok(done.json.receipt_number);
  return done.json.receipt_number;
}

// ---- finding 9: device cookies -------------------------------------------------------------

test('a made-up mg_device cookie is replaced by a new one and never becomes an identity', async () => {
  const forged = randomBytes(24).toString('base64url');
  const victim = srv.client();
  victim.cookies.set('mg_device', forged);
  const r = await victim.post('/api/public/demo/chat', { service_id: serviceId('school-absence') });
  assert.equal(r.status, 201, r.text);
  const set = setCookieOf(r);
  assert.ok(set, 'a fresh cookie must be issued for an unknown one');
  assert.notEqual(victim.cookies.get('mg_device'), forged);
  assert.match(set, /HttpOnly/);

  const receipt = await completeSchoolAbsence(victim);
  const mine = await victim.get('/api/public/demo/my/applications');
  assert.ok(mine.json.items.some((a) => a.receipt_number === receipt));

  // Whoever planted the value sees nothing, and their browser is told to drop it.
  const planter = srv.client();
  planter.cookies.set('mg_device', forged);
  const theirs = await planter.get('/api/public/demo/my/applications');
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.json.items, []);
  assert.match(setCookieOf(theirs) ?? '', /Max-Age=0/);
});

test('an unknown cookie on a read creates no resident', async () => {
  const before = await residentCount();
  const c = srv.client();
  c.cookies.set('mg_device', randomBytes(24).toString('base64url'));
  assert.deepEqual((await c.get('/api/public/demo/my/applications')).json.items, []);
  expectError(assert, await c.get('/api/public/demo/chat/whatever'), 404);
  assert.equal(await residentCount(), before);
});

test('a cookie the server issued keeps working', async () => {
  const resident = srv.client();
  await startChat(resident, 'school-absence');
  const issued = resident.cookies.get('mg_device');
  assert.ok(issued);
  const receipt = await completeSchoolAbsence(resident);
  const again = await resident.post('/api/public/demo/chat', { service_id: serviceId('school-absence') });
  assert.equal(again.status, 201);
  assert.equal(setCookieOf(again), undefined, 'no new cookie for a known device');
  assert.equal(resident.cookies.get('mg_device'), issued);
  const mine = await resident.get('/api/public/demo/my/applications');
  assert.ok(mine.json.items.some((a) => a.receipt_number === receipt));
});

// ---- finding 6: uploads ---------------------------------------------------------------------

test('an upload without a chat session is refused and creates no resident', async () => {
  const before = await residentCount();
  for (let i = 0; i < 3; i++) {
    const old = await srv.client().request('POST', '/api/public/demo/attachments?filename=a.png', { raw: PNG, headers: { 'content-type': 'image/png' } });
    assert.ok(old.status >= 400 && old.status < 500, `expected 4xx, got ${old.status}`);
    expectError(assert, await upload(srv.client(), 'no-such-session'), 404, 'not_found');
  }
  // A known device naming a session that is not its own.
  const owner = srv.client();
  const s = await roadDamageAtPhoto(owner);
  const other = srv.client();
  await startChat(other, 'school-absence');
  expectError(assert, await upload(other, s), 404, 'not_found');
  assert.equal(await residentCount(), before + 2);  // owner and other, from their chats only
});

test('an upload at a step that does not ask for a photo is refused', async () => {
  const resident = srv.client();
  const s = await startChat(resident, 'school-absence');
  expectError(assert, await upload(resident, s), 409, 'not_photo_step');
  const road = await startChat(resident, 'road-damage');  // at the category choice
  expectError(assert, await upload(resident, road), 409, 'not_photo_step');
  await sayOk(resident, road, { type: 'command', command: 'quit' });
  expectError(assert, await upload(resident, road), 409);
});

test('uploads still check the file itself', async () => {
  const resident = srv.client();
  const s = await roadDamageAtPhoto(resident);
  expectError(assert, await upload(resident, s, Buffer.from('not an image')), 400);
  expectError(assert, await upload(resident, s, PNG, 'application/pdf'), 415);
});

test('the road-damage photo flow works and the claimed photo is kept with the application', async () => {
  const resident = srv.client();
  const s = await roadDamageAtPhoto(resident);
  const up = await upload(resident, s);
  assert.equal(up.status, 201, up.text);
  const id = up.json.attachment_id;
  await sayOk(resident, s, { type: 'photo', attachment_id: id });
  await sayOk(resident, s, { type: 'location', lat: 36.82, lng: 137.41 });
  await sayOk(resident, s, { type: 'text', text: 'スキップ' });
  await sayOk(resident, s, { type: 'choice', value: 'no' });
  const done = await sayOk(resident, s, { type: 'choice', value: 'confirm' });
  const receipt = done.json.receipt_number;
  assert.ok(receipt);
  const app = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0];
  const detail = (await admin.get(`/api/applications/${app.id}`)).json;
  assert.deepEqual(detail.attachments.map((a) => a.id), [id]);
  const img = await admin.get(`/api/attachments/${id}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
});

test('daily upload quotas per device and per address answer 429 in Japanese', async () => {
  const q = await startServer({ extra: ['--upload-daily-count', '2'] });
  try {
    const qa = await q.admin();
    const list = (await qa.get('/api/services')).json.items;
    const resident = q.client();
    const s = await roadDamageAtPhoto(resident, list);
    assert.equal((await upload(resident, s)).status, 201);
    assert.equal((await upload(resident, s)).status, 201);
    const over = await upload(resident, s);
    expectError(assert, over, 429, 'quota_exceeded');
    assert.match(over.json.error.message, /上限/);
    // A refused upload does not count: the device stays at its limit, no more.
    expectError(assert, await upload(resident, s), 429, 'quota_exceeded');
    // The address allows ten times the device quota (20): nine more devices fill it.
    for (let i = 0; i < 9; i++) {
      const other = q.client();
      const os = await roadDamageAtPhoto(other, list);
      assert.equal((await upload(other, os)).status, 201);
      assert.equal((await upload(other, os)).status, 201);
    }
    const last = q.client();
    const ls = await roadDamageAtPhoto(last, list);
    expectError(assert, await upload(last, ls), 429, 'quota_exceeded');
  } finally {
    await q.cleanup();
  }
});

test('uploads no application claims are removed by the clean-up job', async () => {
  const q = await startServer({ extra: ['--upload-unclaimed-seconds', '1'] });
  try {
    const qa = await q.admin();
    const list = (await qa.get('/api/services')).json.items;
    const resident = q.client();
    const s = await roadDamageAtPhoto(resident, list);
    const up = await upload(resident, s);
    assert.equal(up.status, 201);
    const id = up.json.attachment_id;
    let status = 200;
    const deadline = Date.now() + 15000;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await qa.get(`/api/attachments/${id}`)).status;
    }
    assert.equal(status, 404, 'the unclaimed upload should be gone');
    // The resident cannot answer with it any more; a new upload still works.
    const late = await say(resident, s, { type: 'photo', attachment_id: id });
    assert.equal(late.json.prompts[0].type, 'error');
    assert.equal((await upload(resident, s)).status, 201);
  } finally {
    await q.cleanup();
  }
});

// ---- finding 11: CSV formulas ---------------------------------------------------------------

test('CSV export guards cells that a spreadsheet would read as formulas', async () => {
  const resident = srv.client();
  const receipt = await completeSchoolAbsence(resident);
  const app = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0];
  const cases = ['\t=1+1', '\r=1+1', ' =1+1', '  @SUM(A1)', '\u3000+1', '\n-1', '=HYPERLINK("x")', 'ふつうのメモ'];
  for (const memo of cases) {
    assert.equal((await admin.patch(`/api/applications/${app.id}`, { memo })).status, 200);
    const csv = (await admin.get('/api/applications/export.csv')).text;
    const row = csv.split('\r\n').find((l) => l.startsWith(receipt));
    assert.ok(row, `row for ${receipt}`);
    // Quoted cells keep their content; either way the apostrophe comes first.
    const guarded = memo === 'ふつうのメモ' ? memo : `'${memo}`;
    const quoted = `"${guarded.replaceAll('"', '""')}"`;
    assert.ok(csv.includes(`,${guarded},`) || csv.includes(`,${quoted},`),
      `memo ${JSON.stringify(memo)} not guarded in ${JSON.stringify(row.slice(0, 200))}`);
  }
});

// ---- part of 12: HEAD has no side effects -------------------------------------------------

test('HEAD on the CSV export writes no audit row', async () => {
  const exports = async () => (await admin.get('/api/audit?limit=500')).json.items.filter((a) => a.action === 'application.export').length;
  const before = await exports();
  const head = await admin.request('HEAD', '/api/applications/export.csv');
  assert.equal(head.status, 200);
  assert.match(head.headers.get('content-type'), /text\/csv/);
  assert.equal(await exports(), before);
  // A real download is still audited.
  assert.equal((await admin.get('/api/applications/export.csv')).status, 200);
  assert.equal(await exports(), before + 1);
  // Without a session HEAD is refused like GET.
  assert.equal((await srv.client().request('HEAD', '/api/applications/export.csv')).status, 401);
});
