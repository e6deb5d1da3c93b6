// Issue 9 (web residents): a correction request (不備) is answered from 申請した手続き or from a
// link (/t/{tenant}/my/correction/{id}) that only works on the device that applied; a correction
// does not expire while idle and survives やめる; surveys hand out no 受付番号; date examples
// come from today.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, expectError, BACKEND } from './harness.mjs';

let srv, admin, services;
const todayIso = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
});
after(async () => { await srv?.cleanup(); });

const serviceId = (key) => services.find((s) => s.service_key === key).id;
const say = (resident, session, input) => resident.post(`/api/public/demo/chat/${session}/input`, input);

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [srv.db.url, '-X', '-q', '-At', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(srv.db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' });
}

// A 欠席連絡 submitted by `resident`, with a correction of its class requested by staff.
async function submittedWithCorrection(resident) {
  const start = await resident.post('/api/public/demo/chat', { service_id: serviceId('school-absence') });
  assert.equal(start.status, 201, start.text);
  let last;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
    { type: 'choice', value: 'confirm' },
  ]) {
    last = await say(resident, start.json.session_id, input);
    assert.equal(last.status, 200, last.text);
  }
  const receipt = last.json.receipt_number;
  const id = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0].id;
  const corr = await admin.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  const c = corr.json.corrections.at(-1);
  return { receipt, id, correction: c.id, path: c.resident_path };
}

test('the resident opens the correction by its id, answers in the chat, and staff get the application back', async () => {
  const resident = srv.client();
  const { receipt, id, correction, path } = await submittedWithCorrection(resident);
  // Staff see the page to send; 申請した手続き names the same correction.
  assert.equal(path, `/t/demo/my/correction/${correction}`);
  const mine = (await resident.get('/api/public/demo/my/applications')).json.items.find((a) => a.receipt_number === receipt);
  assert.equal(mine.correction.id, correction);
  const opened = await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {});
  assert.equal(opened.status, 200, opened.text);
  assert.equal(opened.json.receipt_number, receipt);
  assert.equal(opened.json.reason, '組を確認してください');
  assert.equal(opened.json.service_id, serviceId('school-absence'));
  assert.equal(opened.json.session_id, mine.correction.session_id);
  assert.ok(opened.json.turn.prompts.some((p) => p.type === 'question' && p.step_id === 'class'), opened.text);
  // Opening it again is the same dialog (a reload, React's double effects).
  assert.equal((await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {})).json.session_id, opened.json.session_id);
  const cs = opened.json.session_id;
  assert.ok((await say(resident, cs, { type: 'text', text: '3年1組' })).json.prompts.some((p) => p.type === 'summary'));
  const done = await say(resident, cs, { type: 'choice', value: 'confirm' });
  assert.equal(done.json.done, true);
  const detail = (await admin.get(`/api/applications/${id}`)).json;
  assert.ok(detail.answers.some((a) => a.display === '3年1組'));
  assert.equal(detail.corrections.at(-1).status, 'resolved');
  assert.ok(detail.allowed_statuses.includes('done'), JSON.stringify(detail.allowed_statuses));
  // Answered: a clear 409, and 申請した手続き no longer shows it.
  expectError(assert, await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {}), 409, 'correction_resolved');
  assert.ok(!(await resident.get('/api/public/demo/my/applications')).json.items.find((a) => a.receipt_number === receipt).correction);
});

test('another device, no device, and malformed ids get the same clear refusal and change nothing', async () => {
  const resident = srv.client();
  const { correction } = await submittedWithCorrection(resident);
  const other = srv.client();
  await other.post('/api/public/demo/chat', { service_id: serviceId('survey') }); // a device of its own
  const before = sql('SELECT COUNT(*) FROM chat_sessions');
  for (const [who, path] of [
    [other, `/api/public/demo/my/corrections/${correction}/chat`],
    [srv.client(), `/api/public/demo/my/corrections/${correction}/chat`],
    [other, `/api/public/demo/my/corrections/${correction + 100000}/chat`],
    [resident, '/api/public/demo/my/corrections/abc/chat'],
    [resident, '/api/public/demo/my/corrections/99999999999999999999999/chat'],
    [resident, `/api/public/nowhere/my/corrections/${correction}/chat`],
  ]) {
    const r = await who.post(path, {});
    expectError(assert, r, 404);
    if (!path.includes('nowhere')) assert.match(r.json.error.message, /同じ端末/);
  }
  // Not JSON: refused before anything (a form post from another site cannot open it).
  const form = await resident.request('POST', `/api/public/demo/my/corrections/${correction}/chat`, { raw: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expectError(assert, form, 415);
  assert.equal(sql('SELECT COUNT(*) FROM chat_sessions'), before);
  // The owner still can.
  assert.equal((await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {})).status, 200);
});

test('a correction survives やめる and idle time: reopening gives a fresh dialog for the same items', async () => {
  const resident = srv.client();
  const { id, correction } = await submittedWithCorrection(resident);
  const first = (await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {})).json.session_id;
  // 最初から would turn the correction into a second application: refused.
  const restart = await say(resident, first, { type: 'command', command: 'restart' });
  assert.ok(restart.json.prompts.some((p) => p.type === 'error'), restart.text);
  assert.ok(restart.json.prompts.some((p) => p.type === 'question' && p.step_id === 'class'), restart.text);
  const quit = await say(resident, first, { type: 'command', command: 'quit' });
  assert.equal(quit.json.done, true);
  const reopened = await resident.post(`/api/public/demo/my/corrections/${correction}/chat`, {});
  assert.equal(reopened.status, 200, reopened.text);
  assert.notEqual(reopened.json.session_id, first);
  assert.ok(reopened.json.turn.prompts.some((p) => p.type === 'question' && p.step_id === 'class'));
  // Days later (the session's last activity long past the idle limit) it still takes the answer.
  const cs = reopened.json.session_id;
  sql(BACKEND === 'postgres'
    ? `UPDATE chat_sessions SET state = jsonb_set(state::jsonb, '{last_activity}', '0')::text WHERE public_id = '${cs}'`
    : `UPDATE chat_sessions SET state = json_set(state, '$.last_activity', 0) WHERE public_id = '${cs}'`);
  const r1 = await say(resident, cs, { type: 'text', text: '3年3組' });
  assert.ok(r1.json.prompts.some((p) => p.type === 'summary'), r1.text);
  assert.equal((await say(resident, cs, { type: 'choice', value: 'confirm' })).json.done, true);
  const detail = (await admin.get(`/api/applications/${id}`)).json;
  assert.ok(detail.answers.some((a) => a.display === '3年3組'));
  assert.equal(detail.corrections.at(-1).status, 'resolved');
  assert.equal((await admin.get(`/api/applications?service_id=${serviceId('school-absence')}&q=${detail.receipt_number}`)).json.total, 1);
});

