// Issue 9 item 17: staff work without JSON or API calls. Publishing an unchanged draft makes
// no version; a bundled template becomes a draft in a real (non-demo) municipality; the draft
// says how it differs from what is published; lookup lists (名簿) are uploaded as Excel CSV
// (Shift_JIS or UTF-8), checked, previewed, replaced, listed and downloaded per tenant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, expectError, Client } from './harness.mjs';

let srv, admin, other;
before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  cli(srv.db, ['tenant', 'create', '--code', 'nyuzen', '--name', '入善町']);
  cli(srv.db, ['admin', 'create', '--tenant', 'nyuzen', '--email', 'admin@nyuzen.example', '--password-stdin'], 'nyuzen-password-1\n');
  other = new Client(srv.base);
  assert.equal((await other.login('nyuzen', 'admin@nyuzen.example', 'nyuzen-password-1')).status, 200);
});
after(async () => { await srv?.cleanup(); });

const csv = (text) => ({ raw: text, headers: { 'content-type': 'text/csv' } });
const serviceByKey = async (c, key) => (await c.get('/api/services')).json.items.find((s) => s.service_key === key);

test('publishing an unchanged draft makes no new version; a changed one does and the list says what changed', async () => {
  const s = await serviceByKey(admin, 'survey');
  assert.equal(s.draft_changed, false);
  assert.deepEqual(s.draft_changes, []);
  const versions = (await admin.get(`/api/services/${s.id}`)).json.versions.length;
  const audit = (await admin.get('/api/audit')).json.items.length;
  const same = await admin.post(`/api/services/${s.id}/publish`, {});
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.new_version, false);
  assert.equal(same.json.version, s.published_version);
  assert.match(same.json.message, /新しい版は作りませんでした/);
  assert.equal((await admin.get(`/api/services/${s.id}`)).json.versions.length, versions);
  assert.equal((await admin.get('/api/audit')).json.items.length, audit, 'nothing happened, nothing audited');

  // The same draft re-saved with its keys in another order is still unchanged.
  const def = (await admin.get(`/api/services/${s.id}/export`)).json;
  const reordered = Object.fromEntries(Object.entries(def).reverse());
  assert.equal((await admin.put(`/api/services/${s.id}`, { definition: reordered })).status, 200);
  assert.equal((await admin.post(`/api/services/${s.id}/publish`, {})).json.new_version, false);

  // Unpublished, then published again unchanged: back on line, still no new version.
  assert.equal((await admin.post(`/api/services/${s.id}/unpublish`, {})).status, 200);
  const back = await admin.post(`/api/services/${s.id}/publish`, {});
  assert.equal(back.json.new_version, false);
  assert.equal((await serviceByKey(admin, 'survey')).status, 'published');

  // A real change: the list names it in Japanese, and publishing makes version +1.
  const changed = structuredClone(def);
  changed.title = `${def.title}（改）`;
  changed.steps[0].text = `${changed.steps[0].text}（変更）`;
  changed.steps.splice(1, 0, { id: 'added_q', kind: 'text', label: '追加の質問', text: 'ご意見をどうぞ', optional: true });
  assert.equal((await admin.put(`/api/services/${s.id}`, { definition: changed })).status, 200);
  const listed = await serviceByKey(admin, 'survey');
  assert.equal(listed.draft_changed, true);
  const messages = listed.draft_changes.map((c) => c.message);
  assert.ok(messages.includes('サービス名が変わりました'), messages.join(' / '));
  assert.ok(messages.includes('手順「追加の質問」が追加されました'), messages.join(' / '));
  assert.ok(messages.some((m) => /の質問文が変わりました$/.test(m)), messages.join(' / '));
  assert.deepEqual((await admin.get(`/api/services/${s.id}`)).json.draft_changes, listed.draft_changes);
  const pub = await admin.post(`/api/services/${s.id}/publish`, {});
  assert.equal(pub.json.new_version, true);
  assert.equal(pub.json.version, s.published_version + 1);
  assert.equal((await serviceByKey(admin, 'survey')).draft_changed, false);
  // Never published: nothing to compare with.
  const draft = await admin.post('/api/services', { definition: { ...def, service_key: 'survey-draft-only' } });
  assert.equal(draft.status, 201, draft.text);
  const never = await serviceByKey(admin, 'survey-draft-only');
  assert.equal(never.draft_changes, null);
  assert.equal(never.draft_changed, false);
  // Residents' list says nothing about drafts.
  assert.ok(!(await srv.client().get('/api/public/demo/services')).text.includes('draft_change'));
});

