// Issue 11: the console's service builder. A draft is checked by the server's validator
// (findings with step, field, message and fix), saved with a version check (a stale save is
// refused with 409 and nothing changes), and played through the real engine without storing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, Client, expectError } from './harness.mjs';
import { dogService } from './dog_service.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => { await srv?.cleanup(); });

const dogDef = () => dogService('inu-builder', '犬の登録（ビルダー）');

test('validate: findings with step, field, message and fix; warnings do not block', async () => {
  let r = await admin.post('/api/services/validate', { definition: dogDef() });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ok, true);
  assert.deepEqual(r.json.errors, []);

  // Unreachable step, a loop with no exit, a condition on an answer not asked on every path.
  const bad = dogDef();
  bad.steps.splice(3, 0,
    { id: 'check', kind: 'branch', cases: [{ when: { answer: 'birth', op: 'age_gte', value: 10 }, next: 'confirm' }], default: 'loop' },
    { id: 'orphan', kind: 'message', text: 'だれも来ない' },
    { id: 'loop', kind: 'message', text: 'ぐるぐる', next: 'loop' });
  r = await admin.post('/api/services/validate', { definition: bad });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ok, false);
  const by = (code) => r.json.errors.find((e) => e.code === code);
  assert.equal(by('unreachable')?.step_id, 'orphan');
  assert.equal(by('no_exit')?.step_id, 'loop');
  assert.equal(by('answer_not_guaranteed')?.step_id, 'check');
  assert.equal(by('answer_not_guaranteed')?.field, 'cases[0].when');
  for (const e of r.json.errors) {
    assert.match(e.message, /[ぁ-んァ-ン一-龥]/, 'message in Japanese');
    assert.ok(e.fix && /[ぁ-んァ-ン一-龥]/.test(e.fix), `fix for ${e.code}`);
  }

  // LINE limits and a submit without confirm are warnings: the draft still loads.
  const line = dogDef();
  line.steps[0].choices[0].label = 'とても長い選択肢の名前で二十文字を超えてしまうもの';
  line.steps[0].choices[1].short_label = '二十文字を超える短い表示名はLINEでは切れてしまう';
  line.steps.push({ id: 'many', kind: 'choice', text: 'どれ？', choices: Array.from({ length: 14 }, (_, i) => ({ value: `v${i}`, label: `選択${i}` })) });
  line.steps = line.steps.filter((s) => s.id !== 'confirm');
  r = await admin.post('/api/services/validate', { definition: line });
  assert.equal(r.json.ok, true, JSON.stringify(r.json.errors));
  const w = (code) => r.json.warnings.find((e) => e.code === code);
  assert.equal(w('line_label_cut')?.field, 'choices[0].label');
  assert.equal(w('line_label_too_long')?.field, 'choices[1].short_label');
  assert.equal(w('line_paged')?.step_id, 'many');
  assert.equal(w('missing_confirm')?.step_id, 'submit');

  // A structural problem comes back as a finding too (not a 400): the editor shows it.
  r = await admin.post('/api/services/validate', { definition: { format: 'madoguchi.service/1', service_key: 'x', title: 'x', steps: [{ id: 'a', kind: 'nope' }] } });
  assert.equal(r.status, 200);
  assert.equal(r.json.ok, false);
  assert.equal(r.json.errors[0].code, 'unknown_kind');
  assert.equal(r.json.errors[0].step_id, 'a');

  // A 200-step service with branches on earlier answers validates quickly: the builder checks
  // it on every pause in typing (the must-answer analysis used to take over 10 s here).
  const steps = [];
  for (let i = 0; i < 198; i++) {
    steps.push(i % 3 === 0 ? { id: `c${i}`, kind: 'choice', text: `質問${i}`, choices: [{ value: 'a', label: 'A', fee: 100 }, { value: 'b', label: 'B' }] }
      : i % 3 === 1 ? { id: `b${i}`, kind: 'branch', cases: [{ when: { answer: `c${i - 1}`, op: 'eq', value: 'a' }, next: `t${i + 1}` }] }
        : { id: `t${i}`, kind: 'text', text: `文${i}` });
  }
  steps.push({ id: 'confirm', kind: 'confirm' }, { id: 'submit', kind: 'submit' });
  const t0 = Date.now();
  r = await admin.post('/api/services/validate', { definition: { format: 'madoguchi.service/1', service_key: 'big', title: '大きい', steps } });
  const took = Date.now() - t0;
  assert.equal(r.json.ok, true, JSON.stringify(r.json.errors?.slice(0, 3)));
  assert.ok(took < 3000, `200 steps validated in ${took} ms`);

  // Bad bodies: no definition, malformed JSON, too deep, too large.
  expectError(assert, await admin.post('/api/services/validate', { nothing: 1 }), 400);
  expectError(assert, await admin.request('POST', '/api/services/validate', { raw: '{"definition": {', headers: { 'content-type': 'application/json' } }), 400);
  const deep = '{"definition":' + '['.repeat(200) + ']'.repeat(200) + '}';
  const r2 = await admin.request('POST', '/api/services/validate', { raw: deep, headers: { 'content-type': 'application/json' } });
  assert.ok(r2.status >= 400 && r2.status < 500, `deep: ${r2.status}`);
  const big = JSON.stringify({ definition: { ...dogDef(), description: 'あ'.repeat(2 * 1024 * 1024) } });
  const r3 = await admin.request('POST', '/api/services/validate', { raw: big, headers: { 'content-type': 'application/json' } });
  assert.ok(r3.status === 413 || r3.status === 400, `big: ${r3.status}`);
});