test('a survey hands out no receipt number, in the answer or on resume', async () => {
  const resident = srv.client();
  const s = (await resident.post('/api/public/demo/chat', { service_id: serviceId('survey') })).json.session_id;
  let last;
  for (const input of [
    { type: 'choice', value: 'web' }, { type: 'choices', values: ['garbage'] }, { type: 'choice', value: '50s' },
    { type: 'choice', value: '__skip__' }, { type: 'choice', value: 'confirm' },
  ]) {
    last = await say(resident, s, input);
    assert.equal(last.status, 200, last.text);
  }
  const completion = last.json.prompts.find((p) => p.type === 'completion');
  assert.ok(completion, last.text);
  assert.ok(!completion.receipt_number, last.text);
  assert.equal(last.json.receipt_number, undefined);
  assert.ok(!/受付番号|\{\{/.test(JSON.stringify(last.json)), last.text);
  assert.equal((await resident.get(`/api/public/demo/chat/${s}`)).json.receipt_number, undefined);
  // Staff still have the answer, with its number.
  const list = (await admin.get(`/api/applications?service_id=${serviceId('survey')}`)).json;
  assert.ok(list.total >= 1);
  assert.match(list.items[0].receipt_number, /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
});

test('date hints give today as the example, not a year in the past', async () => {
  const resident = srv.client();
  const s = (await resident.post('/api/public/demo/chat', { service_id: serviceId('school-absence') })).json.session_id;
  await say(resident, s, { type: 'text', text: '魚津 ゆい' });
  const q = (await say(resident, s, { type: 'text', text: '３年２組' })).json.prompts.find((p) => p.type === 'question');
  assert.equal(q.input, 'date', JSON.stringify(q));
  const [y, m, d] = todayIso().split('-').map(Number);
  const era = y - 2018 === 1 ? '元' : String(y - 2018);
  assert.equal(q.hint, `例：令和${era}年${m}月${d}日、${y}/${m}/${d}`);
  const bad = (await say(resident, s, { type: 'text', text: 'そのうち' })).json.prompts.find((p) => p.type === 'error');
  assert.ok(bad.text.includes(`令和${era}年${m}月${d}日`), bad.text);
});

test('a second request replaces an unanswered one: the old link says so, and 完了 is possible after the answer', async () => {
  const resident = srv.client();
  const { id, correction: old } = await submittedWithCorrection(resident);
  const second = await admin.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '学年も確認してください' });
  assert.equal(second.status, 201, second.text);
  assert.deepEqual(second.json.corrections.map((c) => c.status), ['superseded', 'open']);
  expectError(assert, await resident.post(`/api/public/demo/my/corrections/${old}/chat`, {}), 409, 'correction_superseded');
  const mine = (await resident.get('/api/public/demo/my/applications')).json.items.find((a) => a.correction);
  assert.equal(mine.correction.reason, '学年も確認してください');
  const cs = (await resident.post(`/api/public/demo/my/corrections/${mine.correction.id}/chat`, {})).json.session_id;
  await say(resident, cs, { type: 'text', text: '4年1組' });
  assert.equal((await say(resident, cs, { type: 'choice', value: 'confirm' })).json.done, true);
  const detail = (await admin.get(`/api/applications/${id}`)).json;
  assert.ok(detail.allowed_statuses.includes('done'), JSON.stringify(detail.allowed_statuses));
  assert.equal((await admin.patch(`/api/applications/${id}`, { status: 'done' })).status, 200);
});
