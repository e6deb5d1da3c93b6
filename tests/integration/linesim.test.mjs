// line-sim end to end: the real binary, a tiny webhook receiver that checks LINE's signature,
// and the Messaging API behaviours bots depend on. Run: node --test tests/integration/linesim.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

const BIN = process.env.MG_BIN || new URL('../../build/madoguchi', import.meta.url).pathname;
const SECRET = 'it-channel-secret';
const TOKEN = 'it-access-token';

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// The bot side: records every webhook and whether its signature verified.
function startReceiver() {
  const hooks = [];
  const waiters = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = createHmac('sha256', SECRET).update(raw).digest('base64');
      const got = req.headers['x-line-signature'] || '';
      const valid = got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
      const hook = { body: JSON.parse(raw.toString('utf8')), valid, headers: req.headers };
      hooks.push(hook);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      for (const w of waiters.splice(0)) w();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/line/demo/webhook`,
        hooks,
        setStatus(s) { status = s; },
        // Resolves with the webhook carrying the given event ID.
        async waitFor(eventId, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const h = hooks.find((x) => x.body.events.some((e) => e.webhookEventId === eventId));
            if (h) return h;
            if (Date.now() > deadline) throw new Error(`no webhook for ${eventId}`);
            await new Promise((r) => { waiters.push(r); setTimeout(r, 100); });
          }
        },
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

let sim;
let bot;
let base;

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const r = await fetch(base + path, init);
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, headers: r.headers, json, text };
}
const api = (method, path, body, headers = {}) =>
  call(method, path, body, { authorization: `Bearer ${TOKEN}`, ...headers });
const simCall = (method, path, body) => call(method, path, method === 'GET' ? undefined : (body ?? {}));
const texts = (n) => Array.from({ length: n }, (_, i) => ({ type: 'text', text: `m${i}` }));

before(async () => {
  bot = await startReceiver();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  sim = spawn(BIN, ['line-sim', '--listen', `127.0.0.1:${port}`, '--webhook-url', bot.url,
    '--channel-secret', SECRET, '--access-token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  sim.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 15000;
  for (;;) {
    if (sim.exitCode !== null) throw new Error(`line-sim exited ${sim.exitCode}: ${err}`);
    try {
      if ((await fetch(`${base}/sim/health`)).status === 200) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`line-sim did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (sim && sim.exitCode === null) {
    const done = new Promise((r) => sim.once('exit', r));
    sim.kill('SIGTERM');
    await done;
  }
  await bot?.close();
});