test('draft save with a version check: a stale save is 409 and changes nothing', async () => {
  let r = await admin.post('/api/services', { definition: dogDef() });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const rev0 = r.json.revision;
  assert.match(rev0, /^[0-9a-f]{16}$/);
  const detail = (await admin.get(`/api/services/${id}`)).json;
  assert.equal(detail.revision, rev0);

  // Editor A saves from rev0: fine, new revision.
  const a = dogDef(); a.title = '犬の登録（A）';
  r = await admin.put(`/api/services/${id}`, { definition: a, base_revision: rev0 });
  assert.equal(r.status, 200, r.text);
  const rev1 = r.json.revision;
  assert.notEqual(rev1, rev0);

  // Editor B still holds rev0: refused with a clear reload message; A's title stays.
  const b = dogDef(); b.title = '犬の登録（B）';
  r = await admin.put(`/api/services/${id}`, { definition: b, base_revision: rev0 });
  expectError(assert, r, 409, 'stale_draft');
  assert.match(r.json.error.message, /読み込み直/);
  let now = (await admin.get(`/api/services/${id}`)).json;
  assert.equal(now.title, '犬の登録（A）');
  assert.equal(now.revision, rev1);

  // Bad base_revision type, invalid definition: 400, nothing changed.
  expectError(assert, await admin.put(`/api/services/${id}`, { definition: b, base_revision: 5 }), 400);
  expectError(assert, await admin.put(`/api/services/${id}`, { definition: { ...b, steps: [] }, base_revision: rev1 }), 400);
  now = (await admin.get(`/api/services/${id}`)).json;
  assert.equal(now.revision, rev1);

  // Another tenant's editor: 404, nothing changed.
  cli(srv.db, ['tenant', 'create', '--code', 'bld-b', '--name', 'ビルダー町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'bld-b', '--email', 'admin@bld-b.example', '--password-stdin'], 'bld-b-password\n');
  const other = new Client(srv.base);
  assert.equal((await other.login('bld-b', 'admin@bld-b.example', 'bld-b-password')).status, 200);
  expectError(assert, await other.put(`/api/services/${id}`, { definition: b, base_revision: rev1 }), 404);
  expectError(assert, await other.get(`/api/services/${id}`), 404);
  assert.equal((await admin.get(`/api/services/${id}`)).json.revision, rev1);

  // A viewer may not validate, preview or save.
  const email = 'viewer-builder@example.com';
  assert.equal((await admin.post('/api/staff', { email, name: 'v', password: `${email}-passphrase`, role: 'viewer' })).status, 201);
  const viewer = new Client(srv.base);
  assert.equal((await viewer.login('demo', email, `${email}-passphrase`)).status, 200);
  expectError(assert, await viewer.post('/api/services/validate', { definition: dogDef() }), 403);
  expectError(assert, await viewer.post('/api/services/preview', { definition: dogDef() }), 403);
  expectError(assert, await viewer.put(`/api/services/${id}`, { definition: b, base_revision: rev1 }), 403);
});

test('preview: the engine replays a draft with fees, storing nothing', async () => {
  const count = async () => { const j = (await admin.get('/api/applications')).json; return j.total ?? j.items.length; };
  const before = await count();
  const def = dogDef();
  const play = async (inputs) => {
    const r = await admin.post('/api/services/preview', { definition: def, inputs });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, undefined, 'no state leaves the server');
    return r.json;
  };
  let t = await play([]);
  assert.equal(t.step, 'kind');
  assert.ok(t.prompts.some((p) => p.type === 'question' && p.step_id === 'kind'));
  const path = [{ type: 'choice', value: 'new' }];
  t = await play(path);
  assert.equal(t.step, 'birth');
  path.push({ type: 'date', date: '2020-05-01' }, 'やまだ たろう');
  t = await play(path);
  const summary = t.prompts.find((p) => p.type === 'summary');
  assert.equal(summary?.total_fee, 3000);
  assert.ok(summary.items.some((i) => i.step_id === 'name' && i.display === 'ヤマダ タロウ'));
  t = await play([...path, { type: 'choice', value: 'confirm' }]);
  assert.equal(t.done, true);
  assert.equal(t.effects.find((e) => e.kind === 'submit')?.total_fee, 3000);
  assert.equal(await count(), before, 'nothing stored');

  // The other branch skips the date and costs nothing.
  t = await play([{ type: 'choice', value: 'move' }]);
  assert.equal(t.step, 'name');

  // A date outside its limits is refused by the engine, as residents would see.
  t = await play([{ type: 'choice', value: 'new' }, { type: 'date', date: '2990-01-01' }]);
  assert.equal(t.step, 'birth');
  assert.ok(t.prompts.some((p) => p.type === 'error'));

  // Bad inputs: an invalid draft, inputs not an array or too many, malformed input objects.
  expectError(assert, await admin.post('/api/services/preview', { definition: { ...def, steps: [] } }), 400, 'invalid_definition');
  expectError(assert, await admin.post('/api/services/preview', { definition: def, inputs: 'x' }), 400);
  expectError(assert, await admin.post('/api/services/preview', { definition: def, inputs: Array(301).fill('a') }), 400);
  expectError(assert, await admin.post('/api/services/preview', { nothing: true }), 400);
  t = await play([{ type: 'nonsense' }, 5, null]);
  assert.equal(t.step, 'kind', 'malformed inputs are re-asked, not a crash');
});

test('versions: changes in words between versions and the draft, rollback in one action', async () => {
  const def = { ...dogDef(), service_key: 'inu-versions' };
  let r = await admin.post('/api/services', { definition: def });
  const id = r.json.id;
  assert.equal((await admin.post(`/api/services/${id}/publish`)).json.version, 1);
  const v2 = { ...def, title: '犬の登録（第2版）', steps: [...def.steps.slice(0, 3), { id: 'photo', kind: 'photo', text: '犬の写真' }, ...def.steps.slice(3)] };
  assert.equal((await admin.put(`/api/services/${id}`, { definition: v2 })).status, 200);
  assert.equal((await admin.post(`/api/services/${id}/publish`)).json.version, 2);

  r = await admin.get(`/api/services/${id}/changes?from=1&to=2`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.some((c) => c.kind === 'step_added' && /写真/.test(c.message)), JSON.stringify(r.json.items));
  assert.ok(r.json.items.some((c) => c.kind === 'meta_changed'));
  assert.deepEqual((await admin.get(`/api/services/${id}/changes?from=2`)).json.items, [], 'draft = version 2');

  // Roll back to version 1: a new version 3 equal to 1, published, and the draft follows.
  r = await admin.post(`/api/services/${id}/versions/1/restore`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { version: 3, new_version: true, restored: 1 });
  const d = (await admin.get(`/api/services/${id}`)).json;
  assert.equal(d.title, '犬の登録（ビルダー）');
  assert.equal(d.published_version, 3);
  assert.deepEqual((await admin.get(`/api/services/${id}/changes?from=1&to=3`)).json.items, []);

  // Bad versions and queries.
  expectError(assert, await admin.post(`/api/services/${id}/versions/99/restore`, {}), 404);
  expectError(assert, await admin.get(`/api/services/${id}/changes?from=99`), 404);
  expectError(assert, await admin.get(`/api/services/${id}/changes`), 400);
  expectError(assert, await admin.get(`/api/services/${id}/changes?from=x`), 400);
  expectError(assert, await admin.get(`/api/services/999999/changes?from=1`), 404);
  assert.equal((await admin.get(`/api/services/${id}`)).json.published_version, 3, 'nothing changed');
});
