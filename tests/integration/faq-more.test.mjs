// FAQ, the parts added after the first FAQ branch (issue 14): garbage sorting inside answers
// (Kameoka's real dictionary, web and LINE), passages from the town's web pages (upload, URL
// fetch with its guards), the embeddable widget page, generative answers against a fake
// endpoint. One server + line-sim; SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BACKEND, expectError } from './harness.mjs';
import { startStack, waitMessages, messageText, actionsOf, lastSeq } from './line-harness.mjs';

const KAMEOKA = join(ROOT, 'tests/data/5374/kameoka');
let sim;
let srv;
let admin;
let site;  // a fake town web site on loopback (allowed by MADOGUCHI_TEST_FETCH_LOOPBACK)
const pages = {};

function startSite() {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      const p = pages[req.url];
      if (!p) { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<p>no</p>'); return; }
      res.writeHead(p.status ?? 200, { 'content-type': p.type ?? 'text/html; charset=utf-8', ...(p.headers ?? {}) });
      res.end(p.body ?? '');
    });
    s.listen(0, '127.0.0.1', () => resolve({ server: s, base: `http://127.0.0.1:${s.address().port}` }));
  });
}

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-f', '-'], { input: text, encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8' });
}

before(async () => {
  site = await startSite();
  process.env.MADOGUCHI_TEST_FETCH_LOOPBACK = '1';
  ({ sim, srv } = await startStack());
  admin = await srv.admin();
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
  site?.server.close();
});

const ask = (body) => srv.client().post('/api/public/demo/faq/ask', body);

test('garbage sorting: any spelling → category, how to put it out, next day in the district', async () => {
  const files = {};
  for (const f of ['area_days.csv', 'center.csv', 'description.csv', 'target.csv'])
    files[f] = readFileSync(join(KAMEOKA, f)).toString('base64');
  const imp = await admin.post('/api/garbage/import', { files, skip_bad_cells: true });
  assert.equal(imp.status, 200, imp.text);
  assert.ok(imp.json.items > 1700);

  // Hiragana for a kanji name, no district: the category, how to put it out, the districts.
  let r = await ask({ q: 'ざぶとんの捨て方' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.ok(r.json.garbage.items.every((i) => i.name.includes('座布団')), r.text.slice(0, 400));
  assert.equal(r.json.garbage.area, null);
  assert.equal(r.json.garbage.areas.length, 25);
  assert.ok(r.json.question_id > 0 && r.json.token);
  // Half-width katakana with the district: its next collection day.
  r = await ask({ q: 'ｱｼﾌｷﾏｯﾄ', area: '旭町' });
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.equal(r.json.garbage.items.length, 1);
  const mat = r.json.garbage.items[0];
  assert.equal(mat.category, '燃やすしかないごみ');
  assert.match(mat.notice, /緑色のごみ袋/);
  assert.match(mat.next, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(mat.next_label, /^\d+月\d+日（[日月火水木金土]）$/);
  assert.ok([2, 5].includes(new Date(`${mat.next}T00:00:00Z`).getUTCDay()), mat.next);  // 旭町: 火 金
  // Part of several names: choices (at most 13), then one tapped.
  r = await ask({ q: 'キャップ' });
  assert.equal(r.json.outcome, 'garbage', r.text.slice(0, 300));
  assert.ok(r.json.garbage.items.length > 1 && r.json.garbage.items.length <= 13);
  const tapped = await ask({ garbage_item: r.json.garbage.items[0].name, area: '旭町' });
  assert.equal(tapped.status, 200, tapped.text);
  assert.equal(tapped.json.garbage.items[0].name, r.json.garbage.items[0].name);
  assert.equal(tapped.json.garbage.area, '旭町');
  // A question that is not about garbage is not taken for an item.
  r = await ask({ q: '住民票の写しを取りたい' });
  assert.notEqual(r.json.outcome, 'garbage');
  // Bad inputs.
  expectError(assert, await ask({ garbage_item: '' }), 400, 'invalid');
  expectError(assert, await ask({ garbage_item: 'そんな品目はない' }), 404, 'not_found');
  expectError(assert, await ask({ q: 'テレビ', area: 12 }), 400, 'invalid');
  expectError(assert, await ask({ q: 'テレビ', area: 'x'.repeat(400) }), 400, 'invalid');
  const bad = await srv.client().request('POST', '/api/public/demo/faq/ask', { raw: '{"q": "テレ', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400, bad.text);

  // LINE: no district yet → the answer offers 受信設定; with 旭町 → the next collection day.
  const user = await sim.createUser('ごみ 住民');
  let seq = await lastSeq(sim, user);
  await sim.text(user, 'あしふきまっと');
  let ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /解決しましたか/.test(messageText(x))) });
  assert.ok(ms.some((x) => /「足ふきマット」は【燃やすしかないごみ】です。\n出し方：/.test(messageText(x))), ms.map(messageText).join('|'));
  const last = ms.find((x) => /解決しましたか/.test(messageText(x)));
  assert.ok(actionsOf(last).some((a) => a.label === '受信設定'), JSON.stringify(last));

  assert.equal((await admin.post('/api/resident-attributes', { key: 'garbage_area', label: 'ごみ収集地区', type: 'text' })).status, 201);
  const rid = Number(sql(srv.db, `SELECT resident_id FROM resident_identities WHERE channel = 'line' AND external_id = '${user}';`).trim());
  assert.ok(rid > 0);
  const put = await admin.put(`/api/residents/${rid}/attributes`, { values: { garbage_area: '旭町' } });
  assert.equal(put.status, 200, put.text);
  seq = await lastSeq(sim, user);
  await sim.text(user, 'キャップ');
  ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /どれのことですか/.test(messageText(x))) });
  const choices = actionsOf(ms.find((x) => /どれのことですか/.test(messageText(x))));
  assert.ok(choices.length >= 2 && choices.length <= 13, JSON.stringify(choices));
  assert.equal(choices.at(-1).label, 'どれでもない');
  seq = await lastSeq(sim, user);
  await sim.postback(user, choices[0].data);
  ms = await waitMessages(sim, user, seq, { until: (m) => m.some((x) => /解決しましたか/.test(messageText(x))) });
  const answer = ms.map(messageText).join('\n');
  assert.match(answer, /】です。/);
  const ask2 = ms.find((x) => /解決しましたか/.test(messageText(x)));
  assert.ok(!actionsOf(ask2).some((a) => a.label === '受信設定'), 'the district is known');
  // 旭町's next collection day when the category has one.
  const body = tapped.json.garbage.items[0];
  if (body.next_label) assert.match(answer, /旭町の次の収集日：\d+月\d+日/);
});

