// The Prompt contract has one source (issue 9, item 5): `madoguchi schema prompt` must equal the
// schema the web client's types are generated from, and every prompt the server really sends —
// each step kind of each bundled template, errors, summaries, completions — must validate
// against it (closed objects, so a field the server adds without the schema fails here).
// Also item 6: the residents' list says what a service costs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ROOT, startServer } from './harness.mjs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');

// A validator for the JSON Schema subset the server uses ($ref, oneOf, const, enum, closed
// objects, arrays, scalars). Returns a list of problems with their paths.
function validate(schema, value, node = schema, path = '$') {
  if (node.$ref) return validate(schema, value, schema.$defs[node.$ref.replace('#/$defs/', '')], path);
  if (node.oneOf) {
    const fits = node.oneOf.map((n) => validate(schema, value, n, path));
    const ok = fits.filter((f) => f.length === 0).length;
    if (ok === 1) return [];
    if (ok > 1) return [`${path}: matches ${ok} alternatives`];
    // The alternative whose discriminator matches explains the failure best.
    const tagged = node.oneOf.findIndex((n) => {
      const d = n.$ref ? schema.$defs[n.$ref.replace('#/$defs/', '')] : n;
      return d.properties?.type?.const === value?.type;
    });
    return tagged >= 0 ? fits[tagged] : [`${path}: matches no alternative: ${JSON.stringify(value).slice(0, 200)}`];
  }
  const errs = [];
  if (node.const !== undefined && value !== node.const) errs.push(`${path}: expected ${node.const}, got ${value}`);
  if (node.enum && !node.enum.includes(value)) errs.push(`${path}: ${JSON.stringify(value)} not in ${node.enum.join('|')}`);
  switch (node.type) {
    case 'string': if (typeof value !== 'string') errs.push(`${path}: not a string`); break;
    case 'integer': if (!Number.isInteger(value)) errs.push(`${path}: not an integer`); break;
    case 'number': if (typeof value !== 'number') errs.push(`${path}: not a number`); break;
    case 'boolean': if (typeof value !== 'boolean') errs.push(`${path}: not a boolean`); break;
    case 'array':
      if (!Array.isArray(value)) { errs.push(`${path}: not an array`); break; }
      value.forEach((v, i) => errs.push(...validate(schema, v, node.items, `${path}[${i}]`)));
      break;
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) { errs.push(`${path}: not an object`); break; }
      for (const k of node.required ?? []) if (!(k in value)) errs.push(`${path}.${k}: missing`);
      for (const [k, v] of Object.entries(value)) {
        if (node.properties?.[k]) errs.push(...validate(schema, v, node.properties[k], `${path}.${k}`));
        else if (node.additionalProperties === false) errs.push(`${path}.${k}: not in the schema`);
      }
      break;
    }
    default: break;
  }
  return errs;
}

const checkedIn = JSON.parse(readFileSync(join(ROOT, 'web/src/chat/prompt.schema.json'), 'utf8'));
let printed = null;
try { printed = JSON.parse(execFileSync(BIN, ['schema', 'prompt'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })); } catch {}
const schema = printed ?? checkedIn;
const promptSchema = { ...schema, $ref: '#/$defs/Prompt' };
const inputSchema = { ...schema, $ref: '#/$defs/Input' };

let srv;
before(async () => {
  srv = await startServer();
  // Services outside their 受付期間 (the event template) are opened so every template is walked.
  const admin = await srv.admin();
  for (const svc of (await admin.get('/api/services')).json.items) {
    const { definition } = (await admin.get(`/api/services/${svc.id}`)).json;
    if (!definition.available) continue;
    delete definition.available;
    assert.equal((await admin.put(`/api/services/${svc.id}`, { definition })).status, 200);
    assert.equal((await admin.post(`/api/services/${svc.id}/publish`, {})).status, 200);
  }
});
after(async () => { await srv?.cleanup(); });

test('the schema the web types are generated from is what the server prints', () => {
  assert.ok(printed, '`madoguchi schema prompt` prints the schema');
  assert.deepEqual(checkedIn, printed,
    'web/src/chat/prompt.schema.json is stale: run `madoguchi schema prompt > web/src/chat/prompt.schema.json`, '
    + 'then `cd web && npx vitest run -u src/chat/prompt-types.test.ts`');
});

test('the validator catches what it must', () => {
  assert.deepEqual(validate(promptSchema, { type: 'message', text: 'x' }), []);
  assert.match(validate(promptSchema, { type: 'message', text: 'x', extra: 1 }).join(), /extra: not in the schema/);
  assert.match(validate(promptSchema, { type: 'question', step_id: 's', input: 'text', text: 'x', format: 'zip' }).join(), /not in/);
  assert.match(validate(promptSchema, { type: 'summary', text: 'x' }).join(), /items: missing/);
  assert.match(validate(promptSchema, { type: 'nope' }).join(), /no alternative/);
  assert.deepEqual(validate(inputSchema, { type: 'command', command: 'edit', step_id: 'a' }), []);
  assert.match(validate(inputSchema, { type: 'command', command: 'fly' }).join(), /not in/);
});

