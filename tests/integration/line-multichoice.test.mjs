// issue 9 item 10 on LINE: a multi-select answers each tap with one short line (not the whole
// question again), and the demo tenant has a default rich menu whose areas answer taps.
// line-sim + the real server, SQLite or PostgreSQL (MG_DB). Run:
//   node --test tests/integration/line-multichoice.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  startStack, startLineSim, restartServer, completeService, waitMessages, messageText, actionsOf, describe, lastSeq,
} from './line-harness.mjs';

const MENU = /ご利用になりたい手続きを選んでください/;
const QUESTION = /出したい品目をすべて選んでください/;

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

// Sends one action and returns the bot's whole answer to it (the messages of one reply).
async function tap(u, action) {
  const seq = await lastSeq(sim, u);
  if (action.type === 'message') await sim.text(u, action.text);
  else await sim.postback(u, action.data);
  const ms = await waitMessages(sim, u, seq, { quietMs: 400 });
  assert.ok(ms.length > 0, `no answer to ${action.label}`);
  // LINE's limits hold for every answer: ≤ 5 messages per request, ≤ 13 quick replies.
  const byRequest = new Map();
  for (const m of ms) byRequest.set(m.requestId, (byRequest.get(m.requestId) ?? 0) + 1);
  for (const n of byRequest.values()) assert.ok(n <= 5, ms.map(describe).join('\n'));
  for (const m of ms) assert.ok((m.message.quickReply?.items ?? []).length <= 13, describe(m));
  return ms;
}

const quick = (m) => (m.message.quickReply?.items ?? []).map((i) => i.action);
const byLabel = (ms, re) => ms.flatMap(actionsOf).find((a) => re.test(a.label ?? ''));

async function openSodaiGomi(u) {
  const menu = await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
  const start = menu.flatMap(actionsOf).find((a) => a.displayText === '粗大ごみ収集の申込');
  assert.ok(start, menu.map(describe).join('\n'));
  const first = await tap(u, start);
  assert.ok(first.some((m) => QUESTION.test(messageText(m))), first.map(describe).join('\n'));
  return first;
}

test('multi-select on LINE: each tap gets one short acknowledgement, the question is not repeated', async () => {
  const u = await sim.createUser('粗大 ごみ子');
  const first = await openSodaiGomi(u);
  const sofa = byLabel(first, /^ソファ（1人掛け）（400円）$/);
  const desk = byLabel(first, /^机（400円）$/);
  assert.ok(sofa && desk, first.map(describe).join('\n'));

  let ms = await tap(u, sofa);
  assert.equal(ms.length, 1, ms.map(describe).join('\n'));
  assert.equal(messageText(ms[0]), 'ソファ（1人掛け） を追加しました（選択中：ソファ（1人掛け））');
  assert.doesNotMatch(messageText(ms[0]), QUESTION);
  let acts = quick(ms[0]);
  assert.ok(acts.some((a) => a.label === '✓ソファ（1人掛け）（400円）'), describe(ms[0]));
  assert.ok(acts.some((a) => a.label === '決定'), describe(ms[0]));
  assert.ok(acts.some((a) => a.label === '選び直す'), describe(ms[0]));

  ms = await tap(u, acts.find((a) => a.label === '机（400円）'));
  assert.equal(ms.length, 1, ms.map(describe).join('\n'));
  assert.equal(messageText(ms[0]), '机 を追加しました（選択中：ソファ（1人掛け）、机）');

  // Untick, then the next page, then start over: still one short line each time.
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '✓ソファ（1人掛け）（400円）'));
  assert.equal(messageText(ms[0]), 'ソファ（1人掛け） を外しました（選択中：机）');
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '次へ'));
  assert.equal(ms.length, 1);
  assert.equal(messageText(ms[0]), '続きの選択肢です（選択中：机）');
  const heater = quick(ms[0]).find((a) => /^ストーブ/.test(a.label));
  assert.ok(heater, describe(ms[0]));
  ms = await tap(u, heater);
  assert.equal(messageText(ms[0]), 'ストーブ（灯油を抜いたもの） を追加しました（選択中：机、ストーブ（灯油を抜いたもの））');
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '選び直す'));
  assert.equal(ms.length, 1);
  assert.match(messageText(ms[0]), /選択を取り消しました/);
  assert.ok(!quick(ms[0]).some((a) => a.label.startsWith('✓')), describe(ms[0]));
  ms = await tap(u, quick(ms[0]).find((a) => /^ストーブ/.test(a.label)));
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '前へ'));
  assert.equal(messageText(ms[0]), '前の選択肢です（選択中：ストーブ（灯油を抜いたもの））');
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '机（400円）'));

  // 決定 moves on to the next question, asked in full; the selection reaches the application.
  ms = await tap(u, quick(ms[0]).find((a) => a.label === '決定'));
  assert.ok(ms.some((m) => /収集を希望する日/.test(messageText(m))), ms.map(describe).join('\n'));
  assert.ok(!ms.some((m) => QUESTION.test(messageText(m))), ms.map(describe).join('\n'));
  const { receipt, transcript } = await completeService(sim, u, '粗大ごみ収集の申込', { resume: true });
  assert.ok(receipt, transcript.join('\n'));
  const app = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0];
  const detail = (await admin.get(`/api/applications/${app.id}`)).json;
  const items = detail.answers.find((a) => a.step_id === 'items');
  assert.deepEqual(items.value, ['desk', 'heater'], JSON.stringify(items));
  assert.equal(items.display, '机、ストーブ（灯油を抜いたもの）');
});

