// Issue 9 item 16: a published service outside its 受付期間 is hidden from residents; the staff
// service list and detail now say so (visibility.reason), using the public list's own rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => { await srv?.cleanup(); });

const jstDay = (days) => new Date(Date.now() + 9 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
const slash = (iso) => iso.split('-').map((p, i) => (i ? String(Number(p)) : p)).join('/');

test('the demo イベント service: 公開中 but not visible, and the list says why', async () => {
  const items = (await admin.get('/api/services')).json.items;
  const event = items.find((s) => s.service_key === 'event');
  assert.equal(event.status, 'published');
  assert.deepEqual(event.visibility, { visible: false, reason: '受付期間（2025/6/1〜2025/7/15）が終わっています' });
  const detail = (await admin.get(`/api/services/${event.id}`)).json;
  assert.deepEqual(detail.visibility, event.visibility);
  // Same rule as the resident list: the event is absent there, visible services are present.
  const pub = (await srv.client().get('/api/public/demo/services')).json;
  const publicIds = new Set((pub.items ?? pub.services ?? pub).flatMap((g) => (g.services ?? [g]).map((s) => s.id)));
  assert.ok(!publicIds.has(event.id));
  for (const s of items.filter((x) => x.visibility.visible)) assert.ok(publicIds.has(s.id), s.service_key);
  for (const s of items.filter((x) => !x.visibility.visible)) assert.ok(!publicIds.has(s.id), s.service_key);
});

test('not yet open, open, and unpublished services', async () => {
  const base = (await admin.get(`/api/services/${(await admin.get('/api/services')).json.items.find((s) => s.service_key === 'event').id}/export`)).json;
  const from = jstDay(3), to = jstDay(30);
  const future = await admin.post('/api/services', { definition: { ...base, service_key: 'event-future', available: { from, to } } });
  assert.equal(future.status, 201, future.text);
  assert.deepEqual(future.json.visibility ?? null, null, 'a draft save does not compute visibility');
  assert.equal((await admin.post(`/api/services/${future.json.id}/publish`)).status, 200);
  let s = (await admin.get(`/api/services/${future.json.id}`)).json;
  assert.deepEqual(s.visibility, { visible: false, reason: `受付期間（${slash(from)}〜${slash(to)}）がまだ始まっていません` });

  const open = await admin.post('/api/services', { definition: { ...base, service_key: 'event-open', available: { from: jstDay(-1), to: jstDay(1) } } });
  assert.equal((await admin.post(`/api/services/${open.json.id}/publish`)).status, 200);
  s = (await admin.get(`/api/services/${open.json.id}`)).json;
  assert.deepEqual(s.visibility, { visible: true, reason: '' });

  assert.equal((await admin.post(`/api/services/${open.json.id}/unpublish`)).status, 200);
  s = (await admin.get('/api/services')).json.items.find((x) => x.id === open.json.id);
  assert.deepEqual(s.visibility, { visible: false, reason: '公開されていません' });
  expectError(assert, await admin.get('/api/services/999999'), 404);
});
