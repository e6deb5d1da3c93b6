// Two `serve` processes on one PostgreSQL database behind Debian's nginx (issue 15). LINE
// residents (line-sim, redelivery on, webhooks through nginx) and web residents use both while
// process A is killed with SIGKILL several times (mid-webhook, mid-turn/mid-send, mid-fan-out)
// and restarted: every event is answered exactly once, every application stored once, every
// campaign recipient reached once, and A's claimed work is taken over within seconds (short
// leases). Then the load balancer: request ids and client addresses through nginx, a SIGKILL
// under load fails at most the requests in flight, a SIGTERM'd process drains without failing
// any. PostgreSQL only: SQLite is one process by design.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN, BACKEND, freePort, freshDatabase, Client } from './harness.mjs';
import { startLineSim, messageText, sleep } from './line-harness.mjs';

const PG = BACKEND === 'postgres';
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const SKIP = !PG ? 'PostgreSQL only: several processes share one database (run with MG_DB=postgres)'
  : !NGINX ? 'nginx is not installed (./setup installs it)' : false;
const GREETING = /友だち追加ありがとうございます/;
const MENU = /ご利用になりたい手続きを選んでください/;
const CAMPAIGN = '避難訓練のお知らせ（多重起動試験）';
// MG_TEST_LEASE_ARGS measures other settings (e.g. '--lease-ms 30000 --heartbeat-ms 5000').
const LEASE = (process.env.MG_TEST_LEASE_ARGS ?? '--lease-ms 3000 --heartbeat-ms 500').split(' ').filter(Boolean);
const SECRET_KEY = randomBytes(32).toString('hex');

let db, sim, nginx, admin, password;
const procs = {};

async function until(what, fn, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
const sql = (text) => execFileSync('psql', [db.url, '-X', '-q', '-At', '-c', text], { encoding: 'utf8' }).trim();

// One `serve` process on the shared database and data directory (same secret key).
async function startProc(name, port, extra = []) {
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    ...db.args, '--demo-line-sim', sim.base, '--trusted-proxy', '127.0.0.1', ...LEASE, ...extra],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MADOGUCHI_SECRET_KEY: SECRET_KEY } });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  await until(`${name} to start`, async () => {
    if (proc.exitCode !== null) throw new Error(`${name} exited ${proc.exitCode}: ${err}`);
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  const m = out.match(/password=(\S+)/);
  if (m) password = m[1];
  const p = {
    name, port, base, proc, stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await done;
    },
  };
  procs[name] = p;
  return p;
}

