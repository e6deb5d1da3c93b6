// LINE channel end to end: `madoguchi line-sim` (the LINE platform and virtual residents) and
// the real server wired to it with --demo-line-sim, on SQLite or PostgreSQL (MG_DB).
// Run: node --test tests/integration/line-channel.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ROOT } from './harness.mjs';
import {
  startStack, startLineSim, startServer, freshDatabase, restartServer, completeService, waitMessages,
  messageText, actionsOf, describe, lastSeq, sign, sleep, RECEIPT_RE,
} from './line-harness.mjs';

const GREETING = /友だち追加ありがとうございます/;
const MENU = /ご利用になりたい手続きを選んでください/;

let sim;
let srv;
let admin;
const children = [];

before(async () => {
  const s = await startStack();
  sim = s.sim;
  srv = s.srv;
  children.push(sim, srv);
  admin = await srv.admin();
});

after(async () => {
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode) continue;
    try { await c.stop('SIGKILL'); } catch {}
  }
  if (srv) rmSync(srv.db.dataDir, { recursive: true, force: true });
});

async function residents(client = admin) {
  const r = await client.get('/api/dashboard');
  assert.equal(r.status, 200, r.text);
  return r.json.counts.residents;
}

async function until(what, fn, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function postWebhook(body, { signature, tenant = 'demo' } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${srv.base}/line/${tenant}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': signature ?? sign(raw) },
    body: raw,
  });
}

function ulid() {
  return '01' + randomBytes(12).toString('hex').toUpperCase().slice(0, 24);
}

// Opens 犬の登録 for a new resident and answers up to the dog's name (three text questions follow:
// 犬の名前, 犬の種類, 毛色). Returns the user id.
async function residentAtDogName() {
  const u = await sim.createUser('犬の飼い主', {});
  const menu = await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
  const start = menu.flatMap(actionsOf).find((a) => a.displayText === '犬の登録');
  assert.ok(start, 'menu offers 犬の登録');
  const answers = [
    ['postback', start.data],
    ['text', '山田 太郎'],
    ['text', 'ヤマダ タロウ'],
    ['postback', 'mg=v&x=__unknown__'],
    ['text', '千代田区千代田1-1'],
    ['text', '090-1234-5678'],
  ];
  for (const [kind, v] of answers) {
    const seq = await lastSeq(sim, u);
    if (kind === 'text') await sim.text(u, v);
    else await sim.postback(u, v);
    await waitMessages(sim, u, seq);
  }
  const ms = await sim.messages(u, 0);
  assert.match(messageText(ms[ms.length - 1]), /犬の名前を入力/, ms.map(describe).join('\n'));
  return u;
}

test('follow: greeting and service menu arrive by reply; the resident is counted', async () => {
  const before = await residents();
  const u = await sim.createUser('友だち 一号');
  const ms = await waitMessages(sim, u, 0, { until: (m) => m.some((x) => MENU.test(messageText(x))) });
  assert.ok(ms.some((m) => GREETING.test(messageText(m))), ms.map(describe).join('\n'));
  const menu = ms.find((m) => MENU.test(messageText(m)));
  assert.equal(menu.endpoint, 'reply');
  const services = actionsOf(menu).filter((a) => /mg=s&/.test(a.data ?? ''));
  // Every published service still within its acceptance period (受付期間) is offered.
  const today = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
  const open = readdirSync(join(ROOT, 'templates')).filter((f) => f.endsWith('.json')).filter((f) => {
    const a = JSON.parse(readFileSync(join(ROOT, 'templates', f), 'utf8')).available;
    return !a || ((!a.from || a.from <= today) && (!a.to || a.to >= today));
  });
  // + the demo's 施設予約 (templates/demo-reservations).
  assert.equal(services.length, open.length + 1, 'one postback per service open today');
  await until('residents count to grow', async () => (await residents()) === before + 1);
});

function join(...p) { return p.join('/').replace(/\/+/g, '/'); }

