// LINE: the privacy notice (個人情報の取扱い) arrives as text with 同意する / 同意しない quick
// replies before the first personal question; 同意しない offers やめる; agreeing lets the
// resident finish and the consent is stored with the application. The location question keeps
// LINE's 位置情報 quick reply, with no web-only wording. SQLite or PostgreSQL (MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  startStack, completeService, waitMessages, messageText, actionsOf, describe, lastSeq, MENU_RE,
} from './line-harness.mjs';

let sim;
let srv;
let admin;

before(async () => {
  const s = await startStack();
  sim = s.sim;
  srv = s.srv;
  admin = await srv.admin();
});

after(async () => {
  for (const c of [sim, srv]) {
    if (!c || c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

async function tap(u, action) {
  const seq = await lastSeq(sim, u);
  await sim.postback(u, action.data);
  return waitMessages(sim, u, seq);
}

async function openService(u, title) {
  const menu = await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU_RE.test(messageText(m))) });
  let acts = menu.flatMap(actionsOf);
  let start = acts.find((a) => /mg=s&/.test(a.data ?? '') && (a.displayText === title || a.label === title || title.startsWith(a.label)));
  for (let page = 0; !start && page < 5; page++) {
    const more = acts.find((a) => /mg=m&/.test(a.data ?? ''));
    assert.ok(more, `menu offers ${title}`);
    acts = (await tap(u, more)).flatMap(actionsOf);
    start = acts.find((a) => /mg=s&/.test(a.data ?? '') && (a.displayText === title || a.label === title || title.startsWith(a.label)));
  }
  return tap(u, start);
}

const byLabel = (batch, label) => batch.flatMap(actionsOf).find((a) => a.label === label);

test('住民票 on LINE: notice with quick replies, 同意しない → やめる offered, 同意する → finish; consent stored', async () => {
  const u = await sim.createUser('同意 テスト');
  let batch = await openService(u, '住民票の写しの請求');
  const self = byLabel(batch, '本人');
  assert.ok(self, batch.map(describe).join('\n'));
  batch = await tap(u, self);
  const text = batch.map(messageText).join('\n');
  assert.match(text, /個人情報の取扱いについて/);
  assert.match(text, /利用目的/);
  assert.match(text, /保存期間/);
  assert.match(text, /https:\/\/www\.example\.lg\.jp\/privacy\//);
  assert.doesNotMatch(text, /お名前を入力/, 'the name is not asked before consent');
  const agree = byLabel(batch, '同意する');
  const decline = byLabel(batch, '同意しない');
  assert.ok(agree && decline, batch.map(describe).join('\n'));
  assert.equal(agree.type, 'postback');

  batch = await tap(u, decline);
  assert.match(batch.map(messageText).join('\n'), /続けられません/);
  const quit = byLabel(batch, 'やめる');
  assert.ok(quit, batch.map(describe).join('\n'));
  batch = await tap(u, byLabel(batch, '同意する'));
  assert.match(batch.map(messageText).join('\n'), /お名前を入力/, batch.map(describe).join('\n'));

  const { receipt, transcript } = await completeService(sim, u, '住民票の写しの請求', { resume: true });
  assert.ok(receipt, transcript.join('\n'));
  const list = await admin.get(`/api/applications?q=${receipt}`);
  const app = list.json.items.find((a) => a.receipt_number === receipt);
  assert.ok(app, list.text);
  const detail = await admin.get(`/api/applications/${app.id}`);
  assert.equal(detail.status, 200, detail.text);
  assert.equal(detail.json.privacy_consent.notice_version, '2025-04');
  assert.match(detail.json.privacy_consent.notice_sha256, /^[0-9a-f]{64}$/);
  assert.equal(typeof detail.json.privacy_consent.agreed_at, 'number');
});

test('住民票 on LINE: 同意しない then やめる ends the dialog without an application', async () => {
  const before = (await admin.get('/api/applications')).json.items.length;
  const u = await sim.createUser('同意しない テスト');
  let batch = await openService(u, '住民票の写しの請求');
  batch = await tap(u, byLabel(batch, '本人'));
  batch = await tap(u, byLabel(batch, '同意しない'));
  batch = await tap(u, byLabel(batch, 'やめる'));
  assert.match(batch.map(messageText).join('\n'), /中止しました/, batch.map(describe).join('\n'));
  assert.equal((await admin.get('/api/applications')).json.items.length, before);
});

test('道路・公園の損傷 on LINE: the location question keeps the 位置情報 quick reply', async () => {
  const u = await sim.createUser('位置 テスト');
  let batch = await openService(u, '道路・公園の損傷の連絡');
  const first = batch.flatMap(actionsOf).find((a) => /mg=v&/.test(a.data ?? ''));
  assert.ok(first, batch.map(describe).join('\n'));
  batch = await tap(u, first);
  const seq = await lastSeq(sim, u);
  await sim.image(u);
  batch = await waitMessages(sim, u, seq);
  const loc = batch.flatMap(actionsOf).find((a) => a.type === 'location');
  assert.ok(loc, batch.map(describe).join('\n'));
  assert.match(batch.map(messageText).join('\n'), /場所/);
});
