// Issue 11: the builder's LINE phone is playable. POST /api/services/preview/line takes an
// optional `action` (a tap or typed text, shaped like the LINE webhook event), maps it with the
// LINE channel's own webhook mapping and returns the Input it became with the next turn; the
// same inputs replayed by the web preview reach the same step and fee. Bad actions are 400 in
// Japanese and change nothing; only editors may call it.
// Run: MG_BIN=$PWD/build/madoguchi MG_ROOT=$PWD node --test tests/integration/line-preview-play.test.mjs
// (and with MG_DB=postgres after `source tests/scripts/postgres.sh && pg_start`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, expectError } from './harness.mjs';
import { dogService } from './dog_service.mjs';

let srv, admin;
const def = dogService('inu-lineplay', '犬の登録（LINEで試す）');
const line = (inputs, action) => admin.post('/api/services/preview/line', action === undefined ? { definition: def, inputs } : { definition: def, inputs, action });
const chips = (turn) => turn.messages.at(-1)?.quickReply?.items.map((i) => i.action) ?? [];
const flexButtons = (node, out = []) => {
  if (!node || typeof node !== 'object') return out;
  if (node.type === 'button') out.push(node.action);
  for (const k of ['contents', 'body', 'footer', 'header']) {
    const v = node[k];
    if (Array.isArray(v)) v.forEach((c) => flexButtons(c, out)); else if (v) flexButtons(v, out);
  }
  return out;
};
const submitFee = (turn) => turn.effects.find((e) => e.kind === 'submit')?.total_fee;

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
});
after(async () => { await srv?.cleanup(); });

test('taps and text on the LINE phone become the channel’s Inputs; the web preview follows to the same fee', async () => {
  const inputs = [];
  let r = await line(inputs);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.input, undefined, 'no action, no input');
  // Tap the priced quick reply: the postback maps to the choice's value (not its label).
  const neu = chips(r.json).find((a) => a.label === '新しく登録（3,000円）');
  assert.equal(neu?.type, 'postback', JSON.stringify(chips(r.json)));
  r = await line(inputs, { type: 'postback', data: neu.data });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.input, { type: 'choice', value: 'new' });
  assert.equal(r.json.step, 'birth');
  inputs.push(r.json.input);

  // The date picker: the postback carries the picked date as LINE's params.date would.
  const picker = chips(r.json).find((a) => a.type === 'datetimepicker');
  assert.ok(picker, r.text);
  r = await line(inputs, { type: 'postback', data: picker.data, date: '2020-05-01' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.input, { type: 'date', date: '2020-05-01' });
  assert.equal(r.json.step, 'name');
  inputs.push(r.json.input);

  // Typed text in the input bar.
  r = await line(inputs, { type: 'message', text: 'やまだ たろう' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.input, { type: 'text', text: 'やまだ たろう' });
  assert.equal(r.json.step, 'confirm');
  inputs.push(r.json.input);
  const card = r.json.messages.find((m) => m.type === 'flex');
  const buttons = flexButtons(card?.contents);
  // 修正 on a row maps to the engine's edit command for that step.
  const edit = buttons.find((a) => a.label === '修正');
  const e = await line(inputs, { type: 'postback', data: edit.data });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.input.type, 'command');
  assert.equal(e.json.input.command, 'edit');
  assert.ok(['kind', 'birth', 'name'].includes(e.json.input.step_id), e.text);

  // The card's primary button submits, with the fee computed.
  const submit = buttons.find((a) => /申請/.test(a.label ?? ''));
  r = await line(inputs, { type: 'postback', data: submit.data });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.done, true, r.text);
  assert.equal(submitFee(r.json), 3000);
  inputs.push(r.json.input);

  // The web preview replays the same inputs to the same end and fee.
  const web = await admin.post('/api/services/preview', { definition: def, inputs });
  assert.equal(web.status, 200, web.text);
  assert.equal(web.json.done, true);
  assert.equal(submitFee(web.json), 3000);

  // 戻る (a command postback) and a branch: 転入 skips the date and costs nothing.
  r = await line([], { type: 'postback', data: chips((await line([])).json).find((a) => a.label === '転入した犬の登録').data });
  assert.deepEqual(r.json.input, { type: 'choice', value: 'move' });
  assert.equal(r.json.step, 'name');
  const back = chips(r.json).find((a) => a.label === '戻る');
  const b = await line([r.json.input], { type: 'postback', data: back.data });
  assert.deepEqual(b.json.input, { type: 'command', command: 'back' });
  assert.equal(b.json.step, 'kind');
});

