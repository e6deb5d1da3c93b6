// LINE channel test support: a `madoguchi line-sim` child on a free port, the real server wired
// to it (--demo-line-sim), a control-API client for virtual residents, and a generic driver that
// walks a service dialog on LINE the way a resident would (tap quick replies / flex buttons,
// pick dates, send locations and photos, type plausible answers).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { BIN, freePort, startServer, freshDatabase, Client } from './harness.mjs';

export const SECRET = 'demo-secret';
export const TOKEN = 'demo-token';
export const MENU_RE = /ご利用になりたい手続きを選んでください/;
export const RECEIPT_RE = /[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}/;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function sign(raw, secret = SECRET) {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

// Starts line-sim. webhookUrl may be set later with sim.settings({webhookUrl}).
export async function startLineSim({ webhookUrl = 'http://127.0.0.1:9/none', extra = [] } = {}) {
  const port = await freePort();
  const proc = spawn(BIN, ['line-sim', '--listen', `127.0.0.1:${port}`, '--webhook-url', webhookUrl,
    '--channel-secret', SECRET, '--access-token', TOKEN, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 60000;
  while (!/line-sim listening on port \d+/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`line-sim exited ${proc.exitCode}: ${err}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');  // else it keeps the test file's process alive
      throw new Error(`line-sim did not start: ${out} ${err}`);
    }
    await sleep(20);
  }
  return new LineSim(`http://127.0.0.1:${port}`, proc, () => err);
}

export class LineSim {
  constructor(base, proc, stderr) {
    this.base = base;
    this.proc = proc;
    this.stderr = stderr;
  }
  async call(method, path, body, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      if (Buffer.isBuffer(body)) init.body = body;
      else {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers['content-type'] ??= 'application/json';
      }
    }
    const r = await fetch(this.base + path, init);
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch {}
    return { status: r.status, json, text };
  }
  async ok(method, path, body, headers) {
    const r = await this.call(method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status}: ${r.text.slice(0, 300)}`);
    return r.json;
  }
  async createUser(displayName = '住民', opts = {}) {
    return (await this.ok('POST', '/sim/users', { displayName, ...opts })).userId;
  }
  act(user, kind, body, { wait = true } = {}) {
    return this.ok('POST', `/sim/users/${user}/${kind}${wait ? '?wait=1' : ''}`, body);
  }
  text(user, text, o) { return this.act(user, 'text', { text }, o); }
  postback(user, data, params, o) { return this.act(user, 'postback', params ? { data, params } : { data }, o); }
  location(user, o) {
    return this.act(user, 'location', { latitude: 35.6812, longitude: 139.7671, title: '現場', address: '千代田区千代田1-1' }, o);
  }
  image(user, o) { return this.act(user, 'image', { base64: TINY_PNG, contentType: 'image/png' }, o); }
  async messages(user, after = 0) {
    return (await this.ok('GET', `/sim/users/${user}/messages?after=${after}`)).messages;
  }
  settings(s) { return this.ok('POST', '/sim/settings', s); }
  faults(f) { return this.ok('POST', '/sim/faults', f); }
  clearFaults() { return this.ok('DELETE', '/sim/faults'); }
  flush() { return this.ok('POST', '/sim/flush?wait=1'); }
  waitIdle(timeoutMs = 10000) { return this.ok('POST', '/sim/webhooks/wait-idle', { timeoutMs }); }
  async webhooks(after = 0) { return (await this.ok('GET', `/sim/webhooks?after=${after}`)); }
  redeliver(webhookEventId) { return this.ok('POST', '/sim/webhooks/redeliver?wait=1', { webhookEventId }); }
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode) return;
    const done = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await done;
  }
}

// 1×1 PNG.
export const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

// line-sim + madoguchi (demo tenant wired to it). Returns {sim, srv, webhookUrl, stop()}.
export async function startStack({ db = freshDatabase(), simExtra = [] } = {}) {
  const sim = await startLineSim({ extra: simExtra });
  const srv = await startServer({ db, extra: ['--demo-line-sim', sim.base] });
  const webhookUrl = `${srv.base}/line/demo/webhook`;
  await sim.settings({ webhookUrl });
  return { sim, srv, db, webhookUrl };
}

// Waits until user has messages after `after` and no new one arrived for `quietMs`.
export async function waitMessages(sim, user, after, { quietMs = 250, timeoutMs = 10000, until } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  let changedAt = Date.now();
  for (;;) {
    const ms = await sim.messages(user, after);
    if (ms.length !== last.length) { last = ms; changedAt = Date.now(); }
    if (last.length && (until ? until(last) : Date.now() - changedAt >= quietMs)) return last;
    if (Date.now() > deadline) return last;
    await sleep(40);
  }
}

export function messageText(m) {
  const msg = m.message ?? m;
  if (msg.type === 'text') return msg.text;
  if (msg.type === 'flex') return msg.altText;
  if (msg.type === 'template') return msg.altText;
  return `[${msg.type}]`;
}

// All actions a message offers: quick replies, template actions and flex buttons.
export function actionsOf(m) {
  const msg = m.message ?? m;
  const out = [];
  for (const it of msg.quickReply?.items ?? []) if (it.action) out.push(it.action);
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.type === 'button' && n.action) out.push(n.action);
    for (const k of ['contents', 'body', 'footer', 'header', 'hero']) walk(n[k]);
  };
  if (msg.type === 'flex') walk(msg.contents);
  if (msg.type === 'template') for (const a of msg.template?.actions ?? []) out.push(a);
  return out;
}

// ---------------------------------------------------------------- the generic resident
const ISO = (d) => d.toISOString().slice(0, 10);

// A date inside [min, max]; prefers `preferred` when it fits.
export function pickDate(min, max, preferred) {
  if (preferred && (!min || preferred >= min) && (!max || preferred <= max)) return preferred;
  if (min && max) {
    const a = Date.parse(min), b = Date.parse(max);
    return ISO(new Date(a + Math.floor((b - a) / 86400000 / 2) * 86400000));
  }
  if (max) return max;
  if (min) return min;
  return '2025-04-01';
}

// A plausible typed answer for a question.
export function textAnswer(question) {
  const q = question;
  const ex = q.match(/例[：:]\s*([^、,，。）)\n]+)/);
  if (/確認書/.test(q) && /8桁/.test(q)) return '12345678';
  if (/フリガナ|カナ|ｶﾅ/.test(q)) return 'ヤマダ タロウ';
  if (/メール/.test(q)) return 'taro@example.jp';
  if (/電話/.test(q)) return '090-1234-5678';
  if (/郵便番号/.test(q)) return '100-0001';
  if (/住所|所在地|場所/.test(q)) return '千代田区千代田1-1';
  if (/人数|通数|何人|何通|お客様番号|番号を入力|数を/.test(q)) return '1';
  if (ex) return ex[1].trim();
  if (/氏名|お名前|名前/.test(q)) return /犬/.test(q) ? 'ポチ' : '山田 太郎';
  if (/口座/.test(q)) return 'デモ銀行 本店 普通 1234567';
  return '特にありません。テストです。';
}

const AVOID = /^(戻る|修正|やめる|中止|最初から|キャンセル|いいえ|訂正)/;
const CONFIRM = /この内容で申請|申請する|送信する|この内容で/;

// Decides what a resident does next, given the bot's latest batch of messages.
function makeDecider(preferredDate) {
  let lastPromptText = null;
  let tappedInPrompt = 0;
  return (batch) => {
    const withActions = [...batch].reverse().find((m) => actionsOf(m).length);
    const promptMsg = withActions ?? batch[batch.length - 1];
    const promptText = messageText(promptMsg);
    if (promptText === lastPromptText) tappedInPrompt++;
    else tappedInPrompt = 0;
    lastPromptText = promptText;
    const acts = withActions ? actionsOf(withActions) : [];
    const done = acts.find((a) => /__done__/.test(a.data ?? ''));
    const confirm = acts.find((a) => CONFIRM.test(a.label ?? ''));
    const date = acts.find((a) => a.type === 'datetimepicker');
    const loc = acts.find((a) => a.type === 'location');
    const cam = acts.find((a) => a.type === 'camera' || a.type === 'cameraRoll');
    const choices = acts.filter((a) => (a.type === 'postback' || a.type === 'message') && !AVOID.test(a.label ?? '') &&
      !/__done__|mg=e&|mg=c&|mg=m&/.test(a.data ?? ''));
    const act = (a) => (a.type === 'message' ? { kind: 'text', text: a.text } : { kind: 'postback', data: a.data, label: a.label });
    if (confirm) return act(confirm);
    // Multi-choice: one choice, then 選択を終える.
    if (done && (/選択中/.test(promptText) || tappedInPrompt > 0)) return act(done);
    if (date) {
      const preferred = /生年月日/.test(promptText) ? (preferredDate ?? '1960-02-03') : undefined;
      return { kind: 'postback', data: date.data, label: date.label, params: { date: pickDate(date.min, date.max, preferred) } };
    }
    if (loc) return { kind: 'location' };
    if (cam) return { kind: 'image' };
    if (choices.length) return act(choices[Math.min(tappedInPrompt, choices.length - 1)]);
    return { kind: 'text', text: textAnswer(promptText) };
  };
}

export function describe(m) {
  const acts = actionsOf(m);
  return `< [${m.endpoint}] ${messageText(m).replace(/\n/g, ' ⏎ ').slice(0, 300)}${acts.length ? '  {' + acts.map((a) => a.label ?? a.type).join(' | ') + '}' : ''}`;
}

export async function lastSeq(sim, user) {
  const all = await sim.messages(user, 0);
  return all.length ? all[all.length - 1].seq : 0;
}

// Walks one service to its receipt number. With resume: true it goes on from the bot's latest
// messages (the dialog already open). Returns {receipt, transcript}; on failure receipt is null
// and the transcript shows where it stopped.
// `completedBy`: a message text that marks completion when none shows a receipt number (surveys).
export async function completeService(sim, user, serviceTitle, { maxSteps = 60, preferredDate, resume = false, completedBy } = {}) {
  const transcript = [];
  const log = (s) => transcript.push(s);
  const decide = makeDecider(preferredDate);
  const all = await sim.messages(user, 0);
  let seq = all.length ? all[all.length - 1].seq : 0;
  let batch;
  let action;
  if (resume) {
    // the latest reply: messages sharing the last request id
    const lastReq = all[all.length - 1]?.requestId;
    batch = all.filter((m) => m.requestId === lastReq);
    for (const m of batch) log(describe(m));
    action = decide(batch);
  } else {
    // Open the menu (the greeting's, or by typing), then pick the service from its postbacks.
    const menuMsg = [...all].reverse().find((m) => actionsOf(m).some((a) => /mg=s&/.test(a.data ?? '')));
    if (menuMsg) batch = [menuMsg];
    else {
      log('> メニュー');
      await sim.text(user, 'メニュー');
      batch = await waitMessages(sim, user, seq);
      seq = Math.max(seq, ...batch.map((m) => m.seq));
    }
    let start = null;
    for (let page = 0; page < 5; page++) {
      const acts = batch.flatMap(actionsOf);
      start = acts.find((a) => a.type === 'postback' && /mg=s&/.test(a.data) &&
        (a.displayText === serviceTitle || a.label === serviceTitle || serviceTitle.startsWith(a.label)));
      if (start) break;
      const more = acts.find((a) => /mg=m&/.test(a.data ?? ''));
      if (!more) break;
      log(`> (postback ${more.label}) ${more.data}`);
      await sim.postback(user, more.data);
      batch = await waitMessages(sim, user, seq);
      seq = Math.max(seq, ...batch.map((m) => m.seq));
    }
    if (!start) {
      log(`no menu action for ${serviceTitle}: ${JSON.stringify(batch.map((m) => m.message)).slice(0, 2000)}`);
      return { receipt: null, transcript };
    }
    action = { kind: 'postback', data: start.data, label: start.label };
  }
  for (let step = 0; step < maxSteps; step++) {
    let r;
    if (action.kind === 'postback') {
      log(`> (postback ${action.label ?? ''}) ${action.data}${action.params ? ' ' + JSON.stringify(action.params) : ''}`);
      r = await sim.postback(user, action.data, action.params);
    } else if (action.kind === 'text') { log(`> ${action.text}`); r = await sim.text(user, action.text); }
    else if (action.kind === 'location') { log('> (location)'); r = await sim.location(user); }
    else if (action.kind === 'image') { log('> (image)'); r = await sim.image(user); }
    if (r?.delivery && r.delivery.status !== 200) log(`  (webhook answered ${r.delivery.status})`);
    batch = await waitMessages(sim, user, seq);
    for (const m of batch) log(describe(m));
    if (!batch.length) { log('(no answer within 10 s)'); return { receipt: null, transcript }; }
    seq = Math.max(seq, ...batch.map((m) => m.seq));
    for (const m of batch) {
      const t = messageText(m);
      if (/受付番号/.test(t) && RECEIPT_RE.test(t)) return { receipt: t.match(RECEIPT_RE)[0], transcript };
      if (completedBy && completedBy.test(t)) return { receipt: null, completed: true, transcript };
    }
    // The dialog ended without a receipt (closed, stopped): the service menu came back.
    if (batch.some((m) => MENU_RE.test(messageText(m)))) {
      log('(the dialog ended without a receipt number)');
      return { receipt: null, transcript };
    }
    action = decide(batch);
  }
  log(`(gave up after ${maxSteps} steps)`);
  return { receipt: null, transcript };
}

// Starts madoguchi again on an existing database (no demo password is printed then) and points
// line-sim's webhooks at it.
// `extra`: more serve options (e.g. --line-api-allow URL).
export async function restartServer(old, sim, extra = []) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    ...old.db.args, '--demo-line-sim', sim.base, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  proc.stdout.on('data', () => {});
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${err}`);
    try { if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200) break; } catch {}
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not restart: ${err}`);
    }
    await sleep(50);
  }
  await sim.settings({ webhookUrl: `${base}/line/demo/webhook` });
  const srv = {
    ...old, base, port, proc, stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await done;
    },
    client() { return new Client(base); },
    async admin() {
      const c = new Client(base);
      const r = await c.login('demo', 'admin@demo.example', old.password);
      if (r.status !== 200) throw new Error(`admin login failed: ${r.text}`);
      return c;
    },
  };
  return srv;
}

export { startServer, freshDatabase };