// nginx as an unprivileged user with its own temp prefix (like tests/scripts/postgres.sh).
async function startNginx(ports) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-nginx-'));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  map $http_x_request_id $mg_request_id { default $http_x_request_id; "" $request_id; }
  upstream madoguchi {
    ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n    ')}
    keepalive 16;
    keepalive_timeout 1s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://madoguchi;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $mg_request_id;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
      client_max_body_size 10m;
    }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  if (root) {
    try { execFileSync('id', ['mgtest'], { stdio: 'ignore' }); } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'mgtest']);
    }
    execFileSync('chown', ['-R', 'mgtest', dir]);
    chmodSync(dir, 0o755);
  }
  const cmd = root ? ['runuser', ['-u', 'mgtest', '--', NGINX, '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]]
    : [NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]];
  const proc = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  await until('nginx to start', async () => {
    if (proc.exitCode !== null) throw new Error(`nginx exited ${proc.exitCode}: ${err}`);
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  return {
    base, proc, dir,
    async stop() {
      if (proc.exitCode === null && !proc.signalCode) {
        const done = new Promise((r) => proc.once('exit', r));
        // The master, not runuser (which does not pass SIGQUIT on): graceful stop.
        try { process.kill(Number(readFileSync(join(dir, 'nginx.pid'), 'utf8')), 'SIGQUIT'); } catch { proc.kill('SIGKILL'); }
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  if (SKIP) return;
  db = freshDatabase();
  sim = await startLineSim({ extra: ['--redelivery'] });
  const [pa, pb] = [await freePort(), await freePort()];
  await startProc('A', pa);
  await startProc('B', pb);
  nginx = await startNginx([pa, pb]);
  await sim.settings({ webhookUrl: `${nginx.base}/line/demo/webhook`, redeliveryDelayMs: 200, redeliveryAttempts: 8 });
  admin = new Client(nginx.base);
  const r = await admin.login('demo', 'admin@demo.example', password);
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  for (const p of Object.values(procs)) await p.stop('SIGKILL').catch(() => {});
  await nginx?.stop();
  await sim?.stop();
  if (db) rmSync(db.dataDir, { recursive: true, force: true });
});

// A web resident: the school-absence service up to its receipt, through nginx. A failed step
// (the process answering it was killed) starts a fresh chat; the final input is repeated until
// it is answered, so each resident ends with exactly one application.
async function webResident(services) {
  const id = services.find((s) => s.service_key === 'school-absence').id;
  const tomorrow = new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  const steps = [{ type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' }];
  const c = new Client(nginx.base);
  const call = async (fn) => { try { return await fn(); } catch { return { status: 0 }; } };
  for (let attempt = 0; attempt < 10; attempt++) {
    const s = await call(() => c.post('/api/public/demo/chat', { service_id: id }));
    if (s.status !== 201) continue;
    let ok = true;
    for (const input of steps) {
      const r = await call(() => c.post(`/api/public/demo/chat/${s.json.session_id}/input`, input));
      if (r.status !== 200) { ok = false; break; }
    }
    if (!ok) continue;
    for (let k = 0; k < 20; k++) {
      const r = await call(() => c.post(`/api/public/demo/chat/${s.json.session_id}/input`, { type: 'choice', value: 'confirm' }));
      if (r.status === 200 && r.json.receipt_number) return r.json.receipt_number;
      await sleep(100);
    }
  }
  throw new Error('web resident did not finish');
}

const outboxOpen = () => Number(sql("SELECT count(*) FROM line_outbox WHERE status IN ('pending', 'sending')"));

test('two processes, A killed mid-webhook, mid-turn/send and mid-fan-out: everything exactly once', { skip: SKIP, timeout: 120000 }, async () => {
  const N = 30;
  const WEB = 6;
  const users = [];
  for (let i = 0; i < N; i++) users.push(await sim.createUser(`住民 ${i}`, { follow: false }));
  const services = (await admin.get('/api/services')).json.items;
  // Every Messaging API call takes 150 ms, so replies are on the wire when A dies.
  await sim.faults({ latencyMs: 150 });
  const web = Promise.all(Array.from({ length: WEB }, () => webResident(services)));

  // 1. Mid-webhook: follows are arriving (through nginx, to both) when A dies.
  const follows = Promise.all(users.map((u) => sim.act(u, 'follow', {}, { wait: false })));
  await sleep(150);
  await procs.A.stop('SIGKILL');
  await follows;
  await startProc('A', procs.A.port);

  // 2. Mid-turn and mid-send: every resident types メニュー; A dies while turns and replies run.
  await until('greetings under way', async () => Number(sql("SELECT count(*) FROM line_outbox WHERE status = 'sent'")) > 5);
  // Slow answers from LINE now: the kill lands with A's claimed replies on the wire.
  await sim.faults({ latencyMs: 1000 });
  await Promise.all(users.map((u) => sim.text(u, 'メニュー', { wait: false })));
  await until('replies on the wire', async () => Number(sql("SELECT count(*) FROM line_outbox WHERE status = 'sending'")) >= 10, 10000);
  const claimedByA = outboxOpen();
  const killedAt = Date.now();
  await procs.A.stop('SIGKILL');
  await until('the outbox to drain after the kill (B takes over A\'s leases)', async () => outboxOpen() === 0 &&
    Number(sql("SELECT count(*) FROM line_events WHERE status = 'pending'")) === 0, 40000);
  const recoveryMs = Date.now() - killedAt;
  console.log(`recovery after SIGKILL: ${recoveryMs} ms (open outbox rows at the kill: ${claimedByA}, ${LEASE.join(' ')})`);
  assert.ok(recoveryMs < 20000, `took over in ${recoveryMs} ms`);
  await startProc('A', procs.A.port);
  const receipts = await web;

  // A stalled process (SIGSTOP) loses its leases: B takes its rows over (retrying the replies
  // with the same tokens); A, resumed, sends nothing more and records nothing.
  await until('A to answer its share', async () => (await fetch(`${procs.A.base}/healthz`)).status === 200);
  await Promise.all(users.map((u) => sim.text(u, 'メニュー', { wait: false })));
  await until('replies on the wire again', async () => Number(sql("SELECT count(*) FROM line_outbox WHERE status = 'sending'")) >= 10, 10000);
  procs.A.proc.kill('SIGSTOP');
  await until('B to take over the stalled process\'s rows', async () => outboxOpen() === 0 &&
    Number(sql("SELECT count(*) FROM line_events WHERE status = 'pending'")) === 0, 40000);
  procs.A.proc.kill('SIGCONT');
  await sleep(1500);
  console.log(`stalled process: ${(procs.A.stderr().match(/lease lost/g) ?? []).length} rows given up or not recorded ("lease lost")`);

  // 3. Mid-fan-out: a campaign to everyone, A killed right after the send.
  await sim.faults({ latencyMs: 0 });
  const created = await admin.post('/api/campaigns', { title: '多重起動', messages: [{ type: 'text', text: CAMPAIGN }], audience: { kind: 'all' } });
  assert.equal(created.status, 201, created.text);
  const sent = await admin.post(`/api/campaigns/${created.json.id}/send`, {});
  assert.equal(sent.status, 202, sent.text);
  await sleep(50);
  await procs.A.stop('SIGKILL');
  await until('campaign sent', async () => (await admin.get(`/api/campaigns/${created.json.id}`)).json.status === 'sent', 30000);
  await startProc('A', procs.A.port);

  // Counting: let any duplicate (a retried reply, a resent batch) land first.
  await until('all answers', async () => outboxOpen() === 0, 30000);
  await sleep(1500);
  const bad = [];
  for (const u of users) {
    const ms = (await sim.messages(u, 0)).filter((m) => m.from === 'bot');
    const count = (re) => ms.filter((m) => re.test(messageText(m))).length;
    const got = { greeting: count(GREETING), menu: count(MENU), campaign: ms.filter((m) => m.message?.text === CAMPAIGN).length };
    if (got.greeting !== 1 || got.menu !== 3 || got.campaign !== 1) bad.push({ u, ...got, endpoints: ms.map((m) => m.endpoint).join(',') });
  }
  assert.deepEqual(bad, [], 'every LINE event answered once, every campaign recipient reached once');
  assert.equal(sql("SELECT count(*) FROM line_events WHERE status <> 'done'"), '0');
  assert.equal(Number(sql('SELECT count(*) FROM line_events')), 3 * N);
  assert.equal(new Set(receipts).size, WEB);
  const apps = sql("SELECT count(*), count(DISTINCT session_id) FROM applications a JOIN services s ON s.id = a.service_id WHERE s.service_key = 'school-absence'");
  assert.equal(apps, `${WEB}|${WEB}`, 'every application stored once');
  // Web residents got the campaign in their inbox once each (no duplicate rows).
  assert.equal(sql("SELECT count(*) FROM (SELECT resident_id FROM resident_messages GROUP BY resident_id, title, text HAVING count(*) > 1) d"), '0');
});

test('nginx in front: request ids, client addresses, SIGKILL fails at most in-flight requests, SIGTERM drains without failures', { skip: SKIP, timeout: 60000 }, async () => {
  // Request ids pass through both ways; nginx makes one when the client sends none.
  let r = await fetch(`${nginx.base}/healthz`, { headers: { 'x-request-id': 'rid-multiproc-1' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-request-id'), 'rid-multiproc-1');
  r = await fetch(`${nginx.base}/healthz`);
  assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  // nginx overwrites X-Forwarded-For with the peer address; the processes trust only nginx.
  const c = new Client(nginx.base);
  const failed = await c.request('POST', '/api/login', { body: { tenant: 'demo', email: 'admin@demo.example', password: 'wrong-password-123' }, headers: { 'x-forwarded-for': '203.0.113.7' } });
  assert.equal(failed.status, 401);
  const audit = (await admin.get('/api/audit?limit=20')).json.items.find((a) => a.action === 'login_failed');
  assert.equal(audit.ip, '127.0.0.1', 'a client cannot choose its address through the proxy');

  // Load: 6 clients reading and starting chats through nginx.
  const stats = { ok: 0, failed: 0 };
  let running = true;
  const worker = async () => {
    const cl = new Client(nginx.base);
    while (running) {
      const res = await (Math.random() < 0.5 ? cl.get('/api/public/demo/services') : cl.post('/api/public/demo/chat', { service_id: 1 }))
        .catch(() => ({ status: 0 }));
      if (res.status >= 200 && res.status < 500 && res.status !== 0) stats.ok++; else stats.failed++;
    }
  };
  const CONC = 6;
  const load = Array.from({ length: CONC }, worker);
  const phase = async (ms) => { const before = { ...stats }; await sleep(ms); return { ok: stats.ok - before.ok, failed: stats.failed - before.failed }; };
  await phase(500);
  // SIGKILL B: at most the requests in flight at that moment fail.
  const beforeKill = { ...stats };
  await procs.B.stop('SIGKILL');
  await phase(1500);
  const killFailures = stats.failed - beforeKill.failed;
  assert.ok(killFailures <= CONC, `SIGKILL failed ${killFailures} requests (in flight at most ${CONC})`);
  await startProc('B', procs.B.port, ['--drain-ms', '1500']);
  await phase(2500); // nginx's fail_timeout passes: B gets traffic again
  // SIGTERM A with draining: not one request fails.
  await procs.A.stop('SIGKILL');
  await startProc('A', procs.A.port, ['--drain-ms', '1500']);
  await phase(2500);
  const beforeTerm = { ...stats };
  const aDone = procs.A.stop('SIGTERM');
  // The signal reaches the process asynchronously: ask until it says so (the drain lasts 1.5 s).
  let draining = 0;
  for (let i = 0; i < 20 && draining !== 503; i++) {
    draining = await fetch(`${procs.A.base}/healthz`).then((x) => x.status).catch(() => 0);
    if (draining !== 503) await new Promise((r) => setTimeout(r, 50));
  }
  await aDone;
  const termPhase = await phase(1000);
  running = false;
  await Promise.all(load);
  assert.equal(draining, 503, '/healthz answers 503 while draining');
  assert.equal(stats.failed - beforeTerm.failed, 0, 'a SIGTERM with draining fails no request');
  assert.ok(termPhase.ok > 0 && stats.ok > 100, JSON.stringify(stats));
  console.log(`load balancer: ${JSON.stringify(stats)}, failures at SIGKILL: ${killFailures}`);
});