test('a real municipality adds a bundled template from the gallery as a draft, then publishes it', async () => {
  const gallery = await other.get('/api/service-templates');
  assert.equal(gallery.status, 200, gallery.text);
  const items = gallery.json.items;
  assert.ok(items.length >= 10);
  const dog = items.find((t) => t.key === 'inu-toroku');
  assert.ok(dog.description.length > 0);
  assert.ok(dog.steps.every((s) => typeof s.kind_label === 'string' && s.kind_label.length > 0));
  assert.ok(dog.steps.some((s) => s.kind_label === '選択' && s.choices.length > 0), 'choices are listed');
  assert.equal(dog.service_id, null, 'not added yet');
  assert.equal((await other.get('/api/services')).json.items.length, 0);

  const added = await other.post('/api/service-templates/inu-toroku', {});
  assert.equal(added.status, 201, added.text);
  assert.equal(added.json.status, 'draft');
  assert.equal(added.json.published_version, null);
  assert.equal((await other.get('/api/service-templates')).json.items.find((t) => t.key === 'inu-toroku').service_id, added.json.id);
  // Residents do not see a draft.
  const pubList = async () => JSON.stringify((await new Client(srv.base).get('/api/public/nyuzen/services')).json);
  assert.ok(!(await pubList()).includes(added.json.title));
  // Adding it twice would overwrite the town's edits: refused.
  expectError(assert, await other.post('/api/service-templates/inu-toroku', {}), 409, 'conflict');
  expectError(assert, await other.post('/api/service-templates/no-such-template', {}), 404);
  expectError(assert, await other.post('/api/service-templates/..%2Fpackage', {}), 404);
  const pub = await other.post(`/api/services/${added.json.id}/publish`, {});
  assert.equal(pub.status, 200);
  assert.equal(pub.json.version, 1);
  assert.ok((await pubList()).includes(added.json.title));
  const audit = (await other.get('/api/audit')).json.items.map((a) => a.action);
  assert.ok(audit.includes('service.create_from_template'));
});

// 確認書番号,生年月日 / 55554444,1970/5/6 in Shift_JIS (CP932), as Excel saves "CSV (コンマ区切り)".
const SJIS_LIST = Buffer.concat([
  Buffer.from('8a6d94468f9194d48d86', 'hex'), Buffer.from(','), Buffer.from('90b6944e8c8e93fa', 'hex'),
  Buffer.from('\r\n55554444,1970/5/6\r\n'),
]);

test('a lookup list: preview, replace from Shift_JIS, list, download; a resident then passes the lookup', async () => {
  let lists = (await admin.get('/api/lookups')).json.items;
  let k = lists.find((l) => l.name === 'kyufukin-2025');
  assert.ok(k, JSON.stringify(lists));
  assert.equal(k.uploaded, true, 'the demo loads a sample list');
  assert.deepEqual(k.used_by.map((u) => u.service_title), ['物価高騰対策給付金の申請']);
  assert.deepEqual(k.used_by[0].columns.sort(), ['生年月日', '確認書番号'].sort());

  const preview = await admin.request('POST', '/api/lookups/kyufukin-2025/preview', csv(SJIS_LIST));
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.json.encoding, 'Shift_JIS');
  assert.deepEqual(preview.json.columns, ['確認書番号', '生年月日']);
  assert.equal(preview.json.row_count, 1);
  assert.deepEqual(preview.json.rows, [['55554444', '1970/5/6']]);
  assert.equal((await admin.get('/api/lookups')).json.items.find((l) => l.name === 'kyufukin-2025').rows, 3, 'preview stores nothing');

  const put = await admin.request('PUT', '/api/lookups/kyufukin-2025?file_name=%E5%90%8D%E7%B0%BF.csv', csv(SJIS_LIST));
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.rows, 1);
  k = (await admin.get('/api/lookups')).json.items.find((l) => l.name === 'kyufukin-2025');
  assert.equal(k.rows, 1);
  assert.equal(k.replaced_by, 'デモ管理者');
  assert.equal(k.file_name, '名簿.csv');
  assert.equal(k.encoding, 'Shift_JIS');
  assert.ok(Math.abs(k.replaced_at - Date.now()) < 60000);

  const dl = await admin.get('/api/lookups/kyufukin-2025/download');
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /text\/csv/);
  assert.equal(dl.text, '確認書番号,生年月日\r\n55554444,1970/5/6\r\n'); // fetch's text() drops the BOM
  const bytes = Buffer.from(await (await fetch(`${srv.base}/api/lookups/kyufukin-2025/download`, { headers: { cookie: admin.cookieHeader() } })).arrayBuffer());
  assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with BOM, so Excel opens it');
  expectError(assert, await admin.get('/api/lookups/never-uploaded/download'), 404);

  // A resident matches the new row (the list's 1970/5/6 against the date answer 1970-05-06).
  const svc = await serviceByKey(admin, 'kyufukin');
  const resident = srv.client();
  const start = await resident.post('/api/public/demo/chat', { service_id: svc.id });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  const say = (input) => resident.post(`/api/public/demo/chat/${s}/input`, input);
  assert.equal((await say({ type: 'text', text: '55554444' })).status, 200);
  const after = await say({ type: 'date', date: '1970-05-06' });
  assert.ok(!JSON.stringify(after.json.prompts).includes('一致しませんでした'), JSON.stringify(after.json.prompts));
  await say({ type: 'text', text: '見本銀行 本店 普通 7654321' });
  await say({ type: 'text', text: 'ミホン ハナコ' });
  const done = await say({ type: 'choice', value: 'confirm' });
  assert.equal(done.json.done, true, JSON.stringify(done.json));
  assert.match(done.json.receipt_number, /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
});

