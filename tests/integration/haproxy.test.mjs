// Two `serve` processes on one PostgreSQL database behind Debian's HAProxy with active health
// checks on /healthz (issue 15): requests reach both; a SIGTERM'd process (draining, /healthz
// 503) is taken out by the check and a steady stream of requests sees no failure; a SIGKILL'd
// process is marked down by the check within about a second and every request after that
// succeeds. PostgreSQL only: SQLite is one process by design.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN, BACKEND, freePort, freshDatabase } from './harness.mjs';

const PG = BACKEND === 'postgres';
const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p));
const SKIP = !PG ? 'PostgreSQL only: several processes share one database (run with MG_DB=postgres)'
  : !HAPROXY ? 'haproxy is not installed (./setup installs it)' : false;
const SECRET_KEY = randomBytes(32).toString('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let db, hap;
const procs = {};

async function until(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function startProc(name, port, extra = []) {
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    ...db.args, '--trusted-proxy', '127.0.0.1', ...extra],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MADOGUCHI_SECRET_KEY: SECRET_KEY } });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  await until(`${name} to start`, async () => {
    if (proc.exitCode !== null) throw new Error(`${name} exited ${proc.exitCode}: ${err}`);
    try { return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200; } catch { return false; }
  }, 60000);
  procs[name] = {
    port, proc,
    async stop(signal) {
      if (proc.exitCode !== null || proc.signalCode) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await done;
    },
  };
}