test('a virtual resident completes every bundled template on LINE', async (t) => {
  const up = await admin.request('PUT', '/api/lookups/kyufukin-2025', {
    raw: '確認書番号,生年月日\n12345678,1960-02-03\n', headers: { 'content-type': 'text/csv' },
  });
  assert.equal(up.status, 200, up.text);
  const files = readdirSync(join(ROOT, 'templates')).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 10);
  // A template whose acceptance period is over (event.json: 2025-06-01..2025-07-15) answers
  // 受付は終了しました on any later date; as staff would for the next session, reopen it around today.
  const today = new Date().toISOString().slice(0, 10);
  const services = (await admin.get('/api/services')).json.items;
  for (const f of files) {
    const def = JSON.parse(readFileSync(join(ROOT, 'templates', f), 'utf8'));
    const p = def.available;
    if (!p || ((!p.from || p.from <= today) && (!p.to || p.to >= today))) continue;
    const id = services.find((x) => x.service_key === def.service_key).id;
    const shift = (d, days) => new Date(Date.parse(d) + days * 86400000).toISOString().slice(0, 10);
    def.available = { ...p, from: shift(today, -30), to: shift(today, 30) };
    const put = await admin.put(`/api/services/${id}`, { definition: def });
    assert.equal(put.status, 200, put.text);
    const pub = await admin.post(`/api/services/${id}/publish`, {});
    assert.equal(pub.status, 200, pub.text);
  }
  await Promise.all(files.map((f) => t.test(f, async () => {
    const def = JSON.parse(readFileSync(join(ROOT, 'templates', f), 'utf8'));
    const title = def.title;
    const u = await sim.createUser(`住民 ${f}`);
    await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
    if (def.kind === 'survey') {
      // A survey hands out no 受付番号 (issue 9): it completes, staff have the answer.
      const sid = services.find((x) => x.service_key === def.service_key).id;
      const before = (await admin.get(`/api/applications?service_id=${sid}`)).json.total;
      const done = await completeService(sim, u, title, { completedBy: /ご協力いただき/ });
      assert.ok(done.completed, `${f} (${title}) did not complete on LINE:\n${done.transcript.join('\n')}`);
      assert.ok(!done.transcript.some((l) => /受付番号/.test(l)), done.transcript.join('\n'));
      assert.equal((await admin.get(`/api/applications?service_id=${sid}`)).json.total, before + 1);
      return;
    }
    const { receipt, transcript } = await completeService(sim, u, title);
    assert.ok(receipt, `${f} (${title}) did not complete on LINE:\n${transcript.join('\n')}`);
    const r = await admin.get(`/api/applications?q=${receipt}`);
    assert.equal(r.status, 200, r.text);
    const app = r.json.items.find((a) => a.receipt_number === receipt);
    assert.ok(app, `application ${receipt} not found: ${r.text}`);
    const why = `\n${r.text}\n${transcript.join('\n')}`;
    assert.equal(r.json.items.filter((a) => a.receipt_number === receipt).length, 1, `receipt ${receipt} not unique${why}`);
    assert.equal(app.channel, 'line', why);
    assert.equal(app.service_title, title, `receipt ${receipt} shown to the ${title} resident belongs to another service${why}`);
  })));
});

