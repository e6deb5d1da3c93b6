// Issue 11: flow tests written in the builder (scripted answers, expected outcomes) are saved per
// service, validated with bounds, and run by the pure engine against the draft (stored or sent)
// without publishing or storing an application; the LINE preview returns what LINE would get.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, expectError } from './harness.mjs';

let srv, admin, id;
const dogDef = (fee = 3000) => ({
  format: 'madoguchi.service/1', service_key: 'inu-flowtest', title: '犬の登録（テスト）', department: '',
  steps: [
    { id: 'kind', kind: 'choice', text: '登録の種類は？', label: '種類', choices: [
      { value: 'new', label: '新しく登録', fee, next: 'birth' },
      { value: 'move', label: '転入した犬の登録', fee: 0, next: 'name' }] },
    { id: 'birth', kind: 'date', text: '犬の生年月日は？', label: '生年月日', min: '-30y', max: 'today' },
    { id: 'name', kind: 'text', format: 'kana', text: '飼い主のフリガナは？', label: 'フリガナ' },
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit' },
  ],
});
const happy = {
  name: '新規は3000円で申請まで', answers: ['新しく登録', '2020-05-01', 'やまだ たろう', '申請する'],
  expect: { submitted: true, fee: 3000, step: '', fields: { kind: '新しく登録', name: 'ヤマダ タロウ' } },
};
const stops = { name: '転入は確認で止まる', answers: ['転入した犬の登録', 'やまだ'], expect: { submitted: false, step: 'confirm', fee: 0 } };

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  const r = await admin.post('/api/services', { definition: dogDef() });
  assert.equal(r.status, 201, r.text);
  id = r.json.id;
});
after(async () => { await srv?.cleanup(); });