// HAProxy in the foreground (-db) as an unprivileged user, its config and stats socket in a
// temp dir (like nginx in multiprocess.test.mjs). X-Served-By names the server that answered.
async function startHaproxy(servers) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-haproxy-'));
  const port = await freePort();
  const sock = join(dir, 'stats.sock');
  writeFileSync(join(dir, 'haproxy.cfg'), `
global
  stats socket ${sock} mode 600 level admin
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response
frontend web
  bind 127.0.0.1:${port}
  default_backend madoguchi
backend madoguchi
  option httpchk GET /healthz
  http-check expect status 200
  http-response set-header X-Served-By %[srv_name]
  ${servers.map(([n, p]) => `server ${n} 127.0.0.1:${p} check inter 200ms fall 2 rise 2`).join('\n  ')}
`);
  const root = process.getuid?.() === 0;
  if (root) {
    try { execFileSync('id', ['mgtest'], { stdio: 'ignore' }); } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'mgtest']);
    }
    execFileSync('chown', ['-R', 'mgtest', dir]);
    chmodSync(dir, 0o755);
  }
  const args = ['-db', '-f', join(dir, 'haproxy.cfg')];
  const proc = root ? spawn('runuser', ['-u', 'mgtest', '--', HAPROXY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(HAPROXY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  // One stats-socket command; the answer ends when HAProxy closes the connection.
  const command = (cmd) => new Promise((resolve, reject) => {
    let out = '';
    const s = connect(sock, () => s.end(`${cmd}\n`));
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
  // Operational state per server from `show servers state` (srv_op_state 2 = running).
  const up = async () => {
    const lines = (await command('show servers state madoguchi')).split('\n').filter((l) => /^\d/.test(l));
    return Object.fromEntries(lines.map((l) => { const f = l.split(' '); return [f[3], f[5] === '2']; }));
  };
  await until('haproxy to start with both servers up', async () => {
    if (proc.exitCode !== null) throw new Error(`haproxy exited ${proc.exitCode}: ${err}`);
    try { return Object.values(await up()).filter(Boolean).length === servers.length; } catch { return false; }
  });
  return {
    base, up,
    pid: async () => Number((await command('show info')).match(/^Pid: (\d+)/m)[1]),
    async stop() {
      if (proc.exitCode === null && !proc.signalCode) {
        const done = new Promise((r) => proc.once('exit', r));
        // HAProxy itself, not runuser: SIGTERM stops it at once.
        try { process.kill(await this.pid(), 'SIGTERM'); } catch { proc.kill('SIGKILL'); }
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
  const [pa, pb] = [await freePort(), await freePort()];
  await startProc('A', pa, ['--drain-ms', '1500']);
  await startProc('B', pb);
  hap = await startHaproxy([['A', pa], ['B', pb]]);
});

after(async () => {
  for (const p of Object.values(procs)) await p.stop('SIGKILL').catch(() => {});
  await hap?.stop();
  if (db) rmSync(db.dataDir, { recursive: true, force: true });
});

test('HAProxy with active /healthz checks: both served, SIGTERM drains with no failure, SIGKILL marked down within a second', { skip: SKIP, timeout: 60000 }, async () => {
  // A steady stream of requests from 4 clients; each result is recorded with its time.
  const log = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const res = await fetch(`${hap.base}/api/public/demo/services`)
        .then(async (r) => { await r.arrayBuffer(); return r; }).catch(() => null);
      log.push({ at: Date.now(), ok: res?.status === 200, by: res?.headers.get('x-served-by') ?? null });
    }
  };
  const load = Array.from({ length: 4 }, worker);
  const failedBetween = (from, to = Infinity) => log.filter((e) => e.at >= from && e.at <= to && !e.ok).length;

  // 1. Both processes answer through HAProxy.
  await until('both processes to answer', async () => new Set(log.map((e) => e.by)).size >= 2);
  assert.deepEqual([...new Set(log.map((e) => e.by))].sort(), ['A', 'B']);

  // 2. SIGTERM A (drain 1.5 s, /healthz 503): the check takes it out before it stops listening.
  const termAt = Date.now();
  const aExit = procs.A.stop('SIGTERM');
  await until('the check to mark A down', async () => (await hap.up()).A === false, 5000);
  const termDownMs = Date.now() - termAt;
  await aExit;
  const aExitMs = Date.now() - termAt;
  await until('more requests after A stopped', async () => log.filter((e) => e.at > termAt + aExitMs).length >= 20);
  assert.equal(failedBetween(termAt), 0, 'a SIGTERM with draining fails no request');
  assert.ok(termDownMs < aExitMs, `marked down (${termDownMs} ms) before A stopped (${aExitMs} ms)`);
  assert.ok(log.filter((e) => e.at > termAt + termDownMs + 100).every((e) => e.by === 'B'), 'only B answers once A is down');

  // A comes back: the check brings it in after two passing checks (rise 2).
  await startProc('A', procs.A.port, ['--drain-ms', '1500']);
  await until('A back up', async () => (await hap.up()).A === true, 5000);
  const backAt = Date.now();
  await until('A to answer again', async () => log.some((e) => e.at > backAt && e.by === 'A'));

  // 3. SIGKILL B: the check marks it down within about a second; after that every request succeeds.
  const killAt = Date.now();
  await procs.B.stop('SIGKILL');
  const downAt = await until('the check to mark B down', async () => ((await hap.up()).B === false ? Date.now() : 0), 5000);
  const killDownMs = downAt - killAt;
  await until('requests after B is down', async () => log.filter((e) => e.at > downAt).length >= 50);
  running = false;
  await Promise.all(load);
  assert.ok(killDownMs < 2000, `SIGKILL marked down in ${killDownMs} ms`);
  assert.equal(failedBetween(downAt), 0, 'every request after the check marked B down succeeds');
  assert.ok(log.filter((e) => e.at > downAt).every((e) => e.by === 'A'));
  const killFailures = failedBetween(killAt, downAt);
  assert.ok(killFailures <= 4, `at most the requests in flight fail (${killFailures})`);
  console.log(`haproxy: ${log.length} requests, ${log.filter((e) => !e.ok).length} failed; SIGTERM marked down in ${termDownMs} ms (A stopped after ${aExitMs} ms); SIGKILL marked down in ${killDownMs} ms, ${killFailures} failed in between`);
});