async function newResident(name = '上砂川 花子') {
  const r = await simCall('POST', '/sim/users', { displayName: name });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('follow, text and postback arrive as signed webhooks shaped like LINE', async () => {
  const { userId, event } = await newResident();
  assert.match(userId, /^U[0-9a-f]{32}$/);
  const follow = await bot.waitFor(event.webhookEventId);
  assert.ok(follow.valid, 'signature verifies with the channel secret');
  assert.equal(follow.headers['user-agent'], 'LineBotWebhook/2.0');
  assert.match(follow.body.destination, /^U[0-9a-f]{32}$/);
  const fe = follow.body.events[0];
  assert.equal(fe.type, 'follow');
  assert.deepEqual(fe.source, { type: 'user', userId });
  assert.deepEqual(fe.deliveryContext, { isRedelivery: false });
  assert.equal(fe.mode, 'active');
  assert.equal(fe.follow.isUnblocked, false);
  assert.match(fe.webhookEventId, /^[0-9A-HJKMNP-TV-Z]{26}$/);

  const t = await simCall('POST', `/sim/users/${userId}/text?wait=1`, { text: '住民票がほしい' });
  assert.equal(t.status, 200);
  assert.equal(t.json.delivery.status, 200, 'the bot answer is recorded');
  const te = (await bot.waitFor(t.json.event.webhookEventId)).body.events[0];
  assert.equal(te.type, 'message');
  assert.equal(te.message.type, 'text');
  assert.equal(te.message.text, '住民票がほしい');
  assert.ok(te.message.id && te.message.quoteToken && te.replyToken);

  const p = await simCall('POST', `/sim/users/${userId}/postback`, { data: 'action=book', params: { date: '2025-04-01' } });
  const pe = (await bot.waitFor(p.json.event.webhookEventId)).body.events[0];
  assert.equal(pe.type, 'postback');
  assert.deepEqual(pe.postback, { data: 'action=book', params: { date: '2025-04-01' } });
});

test('reply with a valid token is recorded; reusing it is 400', async () => {
  const { userId } = await newResident();
  const t = await simCall('POST', `/sim/users/${userId}/text`, { text: 'hello' });
  const replyToken = t.json.event.replyToken;
  const r = await api('POST', '/v2/bot/message/reply', { replyToken, messages: [{ type: 'text', text: 'こんにちは' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sentMessages.length, 1);
  assert.ok(r.headers.get('x-line-request-id'));
  const got = await simCall('GET', `/sim/users/${userId}/messages`);
  assert.equal(got.json.messages.length, 1);
  assert.equal(got.json.messages[0].endpoint, 'reply');
  assert.equal(got.json.messages[0].message.text, 'こんにちは');

  const again = await api('POST', '/v2/bot/message/reply', { replyToken, messages: texts(1) });
  assert.equal(again.status, 400);
  assert.deepEqual(again.json, { message: 'Invalid reply token' });
});

test('an expired reply token is rejected after one minute', async () => {
  const { userId } = await newResident();
  const t = await simCall('POST', `/sim/users/${userId}/text?wait=1`, { text: 'late' });
  await simCall('POST', '/sim/clock', { advanceMs: 61000 });
  try {
    const r = await api('POST', '/v2/bot/message/reply', { replyToken: t.json.event.replyToken, messages: texts(1) });
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'Invalid reply token');
  } finally {
    await simCall('POST', '/sim/clock', { offsetMs: 0 });
  }
});

test('a wrong or missing access token is 401 with LINE\'s body', async () => {
  const r = await call('POST', '/v2/bot/message/push', { to: 'x', messages: texts(1) }, { authorization: 'Bearer nope' });
  assert.equal(r.status, 401);
  assert.equal(r.json.message, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
  assert.ok(r.headers.get('x-line-request-id'));
  const none = await call('GET', '/v2/bot/message/quota');
  assert.equal(none.status, 401);
});

test('six messages are a 400 with details; bad message fields name their property', async () => {
  const { userId } = await newResident();
  const r = await api('POST', '/v2/bot/message/push', { to: userId, messages: texts(6) });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { message: 'The request body has 1 error(s)', details: [{ message: 'Size must be between 1 and 5', property: 'messages' }] });

  const bad = await api('POST', '/v2/bot/message/push', {
    to: userId,
    messages: [{ type: 'text', text: 'x'.repeat(5001) }, { type: 'text' }],
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, 'The request body has 2 error(s)');
  assert.deepEqual(bad.json.details.map((d) => d.property), ['messages[0].text', 'messages[1].text']);

  const parse = await api('POST', '/v2/bot/message/push', '{"to":');
  assert.equal(parse.status, 400);
  assert.match(parse.json.message, /^The request body could not be parsed as JSON \(line: 1, column: \d+\)$/);
});

test('repeating an X-Line-Retry-Key is 409 with x-line-accepted-request-id', async () => {
  const { userId } = await newResident();
  const key = crypto.randomUUID();
  const first = await api('POST', '/v2/bot/message/push', { to: userId, messages: texts(1) }, { 'X-Line-Retry-Key': key });
  assert.equal(first.status, 200);
  const second = await api('POST', '/v2/bot/message/push', { to: userId, messages: texts(1) }, { 'X-Line-Retry-Key': key });
  assert.equal(second.status, 409);
  assert.equal(second.json.message, 'The retry key is already accepted');
  assert.deepEqual(second.json.sentMessages, first.json.sentMessages);
  assert.equal(second.headers.get('x-line-accepted-request-id'), first.headers.get('x-line-request-id'));
  const got = await simCall('GET', `/sim/users/${userId}/messages`);
  assert.equal(got.json.messages.length, 1);
  assert.equal(got.json.messages[0].retryKey, key);

  const onReply = await api('POST', '/v2/bot/message/reply', { replyToken: 'x', messages: texts(1) }, { 'X-Line-Retry-Key': crypto.randomUUID() });
  assert.equal(onReply.status, 400);
});

test('fault switches give 500s, 429 bursts and per-endpoint rate limits', async () => {
  const { userId } = await newResident();
  await simCall('POST', '/sim/faults', { fail500: 1, rateLimit429: 1 });
  const push = () => api('POST', '/v2/bot/message/push', { to: userId, messages: texts(1) });
  assert.equal((await push()).status, 500);
  const limited = await push();
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.json, { message: 'The API rate limit has been exceeded. Try again later.' });
  assert.equal((await push()).status, 200);

  await simCall('POST', '/sim/rate-limits', { 'POST /v2/bot/message/push': { limit: 1, windowMs: 60000 } });
  try {
    assert.equal((await push()).status, 200);
    assert.equal((await push()).status, 429);
  } finally {
    await simCall('POST', '/sim/rate-limits', { 'POST /v2/bot/message/push': { limit: 2000, windowMs: 1000 } });
  }
});

test('multicast over 500 recipients is rejected', async () => {
  const to = Array.from({ length: 501 }, () => `U${'0'.repeat(32)}`);
  const r = await api('POST', '/v2/bot/message/multicast', { to, messages: texts(1) });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json.details, [{ message: 'Size must be between 1 and 500', property: 'to' }]);
});

test('a photo sent by a resident can be downloaded by the bot', async () => {
  const { userId } = await newResident();
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  const r = await fetch(`${base}/sim/users/${userId}/image`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes });
  const j = await r.json();
  assert.equal(j.event.message.type, 'image');
  const c = await fetch(`${base}/v2/bot/message/${j.event.message.id}/content`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(c.status, 200);
  assert.equal(c.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await c.arrayBuffer()), bytes);
});

test('rich menu: create, upload, default and per-user link, alias switch', async () => {
  const { userId } = await newResident();
  const menu = {
    size: { width: 2500, height: 843 }, selected: true, name: 'main', chatBarText: 'メニュー',
    areas: [{ bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'menu=apply' } },
      { bounds: { x: 1250, y: 0, width: 1250, height: 843 }, action: { type: 'message', text: '予約' } }],
  };
  const tooSmall = await api('POST', '/v2/bot/richmenu', { ...menu, size: { width: 100, height: 100 } });
  assert.equal(tooSmall.status, 400);
  const created = await api('POST', '/v2/bot/richmenu', menu);
  assert.equal(created.status, 200, created.text);
  const id = created.json.richMenuId;
  assert.match(id, /^richmenu-[0-9a-f]{32}$/);
  const early = await api('POST', `/v2/bot/user/all/richmenu/${id}`);
  assert.equal(early.status, 400, 'an image must be uploaded first');

  const png = pngHeader(2500, 843);
  const up = await fetch(`${base}/v2/bot/richmenu/${id}/content`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/png' }, body: png });
  assert.equal(up.status, 200);
  const again = await fetch(`${base}/v2/bot/richmenu/${id}/content`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/png' }, body: png });
  assert.equal(again.status, 400);
  assert.equal((await api('POST', `/v2/bot/user/all/richmenu/${id}`)).status, 200);
  const eff = await simCall('GET', `/sim/users/${userId}/richmenu`);
  assert.equal(eff.json.richMenu.richMenuId, id);
  assert.equal((await api('GET', `/v2/bot/user/${userId}/richmenu`)).status, 404, 'no per-user link yet');
  assert.equal((await api('POST', `/v2/bot/user/${userId}/richmenu/${id}`)).status, 200);
  assert.equal((await api('GET', `/v2/bot/user/${userId}/richmenu`)).json.richMenuId, id);
  assert.equal((await api('POST', '/v2/bot/richmenu/alias', { richMenuAliasId: 'main-a', richMenuId: id })).status, 200);
  const sw = await simCall('POST', `/sim/users/${userId}/richmenu-switch`, { richMenuAliasId: 'main-a', data: 'tab=a' });
  assert.deepEqual(sw.json.event.postback, { data: 'tab=a', params: { newRichMenuAliasId: 'main-a', status: 'SUCCESS' } });
  const list = await api('GET', '/v2/bot/richmenu/list');
  assert.ok(list.json.richmenus.some((m) => m.richMenuId === id));
  assert.equal((await api('DELETE', `/v2/bot/richmenu/${id}`)).status, 200);
  assert.equal((await api('GET', `/v2/bot/richmenu/${id}`)).status, 404);
});

test('failed webhooks are redelivered with the same webhookEventId when enabled', async () => {
  const { userId } = await newResident();
  await simCall('POST', '/sim/settings', { redelivery: true, redeliveryDelayMs: 50, redeliveryAttempts: 1 });
  bot.setStatus(500);
  try {
    const t = await simCall('POST', `/sim/users/${userId}/text`, { text: 'again?' });
    const id = t.json.event.webhookEventId;
    const deadline = Date.now() + 5000;
    let copies = [];
    while (copies.length < 2 && Date.now() < deadline) {
      copies = bot.hooks.flatMap((h) => h.body.events).filter((e) => e.webhookEventId === id);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(copies.length, 2);
    assert.equal(copies[0].deliveryContext.isRedelivery, false);
    assert.equal(copies[1].deliveryContext.isRedelivery, true);
    const log = await simCall('GET', '/sim/webhooks');
    assert.ok(log.json.deliveries.some((d) => d.webhookEventIds.includes(id) && d.status === 500));
  } finally {
    bot.setStatus(200);
    await simCall('POST', '/sim/settings', { redelivery: false });
  }
});

test('several events can travel in one webhook', async () => {
  const a = await newResident('A');
  const b = await newResident('B');
  const r = await simCall('POST', '/sim/events', { events: [
    { userId: a.userId, action: 'text', text: 'one' },
    { userId: b.userId, action: 'location', latitude: 43.48, longitude: 141.98, title: '役場', address: '上砂川町' },
  ] });
  assert.equal(r.status, 200, r.text);
  const hook = await bot.waitFor(r.json.events[0].webhookEventId);
  assert.equal(hook.body.events.length, 2);
  assert.equal(hook.body.events[1].message.type, 'location');
});

test('the phone page is served with test ids', async () => {
  const r = await fetch(`${base}/phone`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  const html = await r.text();
  assert.match(html, /data-testid="chat-input"/);
});

// A PNG signature and IHDR chunk are all line-sim reads to learn the image size.
function pngHeader(w, h) {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
}