test('bad lookup uploads are refused in Japanese and change nothing', async () => {
  const rows = async () => (await admin.get('/api/lookups')).json.items.find((l) => l.name === 'kyufukin-2025');
  const before = await rows();
  const bad = async (body, pattern) => {
    for (const path of ['/api/lookups/kyufukin-2025/preview', '/api/lookups/kyufukin-2025']) {
      const r = await admin.request(path.endsWith('preview') ? 'POST' : 'PUT', path, csv(body));
      expectError(assert, r, 400);
      assert.equal(r.json.error.field, 'csv');
      assert.match(r.json.error.message, pattern, `${path}: ${r.json.error.message}`);
    }
  };
  // Wrong encoding: UTF-16 (Excel's "Unicode text") and bytes that are neither UTF-8 nor Shift_JIS.
  await bad(Buffer.from('\uFEFF確認書番号,生年月日\r\n1,2\r\n', 'utf16le'), /UTF-16/);
  await bad(Buffer.from([0x81, 0x0a, 0x82, 0x0a]), /文字コードを読み取れません/);
  // Too many rows.
  await bad(`確認書番号,生年月日\n${'12345678,1960/1/1\n'.repeat(20001)}`, /行が多すぎます/);
  // A column the service matches on is missing: names the column and the service.
  await bad('確認書番号,氏名\n12345678,魚津\n', /列「生年月日」がありません.*物価高騰対策給付金の申請/);
  // Row and column errors name the row.
  await bad('確認書番号,生年月日\n12345678\n', /2 行目: 列の数が見出しと違います/);
  await bad('確認書番号,,生年月日\n1,2,3\n', /2 列目の見出し/);
  await bad('', /CSV が空です/);
  assert.deepEqual(await rows(), before);
  expectError(assert, await admin.request('PUT', `/api/lookups/${'x'.repeat(65)}`, csv('a\n1\n')), 400);
});

test('another municipality sees none of this tenant\'s lists, and its upload stays its own', async () => {
  const mine = (await other.get('/api/lookups')).json.items;
  assert.deepEqual(mine, []);
  expectError(assert, await other.get('/api/lookups/kyufukin-2025/download'), 404);
  const up = await other.request('PUT', '/api/lookups/kyufukin-2025', csv('確認書番号,生年月日\n99990000,1990/1/1\n'));
  assert.equal(up.status, 200, up.text);
  const demo = (await admin.get('/api/lookups/kyufukin-2025/download')).text;
  assert.ok(!demo.includes('99990000'), 'the other town replaced only its own list');
  const theirs = (await other.get('/api/lookups')).json.items;
  assert.deepEqual(theirs.map((l) => [l.name, l.rows]), [['kyufukin-2025', 1]]);
  assert.notEqual(theirs[0].replaced_by, 'デモ管理者');
  // Roles: a viewer may look at the page but not upload or download residents' data.
  const viewerPw = 'viewer-password-12';
  assert.equal((await admin.post('/api/staff', { email: 'v@demo.example', password: viewerPw, role: 'viewer', name: '閲覧' })).status, 201);
  const viewer = new Client(srv.base);
  assert.equal((await viewer.login('demo', 'v@demo.example', viewerPw)).status, 200);
  assert.equal((await viewer.get('/api/lookups')).status, 200);
  expectError(assert, await viewer.get('/api/lookups/kyufukin-2025/download'), 403);
  expectError(assert, await viewer.request('PUT', '/api/lookups/kyufukin-2025', csv('確認書番号,生年月日\n1,2\n')), 403);
  expectError(assert, await viewer.post('/api/service-templates/survey', {}), 403);
});