test('flow tests: saved with the service, run against the draft, failures in Japanese, nothing stored', async () => {
  let r = await admin.get(`/api/services/${id}/flow-tests`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.tests, []);
  r = await admin.put(`/api/services/${id}/flow-tests`, { tests: [happy, stops] });
  assert.equal(r.status, 200, r.text);
  r = await admin.get(`/api/services/${id}/flow-tests`);
  assert.deepEqual(r.json.tests.map((t) => t.name), [happy.name, stops.name]);
  assert.deepEqual(r.json.tests[0].expect.fields, happy.expect.fields);
  assert.ok(r.json.updated_at > 0);
  const audit = (await admin.get('/api/audit')).json.items.find((a) => a.action === 'service.flow_tests');
  assert.equal(audit?.object_id, String(id), 'saving tests is audited');

  const apps = async () => { const j = (await admin.get('/api/applications')).json; return j.total ?? j.items.length; };
  const appsBefore = await apps();
  const status = async () => (await admin.get(`/api/services/${id}`)).json;
  const versionsBefore = (await status()).versions.length;

  // Saved tests against the stored draft: both pass.
  r = await admin.post(`/api/services/${id}/flow-tests/run`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.passed, 2, JSON.stringify(r.json));
  assert.equal(r.json.failed, 0);
  assert.deepEqual(r.json.results[0], { name: happy.name, ok: true, failures: [], step: '', submitted: true, fee: 3000, answered: 4 });
  assert.equal(r.json.results[1].step, 'confirm');

  // The editor's unsaved draft (the fee changed): the fee expectation fails, named in Japanese.
  r = await admin.post(`/api/services/${id}/flow-tests/run`, { definition: dogDef(2500) });
  assert.equal(r.json.failed, 1);
  const fail = r.json.results.find((x) => !x.ok);
  assert.equal(fail.name, happy.name);
  assert.deepEqual(fail.failures, ['手数料が2500円でした（想定: 3000円）']);

  // Unsaved tests: each kind of expectation can fail, with the reason.
  r = await admin.post(`/api/services/${id}/flow-tests/run`, { tests: [
    { name: 'とまる', answers: ['新しく登録'], expect: { submitted: true, step: 'name', fields: { name: 'ヤマダ', kind: '転入した犬の登録' } } },
    { name: '受け付けない', answers: ['新しく登録', '2999-01-01'] },
    { name: '回答が多すぎ', answers: ['転入した犬の登録', 'やまだ', '申請する', 'もう一つ'] },
    { name: '申請しない想定', answers: ['転入した犬の登録', 'やまだ', { type: 'choice', value: 'confirm' }], expect: { submitted: false } },
  ] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.passed, 0);
  const [a, b, c, d] = r.json.results;
  assert.deepEqual(a.failures, [
    '申請まで進みませんでした（「生年月日」（birth）で止まっています）',
    '「フリガナ」（name）で止まる想定でしたが、「生年月日」（birth）にいます',
    '「種類」（kind）の回答が「新しく登録」でした（想定:「転入した犬の登録」）',
    '「フリガナ」（name）の回答がありません（想定:「ヤマダ」）',
  ]);
  assert.equal(b.failures.length, 1);
  assert.match(b.failures[0], /^2個目の回答「2999-01-01」は受け付けられませんでした：/);
  assert.deepEqual(c.failures, ['4個目の回答「もう一つ」の前に、会話が終わっています']);
  assert.deepEqual(d.failures, ['申請まで進みました（進まない想定でした）']);

  // Nothing was published or stored by any run.
  assert.equal(await apps(), appsBefore);
  assert.equal((await status()).versions.length, versionsBefore);
});

test('flow tests: bounded, validated input; roles and departments', async () => {
  const put = (tests) => admin.put(`/api/services/${id}/flow-tests`, { tests });
  const field = async (tests, f) => { const r = await put(tests); expectError(assert, r, 400); assert.equal(r.json.error.field, f, r.text); assert.match(r.json.error.message, /[ぁ-んァ-ン一-龥]/); };
  await field('x', 'tests');
  await field(Array.from({ length: 31 }, (_, i) => ({ name: `t${i}` })), 'tests');
  await field([{ name: '' }], 'tests[0].name');
  await field([{ name: 'あ'.repeat(81) }], 'tests[0].name');
  await field([{ name: 'a', extra: 1 }], 'tests[0].extra');
  await field([{ name: 'a', answers: Array(101).fill('x') }], 'tests[0].answers');
  await field([{ name: 'a', answers: ['x'.repeat(501)] }], 'tests[0].answers[0]');
  await field([{ name: 'a', answers: [{ type: 'nonsense' }] }], 'tests[0].answers[0]');
  await field([{ name: 'a', answers: [3] }], 'tests[0].answers[0]');
  await field([{ name: 'a', expect: { fee: -1 } }], 'tests[0].expect.fee');
  await field([{ name: 'a', expect: { fee: 1.5 } }], 'tests[0].expect.fee');
  await field([{ name: 'a', expect: { submitted: 'yes' } }], 'tests[0].expect.submitted');
  await field([{ name: 'a', expect: { colour: 'red' } }], 'tests[0].expect.colour');
  await field([{ name: 'a', expect: { fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`s${i}`, 'v'])) } }], 'tests[0].expect.fields');
  await field([{ name: 'a', expect: { fields: { kind: 5 } } }], 'tests[0].expect.fields.kind');
  // Deeply nested bodies are refused before parsing into tests.
  let deep = 'x'; for (let i = 0; i < 40; i++) deep = [deep];
  expectError(assert, await put([{ name: 'a', answers: deep }]), 400);
  // A refused save changed nothing; a run with bad tests or a bad draft is a 400 too.
  assert.equal((await admin.get(`/api/services/${id}/flow-tests`)).json.tests.length, 2);
  expectError(assert, await admin.post(`/api/services/${id}/flow-tests/run`, { tests: [{ name: '' }] }), 400);
  expectError(assert, await admin.post(`/api/services/${id}/flow-tests/run`, { definition: { steps: 'x' } }), 400);
  expectError(assert, await admin.post(`/api/services/${id}/flow-tests/run`, []), 400);
  expectError(assert, await admin.get('/api/services/999999/flow-tests'), 404);
  expectError(assert, await admin.post('/api/services/999999/flow-tests/run', {}), 404);
  expectError(assert, await admin.put('/api/services/abc/flow-tests', { tests: [] }), 404);

  // A viewer reads the tests but may not save or run them; an editor of another department may not save.
  const staff = async (email, role, departments) => {
    assert.equal((await admin.post('/api/staff', { email, name: 'x', password: `${email}-passphrase`, role, departments })).status, 201);
    const c = new Client(srv.base);
    assert.equal((await c.login('demo', email, `${email}-passphrase`)).status, 200);
    return c;
  };
  const viewer = await staff('viewer-flow@example.com', 'viewer', []);
  assert.equal((await viewer.get(`/api/services/${id}/flow-tests`)).status, 200);
  expectError(assert, await viewer.put(`/api/services/${id}/flow-tests`, { tests: [] }), 403);
  expectError(assert, await viewer.post(`/api/services/${id}/flow-tests/run`, {}), 403);
  expectError(assert, await viewer.post('/api/services/preview/line', { definition: dogDef() }), 403);
  const dept = dogDef(); dept.service_key = 'inu-flowtest-tax'; dept.department = '税務課';
  const taxId = (await admin.post('/api/services', { definition: dept })).json.id;
  const welfare = await staff('welfare-flow@example.com', 'editor', ['福祉課']);
  expectError(assert, await welfare.put(`/api/services/${taxId}/flow-tests`, { tests: [] }), 403);
  assert.equal((await welfare.post(`/api/services/${taxId}/flow-tests/run`, {})).status, 200);
});