test('a tap on a multi-choice gets LINE’s short acknowledgement, as the desk sends it', async () => {
  const multi = { ...def, service_key: 'sodai-lineplay', steps: [
    { id: 'items', kind: 'choice', multiple: true, text: '品目を選んでください', label: '品目', choices: [
      { value: 'sofa', label: 'ソファ', fee: 800 }, { value: 'desk', label: '机', fee: 400 }] },
    { id: 'confirm', kind: 'confirm' }, { id: 'submit', kind: 'submit' }] };
  const first = await admin.post('/api/services/preview/line', { definition: multi, inputs: [] });
  const sofa = chips(first.json).find((a) => /ソファ/.test(a.label));
  assert.match(sofa.data, /&s=items/, 'a multi-choice tap names its step');
  const r = await admin.post('/api/services/preview/line', { definition: multi, inputs: [], action: { type: 'postback', data: sofa.data } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.input, { type: 'choice', value: 'sofa' });
  assert.equal(r.json.messages.length, 1);
  assert.match(r.json.messages[0].text, /ソファ を追加しました（選択中：ソファ）/);
});

test('bad actions: 400 in Japanese, nothing stored; non-editors refused', async () => {
  const count = async (path) => { const j = (await admin.get(path)).json; return j.total ?? j.items.length; };
  const appsBefore = await count('/api/applications');
  const auditBefore = await count('/api/audit');
  const servicesBefore = await count('/api/services');
  const bad = [
    'x', null, [], {},
    { type: 'sticker', packageId: '1' },
    { type: 'postback' },
    { type: 'postback', data: 5 },
    { type: 'postback', data: '' },
    { type: 'postback', data: 'mg=v&x=' + 'a'.repeat(300) },
    { type: 'postback', data: 'not-our-button' },
    { type: 'postback', data: 'mg=m&x=0' },                  // the service menu
    { type: 'postback', data: 'mg=c&x=applications' },       // 申請した手続き (the desk's own)
    { type: 'postback', data: 'mg=d&x=birth' },              // a picker without its date
    { type: 'postback', data: 'mg=d&x=birth', date: '2020/05/01' },
    { type: 'postback', data: 'mg=d&x=birth', date: '2020-02-30' },
    { type: 'postback', data: 'mg=v&x=new', date: '2020-05-01' },
    { type: 'postback', data: 'mg=v&x=new', label: '新しく登録' },
    { type: 'message', text: '' },
    { type: 'message', text: 'あ'.repeat(5001) },
    { type: 'message', text: 'x', data: 'mg=v&x=new' },
  ];
  for (const action of bad) {
    const r = await line([], action);
    expectError(assert, r, 400);
    assert.equal(r.json.error.field, 'action', JSON.stringify(action));
    assert.match(r.json.error.message, /[ぁ-んァ-ヶ一-龠]/, `Japanese message for ${JSON.stringify(action)}`);
  }
  // The inputs are bounded as without an action (300): one more from the action is refused.
  expectError(assert, await line(Array(300).fill('転入した犬の登録'), { type: 'message', text: 'やまだ' }), 400);
  expectError(assert, await line('x', { type: 'message', text: 'やまだ' }), 400);
  assert.equal(await count('/api/applications'), appsBefore);
  assert.equal(await count('/api/audit'), auditBefore);
  assert.equal(await count('/api/services'), servicesBefore);

  const body = { definition: def, inputs: [], action: { type: 'postback', data: 'mg=v&x=new' } };
  const anonymous = new Client(srv.base);
  const a = await anonymous.post('/api/services/preview/line', body);
  assert.ok([401, 403].includes(a.status), `anonymous: ${a.status}`);
  // A resident (web chat cookie) is no staff member.
  const resident = new Client(srv.base);
  const published = (await admin.get('/api/services')).json.items.find((s) => s.status === 'published');
  assert.ok(published, 'the demo has a published service');
  await resident.post('/api/public/demo/chat', { service_id: published.id });
  const rr = await resident.post('/api/services/preview/line', body);
  assert.ok([401, 403].includes(rr.status), `resident: ${rr.status}`);
  for (const role of ['viewer', 'operator']) {
    const email = `lineplay-${role}@example.com`;
    assert.equal((await admin.post('/api/staff', { email, name: role, password: `${email}-passphrase`, role, departments: [] })).status, 201);
    const c = new Client(srv.base);
    assert.equal((await c.login('demo', email, `${email}-passphrase`)).status, 200);
    expectError(assert, await c.post('/api/services/preview/line', body), 403);
  }
});