// Plausible answers chosen from what the prompt says it needs (the format is the point).
function answerFor(q, attachmentId) {
  const options = (q.choices ?? []).filter((c) => !c.value.startsWith('__'));
  switch (q.input) {
    case 'multi_choice': return { type: 'choices', values: [options[0].value] };
    case 'choice': case 'rating':
      return { type: 'choice', value: (options[0] ?? q.choices[0]).value };
    case 'confirm': return { type: 'choice', value: 'confirm' };
    case 'consent': return { type: 'choice', value: q.choices[0].value }; // 同意する
    case 'date': return { type: 'date', date: q.max_date ?? q.min_date ?? '2025-04-01' };
    case 'location': return { type: 'location', lat: 35.6812, lng: 139.7671, address: '千代田区千代田1-1' };
    case 'photo': return { type: 'photo', attachment_id: attachmentId };
    default: break;
  }
  switch (q.format) {
    case 'phone': return { type: 'text', text: '090-1234-5678' };
    case 'email': return { type: 'text', text: 'taro@example.jp' };
    case 'kana': return { type: 'text', text: 'ヤマダ タロウ' };
    case 'number': return { type: 'text', text: String(q.min ?? 1) };
    case 'postal_code': return { type: 'choice', value: '__unknown__' };
    default: break;
  }
  if (/確認書/.test(q.text)) return { type: 'text', text: '12345678' };
  if (/住所|所在地/.test(q.text)) return { type: 'text', text: '東京都千代田区千代田1-1' };
  return { type: 'text', text: '山田 太郎' };
}

test('every prompt of every bundled template validates against the schema', async () => {
  const resident = srv.client();
  const { items } = (await resident.get('/api/public/demo/services')).json;
  const keys = readdirSync(join(ROOT, 'templates')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  keys.push('shisetsu-yoyaku'); // the demo's 施設予約 (templates/demo-reservations), walked too
  assert.deepEqual(items.map((s) => s.service_key).sort(), keys.sort(), 'the demo publishes every bundled template');

  const seen = { types: new Set(), inputs: new Set(), formats: new Set() };
  const check = (prompts, where) => {
    for (const p of prompts) {
      assert.deepEqual(validate(promptSchema, p), [], `${where}: ${JSON.stringify(p).slice(0, 400)}`);
      seen.types.add(p.type);
      if (p.type === 'question') { seen.inputs.add(p.input); if (p.format) seen.formats.add(p.format); }
    }
  };
  for (const svc of items) {
    let r = await resident.post('/api/public/demo/chat', { service_id: svc.id });
    assert.equal(r.status, 201, r.text);
    const session = r.json.session_id;
    check(r.json.prompts, svc.service_key);
    let wrongOnce = false;
    for (let step = 0; step < 60 && !r.json.done; step++) {
      const q = [...r.json.prompts].reverse().find((p) => p.type === 'question');
      assert.ok(q, `${svc.service_key}: no question in ${JSON.stringify(r.json.prompts).slice(0, 300)}`);
      let attachment = 0;
      if (q.input === 'photo') {
        const up = await resident.request('POST', `/api/public/demo/chat/${session}/attachments?filename=a.png`,
          { raw: PNG, headers: { 'content-type': 'image/png' } });
        assert.equal(up.status, 201, up.text);
        attachment = up.json.attachment_id;
      }
      // One wrong answer to a phone question, to see an error prompt.
      const input = !wrongOnce && q.format === 'phone' ? { type: 'text', text: 'でんわ' } : answerFor(q, attachment);
      if (q.format === 'phone') wrongOnce = true;
      assert.deepEqual(validate(inputSchema, input), []);
      r = await resident.post(`/api/public/demo/chat/${session}/input`, input);
      assert.equal(r.status, 200, r.text);
      check(r.json.prompts, `${svc.service_key} after ${JSON.stringify(input)}`);
    }
    assert.ok(r.json.done, `${svc.service_key} did not finish`);
  }
  assert.deepEqual([...seen.types].sort(), ['completion', 'error', 'message', 'question', 'summary']);
  for (const input of ['text', 'choice', 'multi_choice', 'date', 'location', 'photo', 'rating', 'confirm'])
    assert.ok(seen.inputs.has(input), `no ${input} question seen`);
  // Each text format reaches the client (the web picks keyboards and autofill from it).
  for (const f of ['email', 'kana', 'number', 'phone', 'postal_code'])
    assert.ok(seen.formats.has(f), `no ${f} question seen: ${[...seen.formats]}`);
  assert.ok(seen.inputs.has('consent'), 'a template with a privacy notice asks for consent');
});

test('text questions carry their limits', async () => {
  const resident = srv.client();
  const { items } = (await resident.get('/api/public/demo/services')).json;
  const juminhyo = items.find((s) => s.service_key === 'juminhyo');
  const s = await resident.post('/api/public/demo/chat', { service_id: juminhyo.id });
  const session = s.json.session_id;
  let r = s;
  const questions = {};
  for (let i = 0; i < 20 && !questions.phone; i++) {
    const q = [...r.json.prompts].reverse().find((p) => p.type === 'question');
    questions[q.step_id] = q;
    r = await resident.post(`/api/public/demo/chat/${session}/input`, answerFor(q));
  }
  assert.equal(questions.name.max_length, 40);
  assert.equal(questions.name.format, undefined);
  assert.equal(questions.kana.format, 'kana');
  assert.equal(questions.kana.max_length, 60);
  assert.deepEqual([questions.copies.format, questions.copies.min, questions.copies.max], ['number', 1, 10]);
  assert.equal(questions.phone.format, 'phone');
});

test('the residents\' list says what a service costs, not 無料 for fees per choice', async () => {
  const { items } = (await srv.client().get('/api/public/demo/services')).json;
  const fees = Object.fromEntries(items.map((s) => [s.service_key, s.fees]));
  assert.deepEqual(fees.juminhyo, { from: 300, varies: true });
  assert.deepEqual(fees['sodai-gomi'], { from: 200, varies: true });
  assert.deepEqual(fees['inu-toroku'], { from: 3000, varies: true });
  assert.equal(fees['road-damage'], null);
  for (const s of items) assert.ok('fees' in s, `${s.service_key} has no fees outline`);
});