test('LINE preview: the channel renderer’s messages for a preview turn', async () => {
  let r = await admin.post('/api/services/preview/line', { definition: dogDef(), inputs: [] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.step, 'kind');
  assert.equal(r.json.state, undefined);
  const last = r.json.messages.at(-1);
  const labels = last.quickReply.items.map((i) => i.action.label);
  assert.ok(labels.includes('新しく登録（3,000円）') && labels.includes('転入した犬の登録'), JSON.stringify(labels));
  // The date step offers LINE's date picker; the summary comes as a flex card.
  r = await admin.post('/api/services/preview/line', { definition: dogDef(), inputs: ['新しく登録'] });
  assert.ok(r.json.messages.at(-1).quickReply.items.some((i) => i.action.type === 'datetimepicker'), r.text);
  r = await admin.post('/api/services/preview/line', { definition: dogDef(), inputs: ['新しく登録', '2020-05-01', 'やまだ'] });
  assert.ok(r.json.messages.some((m) => m.type === 'flex'), r.text);
  expectError(assert, await admin.post('/api/services/preview/line', { definition: dogDef(), inputs: 'x' }), 400);
  expectError(assert, await admin.post('/api/services/preview/line', {}), 400);
});

test('new service from a template under its own key, title and department', async () => {
  const r = await admin.post('/api/service-templates/inu-toroku', { service_key: 'inu-second', title: '犬の登録（第二）', department: '' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.service_key, 'inu-second');
  assert.equal(r.json.title, '犬の登録（第二）');
  const d = (await admin.get(`/api/services/${r.json.id}`)).json;
  assert.ok(d.definition.steps.length > 3, 'the template steps came along');
  expectError(assert, await admin.post('/api/service-templates/inu-toroku', { service_key: 'inu-second', title: 'x' }), 409);
  const bad = await admin.post('/api/service-templates/inu-toroku', { service_key: 5 });
  expectError(assert, bad, 400);
  assert.equal(bad.json.error.field, 'service_key');
  expectError(assert, await admin.post('/api/service-templates/inu-toroku', { service_key: 'Bad Key!' }), 400);
  // An editor of 福祉課 may not name another department for the new draft.
  const email = 'tpl-welfare@example.com';
  assert.equal((await admin.post('/api/staff', { email, name: 'x', password: `${email}-passphrase`, role: 'editor', departments: ['福祉課'] })).status, 201);
  const c = new Client(srv.base);
  assert.equal((await c.login('demo', email, `${email}-passphrase`)).status, 200);
  expectError(assert, await c.post('/api/service-templates/inu-toroku', { service_key: 'inu-third', title: 'x', department: '税務課' }), 403);
  assert.equal((await c.post('/api/service-templates/inu-toroku', { service_key: 'inu-third', title: '犬（福祉）', department: '福祉課' })).status, 201);
});