test('webhook: bad signature → 401 and nothing stored; the same event signed is processed once', async (t) => {
  t.after(() => sim.settings({ hold: false }).then(() => sim.flush()));
  // A real follow (with a reply token line-sim will honour), held in line-sim: we post it by hand.
  const u = await sim.createUser('手作り', { follow: false });
  const before = await residents();
  await sim.settings({ hold: true });
  let event;
  try {
    event = (await sim.act(u, 'follow', {}, { wait: false })).event;
  } catch (e) {
    await sim.settings({ hold: false });
    throw e;
  }
  const body = { destination: (await sim.ok('GET', '/sim/health')).botUserId, events: [event] };
  const raw = JSON.stringify(body);
  let r = await postWebhook(raw, { signature: sign(raw, 'wrong-secret') });
  assert.equal(r.status, 401);
  r = await postWebhook(raw, { signature: 'not base64 at all' });
  assert.equal(r.status, 401);
  r = await fetch(`${srv.base}/line/demo/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
  assert.equal(r.status, 401, 'no signature');
  await sleep(600);
  assert.equal(await residents(), before, 'a rejected webhook must not create a resident');
  assert.equal((await sim.messages(u, 0)).length, 0);

  // unknown tenant
  r = await postWebhook(raw, { tenant: 'no-such-town' });
  assert.ok([401, 404].includes(r.status), `unknown tenant → ${r.status}`);
  // malformed JSON, validly signed
  r = await postWebhook('{"destination":"U1","events":[', {});
  assert.equal(r.status, 400);
  // no events
  r = await postWebhook({ destination: 'U' + '1'.repeat(32), events: [] });
  assert.equal(r.status, 200);

  // The same event, valid, twice (the second is a redelivery): processed once.
  r = await postWebhook(raw);
  assert.equal(r.status, 200);
  r = await postWebhook(raw);
  assert.equal(r.status, 200);
  await until('resident counted', async () => (await residents()) === before + 1);
  // line-sim's own (held) delivery of the same event is a redelivery too.
  await sim.settings({ hold: false });
  await sim.flush();
  const ms = await waitMessages(sim, u, 0, { quietMs: 800 });
  assert.equal(ms[0]?.endpoint, 'reply', ms.map(describe).join('\n'));
  assert.equal(ms.filter((m) => GREETING.test(messageText(m))).length, 1, ms.map(describe).join('\n'));
  assert.equal(ms.filter((m) => MENU.test(messageText(m))).length, 1, ms.map(describe).join('\n'));
});

test('a replaced channel secret is refused at once, the new one accepted', async (t) => {
  const empty = JSON.stringify({ destination: 'U' + '1'.repeat(32), events: [] });
  // Warm the webhook's settings cache with the current secret.
  assert.equal((await postWebhook(empty)).status, 200);
  t.after(async () => {
    const back = await admin.put('/api/line/settings', { channel_secret: 'demo-secret' });
    assert.equal(back.status, 200, back.text);
  });
  const r = await admin.put('/api/line/settings', { channel_secret: 'rotated-secret' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await postWebhook(empty, { signature: sign(empty, 'demo-secret') })).status, 401,
    'the old secret must stop working as soon as the new one is saved');
  assert.equal((await postWebhook(empty, { signature: sign(empty, 'rotated-secret') })).status, 200);
});

test('redelivery of a text event that advanced a dialog does not advance it again', async () => {
  const u = await residentAtDogName();
  const seq = await lastSeq(sim, u);
  const sent = await sim.text(u, 'ポチ');
  const answer = await waitMessages(sim, u, seq);
  assert.match(messageText(answer[answer.length - 1]), /犬の種類/, answer.map(describe).join('\n'));
  const seq2 = await lastSeq(sim, u);
  const re = await sim.redeliver(sent.event.webhookEventId);
  assert.equal(re.delivery?.status ?? 200, 200, JSON.stringify(re));
  await sleep(1500);
  const extra = await sim.messages(u, seq2);
  assert.deepEqual(extra.map(describe), [], 'no second answer for a redelivered event');
  // The dialog is still at 犬の種類: the next answer leads to 毛色.
  await sim.text(u, '柴犬');
  const next = await waitMessages(sim, u, seq2);
  assert.match(messageText(next[next.length - 1]), /毛の色/, next.map(describe).join('\n'));
});

test('out of order: events of one webhook are processed in timestamp order', async () => {
  const u = await residentAtDogName();
  const seq = await lastSeq(sim, u);
  await sim.settings({ batchSize: 3, shuffle: true, hold: true });
  try {
    for (const text of ['ポチ', '柴犬', '茶']) {
      await sim.text(u, text, { wait: false });
      await sleep(15); // distinct timestamps
    }
    await sim.flush();
  } finally {
    await sim.settings({ batchSize: 1, shuffle: false, hold: false });
  }
  const ms = await waitMessages(sim, u, seq, { until: (m) => m.some((x) => /性別/.test(messageText(x))), timeoutMs: 8000 });
  const questions = ms.map(messageText).filter((t) => /入力|選んで/.test(t));
  assert.deepEqual(questions.map((q) => q.split('\n')[0]),
    ['犬の種類を入力してください。', '毛の色を入力してください。', '犬の性別を選んでください。'],
    ms.map(describe).join('\n'));
  // And the answers landed on the right questions.
  const { receipt, transcript } = await completeService(sim, u, '犬の登録', { resume: true });
  assert.ok(receipt, transcript.join('\n'));
  const summary = transcript.find((l) => /申請内容をご確認ください/.test(l)) ?? '';
  assert.match(summary, /犬の名前：ポチ/, transcript.join('\n'));
  assert.match(summary, /犬の種類：柴犬/);
  assert.match(summary, /毛色：茶/);
});

for (const fault of [{ fail500: 2 }, { rateLimit429: 2 }]) {
  test(`Messaging API faults ${JSON.stringify(fault)}: the answer still arrives exactly once`, async () => {
    const u = await sim.createUser(`故障 ${Object.keys(fault)[0]}`, { follow: false });
    await sim.faults(fault);
    try {
      await sim.act(u, 'follow', {});
      const ms = await waitMessages(sim, u, 0, { until: (m) => m.some((x) => MENU.test(messageText(x))), timeoutMs: 20000 });
      await sleep(2500); // any duplicate retry would land by now
      const all = await sim.messages(u, 0);
      assert.equal(all.filter((m) => GREETING.test(messageText(m))).length, 1, all.map(describe).join('\n'));
      assert.equal(all.filter((m) => MENU.test(messageText(m))).length, 1, all.map(describe).join('\n'));
      assert.ok(ms.length >= 2);
      const f = await sim.ok('GET', '/sim/faults');
      assert.equal(f.fail500 ?? 0, 0, `faults consumed: ${JSON.stringify(f)}`);
      assert.equal(f.rateLimit429 ?? 0, 0);
    } finally {
      await sim.clearFaults();
    }
  });
}

test('kill -9 while replies are in flight: after restart every resident has greeting and menu exactly once', { timeout: 180000 }, async () => {
  // Its own line-sim and server, so the kill touches nothing else.
  const ksim = await startLineSim({ extra: ['--redelivery'] });
  children.push(ksim);
  const db = freshDatabase();
  let ksrv = await startServer({ db, extra: ['--demo-line-sim', ksim.base] });
  children.push(ksrv);
  await ksim.settings({ webhookUrl: `${ksrv.base}/line/demo/webhook` });
  try {
    await ksim.faults({ latencyMs: 300 });
    const N = 20;
    const users = [];
    for (let i = 0; i < N; i++) users.push(await ksim.createUser(`住民 ${i}`, { follow: false }));
    // All follow webhooks delivered (stored: 200), replies now trickle out at 300 ms each.
    await Promise.all(users.map((u) => ksim.act(u, 'follow', {})));
    await until('first replies', async () => {
      let n = 0;
      for (const u of users.slice(0, 5)) n += (await ksim.messages(u, 0)).length;
      return n > 0;
    }, 15000);
    await ksrv.stop('SIGKILL');
    const answeredBefore = (await Promise.all(users.map((u) => ksim.messages(u, 0)))).filter((m) => m.length).length;
    assert.ok(answeredBefore < N, `the kill came too late: all ${N} residents were already answered`);
    ksrv = await restartServer(ksrv, ksim);
    children.push(ksrv);
    await ksim.clearFaults();
    const counts = async () => Promise.all(users.map(async (u) => {
      const ms = await ksim.messages(u, 0);
      return {
        u,
        greeting: ms.filter((m) => GREETING.test(messageText(m))).length,
        menu: ms.filter((m) => MENU.test(messageText(m))).length,
        endpoints: ms.map((m) => m.endpoint).join(','),
      };
    }));
    let c;
    try {
      await until('every resident greeted', async () => {
        c = await counts();
        return c.every((x) => x.greeting >= 1 && x.menu >= 1);
      }, 100000);
    } catch (e) {
      assert.fail(`${e.message} (answered before kill: ${answeredBefore}/${N}):\n${c.map((x) => JSON.stringify(x)).join('\n')}\n${ksrv.stderr().slice(-2000)}`);
    }
    await sleep(2000);
    c = await counts();
    const bad = c.filter((x) => x.greeting !== 1 || x.menu !== 1);
    assert.deepEqual(bad, [], `answered before kill: ${answeredBefore}/${N}`);
    const k = await ksrv.admin();
    assert.equal(await residents(k), N);
  } finally {
    await ksrv.stop('SIGKILL');
    await ksim.stop();
    rmSync(db.dataDir, { recursive: true, force: true });
  }
});

test('after submitting on LINE, status changes and correction requests reach the resident', async () => {
  const u = await sim.createUser('通知 太郎');
  await waitMessages(sim, u, 0, { until: (ms) => ms.some((m) => MENU.test(messageText(m))) });
  const { receipt, transcript } = await completeService(sim, u, '学校の欠席連絡');
  assert.ok(receipt, transcript.join('\n'));
  const app = (await admin.get(`/api/applications?q=${receipt}`)).json.items[0];
  let seq = await lastSeq(sim, u);
  assert.equal((await admin.patch(`/api/applications/${app.id}`, { status: 'in_progress' })).status, 200);
  const status = await waitMessages(sim, u, seq, { until: (ms) => ms.some((m) => /処理中/.test(messageText(m))) });
  const notice = status.find((m) => /処理中/.test(messageText(m)));
  assert.match(messageText(notice), new RegExp(receipt));
  assert.equal(notice.endpoint, 'push');
  seq = await lastSeq(sim, u);
  const corr = await admin.post(`/api/applications/${app.id}/corrections`, { step_ids: ['class'], reason: '学年・組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  const asked = await waitMessages(sim, u, seq, { until: (ms) => ms.some((m) => /学年・組を確認してください/.test(messageText(m))) });
  assert.ok(asked.some((m) => /組/.test(messageText(m)) && !/確認してください/.test(messageText(m))), asked.map(describe).join('\n'));
  seq = await lastSeq(sim, u);
  await sim.text(u, '3年1組');
  const summary = await waitMessages(sim, u, seq, { until: (ms) => ms.some((m) => actionsOf(m).length > 0) });
  const confirm = summary.flatMap(actionsOf).find((a) => /申請|送信|確定|はい/.test(a.label ?? a.displayText ?? ''));
  assert.ok(confirm, summary.map(describe).join('\n'));
  seq = await lastSeq(sim, u);
  await sim.postback(u, confirm.data);
  const done = await waitMessages(sim, u, seq, { until: (ms) => ms.some((m) => new RegExp(receipt).test(messageText(m)) || /\{\{/.test(messageText(m))) });
  assert.ok(!done.some((m) => /\{\{receipt_number\}\}/.test(messageText(m))), done.map(describe).join('\n'));
  assert.ok(done.some((m) => messageText(m).includes(`受付番号：${receipt}`)), done.map(describe).join('\n'));
  await until('the application to be corrected', async () => {
    const d = (await admin.get(`/api/applications/${app.id}`)).json;
    return d.answers.some((a) => a.display === '3年1組') && d.corrections[0]?.status === 'resolved';
  });
});