test('an unknown or forged tap on a multi-select gets the error or the full question', async () => {
  const u = await sim.createUser('粗大 ごみ夫');
  await openSodaiGomi(u);
  // A choice value that does not exist: the error and the question again (nothing short).
  const ms = await tap(u, { type: 'postback', data: 'mg=v&x=nope&s=items', label: 'bad' });
  assert.ok(ms.some((m) => /選択肢の中から選んでください/.test(messageText(m))), ms.map(describe).join('\n'));
  assert.ok(ms.some((m) => QUESTION.test(messageText(m))), ms.map(describe).join('\n'));
  // A forged step id for another step: the full question, not an acknowledgement.
  const forged = await tap(u, { type: 'postback', data: 'mg=v&x=desk&s=place', label: 'forged' });
  assert.ok(forged.some((m) => QUESTION.test(messageText(m))), forged.map(describe).join('\n'));
  assert.ok(!forged.some((m) => /を追加しました/.test(messageText(m))), forged.map(describe).join('\n'));
});

test('serve --demo --demo-line-sim sets a default rich menu whose areas answer taps', async () => {
  const u = await sim.createUser('メニュー 利用者');
  await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
  const rm = await sim.ok('GET', `/sim/users/${u}/richmenu`);
  assert.ok(rm.richMenu, JSON.stringify(rm));
  assert.equal(rm.richMenu.areas.length, 3);
  assert.ok(rm.imageUrl, JSON.stringify(rm));
  const img = await fetch(sim.base + rm.imageUrl);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type') ?? '', /image\/png/);
  assert.ok((await img.arrayBuffer()).byteLength > 10000, 'the labelled image, not the placeholder');
  const [procedures, mine, report] = rm.richMenu.areas.map((a) => a.action);
  assert.deepEqual([procedures.label, mine.label, report.label], ['手続き', '申請した手続き', '通報する']);

  let ms = await tap(u, procedures);
  assert.ok(ms.some((m) => MENU.test(messageText(m))), ms.map(describe).join('\n'));
  ms = await tap(u, mine);
  assert.match(messageText(ms[0]), /まだ申請した手続きはありません/);
  // 通報する works in the middle of another dialog too (a postback, not a typed answer).
  await openSodaiGomi(u);
  assert.equal(report.type, 'postback');
  ms = await tap(u, report);
  assert.ok(ms.some((m) => /道路・公園の損傷/.test(messageText(m))), ms.map(describe).join('\n'));
  assert.ok(!ms.some((m) => /選択肢の中から|出したい品目/.test(messageText(m))), ms.map(describe).join('\n'));
  const { receipt, transcript } = await completeService(sim, u, '道路・公園の損傷の連絡', { resume: true });
  assert.ok(receipt, transcript.join('\n'));
  ms = await tap(u, mine);
  assert.match(messageText(ms[0]), new RegExp(`受付番号：${receipt}`));
  assert.match(messageText(ms[0]), /道路・公園の損傷の連絡/);
  assert.match(messageText(ms[0]), /状況：/);
});

test('a line-sim that forgot the menu (restarted) gets it again at the next start; a staff default is kept', async () => {
  // A fresh line-sim knows nothing of the menu ID recorded in the database.
  const fresh = await startLineSim();
  try {
    // Stop the running server first: two servers on one database would both keep running (and
    // keep this file's process alive after the tests).
    await srv.stop();
    srv = await restartServer(srv, fresh);
    const u = await fresh.createUser('再起動 後子');
    await waitMessages(fresh, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
    const rm = await fresh.ok('GET', `/sim/users/${u}/richmenu`);
    assert.ok(rm.richMenu && rm.imageUrl, JSON.stringify(rm));
    assert.equal(rm.richMenu.areas.length, 3);

    // Staff make their own menu the default: a restart leaves it alone.
    admin = await srv.admin();
    const menu = { size: { width: 2500, height: 843 }, selected: false, name: '村のメニュー', chatBarText: '村',
      areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', text: 'メニュー', label: 'メニュー' } }] };
    assert.equal((await admin.put('/api/line/rich-menus/village', { menu })).status, 201);
    const d = await admin.post('/api/line/rich-menus/village/default', {});
    assert.equal(d.status, 200, d.text);
    await srv.stop();
    srv = await restartServer(srv, fresh);
    admin = await srv.admin();
    const list = (await admin.get('/api/line/rich-menus')).json;
    assert.equal(list.default, 'village', JSON.stringify(list));
    const rm2 = await fresh.ok('GET', `/sim/users/${u}/richmenu`);
    assert.equal(rm2.richMenu.chatBarText, '村', JSON.stringify(rm2));
  } finally {
    await srv.stop('SIGKILL');
    await fresh.stop();
  }
});