test('passages from web pages: fetch with guards, upload, answers with the source link, re-import', async () => {
  const page = (h2, text) => `<!doctype html><html><head><title>ごみの持ち込み｜デモ町</title><script>alert(1)</script></head><body><nav>トップ 組織から探す</nav><main><h1>ごみの持ち込み</h1><h2>${h2}</h2><p>${text}</p></main></body></html>`;
  pages['/gomi.html'] = { body: page('受付時間', 'クリーンセンターへの持ち込みは平日の午前9時から午後4時までです。') };
  pages['/big.html'] = { body: `<p>${'あ'.repeat(800 * 1024)}</p>` };  // 2.4 MB of UTF-8
  pages['/to-private'] = { status: 302, headers: { location: 'http://10.0.0.1/secret' } };
  pages['/to-file'] = { status: 302, headers: { location: 'file:///etc/passwd' } };
  pages['/data.json'] = { type: 'application/json', body: '{"a":1}' };
  const url = `${site.base}/gomi.html`;

  // Refused before any connection: bad URLs, private and loopback-by-name addresses.
  for (const bad of ['ftp://example.com/a', 'javascript:alert(1)', 'http://10.0.0.1/', 'http://192.168.1.1/x', 'http://[fd00::1]/', 'http://169.254.169.254/latest', 'http://user:pw@example.com/', 'not a url', 'x'.repeat(1200)])
    expectError(assert, await admin.post('/api/faq/pages/fetch', { urls: [bad] }), 400, 'invalid');
  expectError(assert, await admin.post('/api/faq/pages/fetch', { urls: [] }), 400, 'invalid');
  expectError(assert, await admin.post('/api/faq/pages/fetch', { urls: [1] }), 400, 'invalid');
  expectError(assert, await admin.post('/api/faq/pages/fetch', { urls: Array(11).fill(url) }), 400, 'invalid');
  const malformed = await admin.request('POST', '/api/faq/pages/fetch', { raw: '{"urls": [', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400, malformed.text);

  // Fetched: one good page; the others fail each with its reason and change nothing.
  let r = await admin.post('/api/faq/pages/fetch', { urls: [url, `${site.base}/big.html`, `${site.base}/to-private`, `${site.base}/to-file`, `${site.base}/data.json`, `${site.base}/missing.html`] });
  assert.equal(r.status, 200, r.text);
  const by = Object.fromEntries(r.json.results.map((x) => [x.source.replace(site.base, ''), x]));
  assert.equal(by['/gomi.html'].ok, true);
  assert.equal(by['/gomi.html'].passages, 1);
  assert.match(by['/big.html'].error, /大きすぎ/);
  assert.match(by['/to-private'].error, /内部ネットワーク/);
  assert.equal(by['/to-file'].ok, false);
  assert.match(by['/data.json'].error, /HTML/);
  assert.match(by['/missing.html'].error, /404/);
  let list = await admin.get('/api/faq/pages');
  assert.deepEqual(list.json.items.map((x) => [x.source, x.title, x.passages]), [[url, 'ごみの持ち込み｜デモ町', 1]]);

  // A resident's question finds the passage, with its source link.
  r = await ask({ q: 'クリーンセンターへの持ち込みは何時から' });
  assert.equal(r.status, 200, r.text);
  assert.ok(['answered', 'candidates'].includes(r.json.outcome), r.text);
  assert.equal(r.json.entries[0].url, url);
  assert.equal(r.json.entries[0].question, '受付時間');
  assert.match(r.json.entries[0].answer, /午前9時/);
  assert.ok(!/alert|組織から探す/.test(r.json.entries[0].answer));
  // A tapped passage (negative id) answers too.
  const chosen = await ask({ entry_id: r.json.entries[0].id });
  assert.equal(chosen.status, 200, chosen.text);
  assert.equal(chosen.json.entries[0].url, url);

  // Re-import replaces the page's passages.
  pages['/gomi.html'] = { body: page('受付時間（変更）', 'クリーンセンターへの持ち込みは土曜日の午前中も受け付けます。') };
  r = await admin.post('/api/faq/pages/fetch', { urls: [url] });
  assert.equal(r.json.results[0].ok, true, r.text);
  r = await ask({ q: 'クリーンセンターへの持ち込みは何時から' });
  assert.match(r.json.entries[0].answer, /土曜日/);
  assert.ok(!r.json.entries.some((e) => /午後4時/.test(e.answer)), 'old passage gone');

  // Upload: a Shift_JIS file with its public URL; bad uploads refused.
  // 「犬の登録」「保健所で受け付けます」 in Shift_JIS.
  const sjis = Buffer.concat([Buffer.from('<html><body><h2>'), Buffer.from('8ca282cc936f985e', 'hex'), Buffer.from('</h2><p>'), Buffer.from('95db8c928f8a82c58ef382af957482af82dc82b7', 'hex'), Buffer.from('</p></body></html>')]);
  // Bytes that are neither UTF-8 nor Shift_JIS are dropped, not stored.
  const mixed = Buffer.concat([Buffer.from('<p>'), Buffer.from([0x8c, 0xa2, 0xff, 0xfe]), Buffer.from('犬</p>')]);
  r = await admin.post('/api/faq/pages/upload', { pages: [{ name: 'mixed.html', html: mixed.toString('base64') }] });
  assert.equal(r.status, 200, r.text);
  r = await admin.post('/api/faq/pages/upload', { pages: [{ name: 'inu.html', url: 'https://www.town.example.jp/inu.html', html: sjis.toString('base64') }, { name: 'local.html', html: Buffer.from('<p>ファイルだけのページ</p>').toString('base64') }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.results.map((x) => x.source), ['https://www.town.example.jp/inu.html', 'file:local.html']);
  r = await ask({ q: '犬の登録はどこで受け付けますか' });
  assert.equal(r.json.entries[0]?.url, 'https://www.town.example.jp/inu.html', r.text);
  assert.equal(r.json.entries[0].question, '犬の登録');
  expectError(assert, await admin.post('/api/faq/pages/upload', { pages: [{ name: 'big.html', html: Buffer.alloc(2 * 1024 * 1024 + 10, 0x41).toString('base64') }] }), 413, 'file_too_large');
  expectError(assert, await admin.post('/api/faq/pages/upload', { pages: [{ name: 'a.html', url: 'javascript:alert(1)', html: 'PHA+' }] }), 400, 'invalid');
  expectError(assert, await admin.post('/api/faq/pages/upload', { pages: [{ name: 'a.html', html: 12 }] }), 400, 'invalid');
  expectError(assert, await admin.post('/api/faq/pages/upload', { pages: 'x' }), 400, 'invalid');
  list = await admin.get('/api/faq/pages');
  assert.equal(list.json.items.length, 3);  // mixed.html kept no passage
  // Delete; operators may not change pages.
  const del = await admin.request('DELETE', `/api/faq/pages?source=${encodeURIComponent('file:local.html')}`);
  assert.equal(del.status, 200, del.text);
  expectError(assert, await admin.request('DELETE', `/api/faq/pages?source=${encodeURIComponent('file:local.html')}`), 404, 'not_found');
  assert.equal((await admin.get('/api/faq/pages')).json.items.length, 2);
  assert.ok((await admin.get('/api/audit')).text.includes('faq.pages_fetch'));
});
