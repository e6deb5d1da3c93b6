// JSON nested 200,000 levels deep used to overflow the stack (nlohmann copies and dumps
// recursively) and kill the process with one request. Every body is now parsed with a depth
// cap (64) and a size cap: such bodies answer 400 json_too_deep, the server stays up and nothing
// is stored. Run: node --test tests/integration/security-json.test.mjs (MG_DB=postgres too).
import { test, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { expectError } from './harness.mjs';
import { startStack, sign, sleep } from './line-harness.mjs';

const DEPTH = 200_000;
const deepArray = () => '['.repeat(DEPTH) + ']'.repeat(DEPTH);
// 150,000 levels of {"a": keep the body under the service definition's 1 MiB size cap.
const deepObject = (depth = 150_000) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

let sim, srv, admin;
const dataDirs = [];

async function stopStack() {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
}

// One stack for all tests; a server a test killed (the old behaviour) is replaced, so every
// route is shown to survive on its own.
async function serving() {
  if (!srv || srv.proc.exitCode !== null || srv.proc.signalCode) return false;
  try {
    return (await fetch(`${srv.base}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

beforeEach(async () => {
  if (await serving()) return;
  await stopStack();
  ({ sim, srv } = await startStack());
  dataDirs.push(srv.db.dataDir);
  admin = await srv.admin();
});

after(async () => {
  await stopStack();
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

async function assertAlive(what) {
  assert.equal(srv.proc.exitCode, null, `server exited after ${what}`);
  assert.equal(srv.proc.signalCode, null, `server killed by a signal after ${what}`);
  const r = await fetch(`${srv.base}/healthz`);
  assert.equal(r.status, 200, `/healthz after ${what}`);
}

function sendRaw(client, method, path, raw) {
  return client.request(method, path, { raw, headers: { 'content-type': 'application/json' } });
}

test('POST /api/services: a 200,000-deep definition is refused, nothing stored', async () => {
  const before = (await admin.get('/api/services')).json.items.length;
  for (const raw of [`{"definition":${deepArray()}}`, deepObject()]) {
    const r = await sendRaw(admin, 'POST', '/api/services', raw);
    expectError(assert, r, 400, 'json_too_deep');
    assert.match(r.json.error.message, /深すぎます/);
    await assertAlive('a deep service definition');
  }
  assert.equal((await admin.get('/api/services')).json.items.length, before);
  // A definition over its natural size limit (1 MiB) is refused before it is parsed.
  const big = await admin.post('/api/services', { definition: { title: 'x', description: 'あ'.repeat(400_000) } });
  expectError(assert, big, 413, 'json_too_large');
  assert.equal((await admin.get('/api/services')).json.items.length, before);
});

test('PUT /api/line/rich-menus/{name}: a 200,000-deep menu is refused, nothing stored', async () => {
  const before = await admin.get('/api/line/rich-menus');
  assert.equal(before.status, 200, before.text);
  const r = await sendRaw(admin, 'PUT', '/api/line/rich-menus/deep', `{"menu":${deepArray()}}`);
  expectError(assert, r, 400, 'json_too_deep');
  await assertAlive('a deep rich menu');
  const r2 = await sendRaw(admin, 'POST', '/api/line/rich-menus/switch-all', deepObject());
  expectError(assert, r2, 400, 'json_too_deep');
  await assertAlive('a deep switch-all body');
  assert.deepEqual((await admin.get('/api/line/rich-menus')).json, before.json);
});

test('POST /api/public/{tenant}/chat/{session}/input: a deep input is refused, the session unchanged', async () => {
  const services = (await admin.get('/api/services')).json.items;
  const resident = srv.client();
  const start = await resident.post('/api/public/demo/chat', { service_id: services.find((s) => s.service_key === 'school-absence').id });
  assert.equal(start.status, 201, start.text);
  const session = start.json.session_id;
  const before = await resident.get(`/api/public/demo/chat/${session}`);
  assert.equal(before.status, 200, before.text);
  const path = `/api/public/demo/chat/${session}/input`;
  const r = await sendRaw(resident, 'POST', path, `{"type":"text","text":"x","extra":${deepArray()}}`);
  expectError(assert, r, 400, 'json_too_deep');
  await assertAlive('a deep chat input');
  const r2 = await sendRaw(resident, 'POST', '/api/public/demo/chat', `{"service_id":1,"x":${deepObject()}}`);
  expectError(assert, r2, 400, 'json_too_deep');
  await assertAlive('a deep chat start');
  assert.deepEqual((await resident.get(`/api/public/demo/chat/${session}`)).json, before.json);
  // Malformed JSON keeps its own answer.
  expectError(assert, await sendRaw(resident, 'POST', path, '{"type":'), 400, 'invalid_json');
  // Brackets inside strings are text, not nesting.
  const ok = await sendRaw(resident, 'POST', path, JSON.stringify({ type: 'text', text: '['.repeat(100) + '"{' }));
  assert.equal(ok.status, 200, ok.text);
});

test('signed LINE webhook: a deep event is refused and not stored; the same event sent sane is processed', async (t) => {
  t.after(() => sim.settings({ hold: false }).then(() => sim.flush()));
  const residents = async () => (await admin.get('/api/dashboard')).json.counts.residents;
  const u = await sim.createUser('深い入れ子', { follow: false });
  const before = await residents();
  await sim.settings({ hold: true });
  const { event } = await sim.act(u, 'follow', {}, { wait: false });
  const destination = (await sim.ok('GET', '/sim/health')).botUserId;
  const post = (raw) => fetch(`${srv.base}/line/demo/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': sign(raw) },
    body: raw,
  });

  const sane = JSON.stringify({ destination, events: [event] });
  const deep = sane.replace(/}\]}$/, `,"deep":${deepArray()}}]}`);
  assert.notEqual(deep, sane);
  const r = await post(deep);
  assert.equal(r.status, 400);
  const body = await r.json();
  assert.equal(body.error.code, 'json_too_deep');
  await assertAlive('a deep signed webhook');
  await sleep(500);
  assert.equal(await residents(), before, 'a refused webhook must not create a resident');

  // Had the deep event been stored, this would be a redelivery of the same webhookEventId
  // and a no-op; it creates the resident, so nothing of the refused one was kept.
  assert.equal((await post(sane)).status, 200);
  const deadline = Date.now() + 10000;
  while ((await residents()) !== before + 1) {
    assert.ok(Date.now() < deadline, 'the sane event was not processed');
    await sleep(50);
  }
  await assertAlive('the whole test');
});
