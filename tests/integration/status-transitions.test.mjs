// Issue 9 item 13: the application status workflow. Staff could set 完了 while a correction
// request (不備) was open, which ended the resident's correction half way. Refused transitions
// answer 409 with a Japanese reason and change nothing; the console gets allowed_statuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError } from './harness.mjs';

let srv, admin, services;
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
});
after(async () => { await srv?.cleanup(); });

const say = (resident, session, input) => resident.post(`/api/public/demo/chat/${session}/input`, input);

// Submits 欠席連絡 through the web chat; returns {id, receipt}.
async function submitAbsence(resident) {
  const service_id = services.find((s) => s.service_key === 'school-absence').id;
  const start = await resident.post('/api/public/demo/chat', { service_id });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' },
    { type: 'text', text: '３年２組' },
    { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' },
    { type: 'choice', value: 'sick' },
    { type: 'choice', value: '__skip__' },
  ]) assert.equal((await say(resident, s, input)).status, 200);
  const receipt = (await say(resident, s, { type: 'choice', value: 'confirm' })).json.receipt_number;
  assert.ok(receipt);
  const id = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0].id;
  return { id, receipt };
}

const detail = async (id) => (await admin.get(`/api/applications/${id}`)).json;

test('while a correction is open, 完了/却下/取り下げ are refused with 409 and change nothing', async () => {
  const resident = srv.client();
  const { id, receipt } = await submitAbsence(resident);
  assert.deepEqual((await detail(id)).allowed_statuses, ['in_progress', 'done', 'rejected', 'withdrawn']);
  const corr = await admin.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  const before = await detail(id);
  assert.equal(before.status, 'new');
  assert.deepEqual(before.allowed_statuses, ['in_progress']);

  for (const status of ['done', 'rejected', 'withdrawn']) {
    const r = await admin.patch(`/api/applications/${id}`, { status, memo: '書き換え' });
    expectError(assert, r, 409, 'conflict');
    assert.equal(r.json.error.field, 'status');
    assert.match(r.json.error.message, /^修正依頼中の申請は(完了|却下|取り下げ)にできません。住民の修正が届くまでお待ちください$/);
  }
  const refused = await admin.patch(`/api/applications/${id}`, { status: 'done' });
  assert.equal(refused.json.error.message, '修正依頼中の申請は完了にできません。住民の修正が届くまでお待ちください');
  const after = await detail(id);
  assert.equal(after.status, 'new', 'refused transitions changed the status');
  assert.equal(after.memo, before.memo, 'the memo sent with a refused status was not saved');
  assert.equal(after.history.length, before.history.length, 'no history entry for refused transitions');
  assert.equal(after.updated_at, before.updated_at);
  const audit = (await admin.get('/api/audit')).json.items;
  assert.ok(!audit.some((a) => a.action === 'application.update' && a.object_id === String(id)));

  // Working states stay allowed; an unchanged status with a memo is fine too.
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'in_progress' })).status, 200);
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'in_progress', memo: '確認中' })).status, 200);
  assert.deepEqual((await detail(id)).allowed_statuses, ['new']);

  // The resident's correction still runs to the end; then 完了 is allowed.
  const cs = (await resident.get('/api/public/demo/my/applications')).json.items.find((a) => a.receipt_number === receipt).correction.session_id;
  assert.ok((await say(resident, cs, { type: 'text', text: '3年1組' })).json.prompts.some((p) => p.type === 'summary'));
  assert.equal((await say(resident, cs, { type: 'choice', value: 'confirm' })).json.done, true);
  assert.deepEqual((await detail(id)).allowed_statuses, ['new', 'done', 'rejected', 'withdrawn']);
  const done = await admin.patch(`/api/applications/${id}`, { status: 'done' });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.status, 'done');
});

test('the table outside corrections: 完了 only reopens, 取り下げ is final', async () => {
  const { id } = await submitAbsence(srv.client());
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'done' })).status, 200);
  assert.deepEqual((await detail(id)).allowed_statuses, ['in_progress']);
  const r = await admin.patch(`/api/applications/${id}`, { status: 'rejected' });
  expectError(assert, r, 409, 'conflict');
  assert.equal(r.json.error.message, '完了の申請は却下にできません');
  assert.equal((await detail(id)).status, 'done');
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'in_progress' })).status, 200);
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'withdrawn' })).status, 200);
  assert.deepEqual((await detail(id)).allowed_statuses, []);
  for (const status of ['new', 'in_progress', 'done', 'rejected']) {
    const x = await admin.patch(`/api/applications/${id}`, { status });
    expectError(assert, x, 409, 'conflict');
    assert.equal(x.json.error.message, `取り下げの申請は${{ new: '未対応', in_progress: '処理中', done: '完了', rejected: '却下' }[status]}にできません`);
  }
  assert.equal((await detail(id)).status, 'withdrawn');
  // Bad input is still a 400, before the workflow is consulted.
  expectError(assert, await admin.patch(`/api/applications/${id}`, { status: 'flying' }), 400, 'invalid');
});
