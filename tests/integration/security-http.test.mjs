// HTTP-level protections: static files never leave the web root, /metrics stays small and
// private, a connection flood neither spins the server nor stalls open connections, and every
// response carries a Content-Security-Policy and friends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { BIN, BACKEND, startServer, freshDatabase, freePort } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A web root of our own, so the tests do not depend on web/dist being built.
const web = mkdtempSync(join(tmpdir(), 'mg-web-'));
mkdirSync(join(web, 'assets'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title><p>INDEX-PAGE</p>');
writeFileSync(join(web, 'assets', 'app.js'), 'console.log("APP-JS")');

let srv;
let canary;
before(async () => {
  srv = await startServer({ extra: ['--web-root', web] });
  // A file in the data directory (beside the SQLite database) that must never be served.
  canary = join(srv.db.dataDir, 'canary.txt');
  writeFileSync(canary, 'CANARY-7f3a9c');
  symlinkSync(canary, join(web, 'linked-out.txt'));
  symlinkSync(srv.db.dataDir, join(web, 'data-dir'));
});
after(async () => {
  await srv?.cleanup();
  rmSync(web, { recursive: true, force: true });
});

// node's http module sends the path exactly as given (fetch would normalise "//" and "..").
function raw(port, path, { method = 'GET', host = '127.0.0.1', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.end();
  });
}

test('static files: absolute, encoded and traversing paths never reach files outside the web root', async () => {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0];
  const data = srv.db.dataDir;
  const enc = (p) => p.split('/').map(encodeURIComponent).join('%2F');
  const paths = [
    '//etc/passwd', '///etc/passwd', '/%2Fetc/passwd', '/%2fetc%2fpasswd', `/${enc('/etc/passwd').slice(3)}`,
    `/${data}/canary.txt`, `/%2F${data.slice(1)}/canary.txt`, `/${enc(data)}%2Fcanary.txt`,
    '/../../../../../../etc/passwd', '/..%2f..%2f..%2f..%2f..%2fetc/passwd', '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/assets/..%2F..%2F..%2F..%2F..%2Fetc/passwd', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/.%2e/.%2e/.%2e/etc/passwd',
    '/..%5c..%5c..%5c..%5cetc%5cpasswd', '/..\\..\\..\\etc\\passwd', '/assets/../../../../etc/passwd',
    '/linked-out.txt', '/data-dir/canary.txt', '/etc/passwd%00.html',
  ];
  if (BACKEND === 'sqlite') paths.push(`/${data}/madoguchi.db`, `/%2F${data.slice(1)}/madoguchi.db`);
  for (const p of paths) {
    const r = await raw(srv.port, p);
    assert.ok(!r.body.includes(passwd), `${p} served /etc/passwd`);
    assert.ok(!r.body.includes('CANARY-7f3a9c'), `${p} served a file from the data directory`);
    assert.ok(!r.body.includes('SQLite format 3'), `${p} served the database`);
    assert.equal(r.status, 404, `${p} answered ${r.status}`);
    assert.match(r.headers['content-type'], /application\/json/, p);
    assert.equal(JSON.parse(r.body).error.code, 'not_found', p);
  }
  // Files inside the root and client routes of the single-page app still work.
  const index = await raw(srv.port, '/');
  assert.equal(index.status, 200);
  assert.match(index.body, /INDEX-PAGE/);
  const js = await raw(srv.port, '/assets/app.js?v=1');
  assert.equal(js.status, 200);
  assert.match(js.body, /APP-JS/);
  assert.match(js.headers['cache-control'], /immutable/);
  const route = await raw(srv.port, '/console/applications/12');
  assert.equal(route.status, 200);
  assert.match(route.body, /INDEX-PAGE/);
  assert.equal((await raw(srv.port, '/assets/missing.js')).status, 404);
  // Decoded exactly once: "%252e%252e" is a (missing) file named "%2e%2e", not "..".
  const twice = await raw(srv.port, '/%252e%252e/%252e%252e/etc/passwd');
  assert.ok(!twice.body.includes(passwd));
  assert.match(twice.body, /INDEX-PAGE/);
});

test('every response carries a Content-Security-Policy, frame, referrer and nosniff headers', async () => {
  const page = await raw(srv.port, '/console/login');
  assert.match(page.headers['content-type'], /text\/html/);
  const csp = page.headers['content-security-policy'];
  assert.ok(csp, 'HTML page has a CSP');
  for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"])
    assert.ok(csp.includes(directive), `page CSP has ${directive}: ${csp}`);
  assert.ok(!/unsafe-eval/.test(csp) && !/script-src[^;]*unsafe-inline/.test(csp), csp);
  for (const path of ['/healthz', '/api/does-not-exist', '/assets/app.js', '/metrics', '//etc/passwd']) {
    const r = await raw(srv.port, path);
    const c = r.headers['content-security-policy'];
    if (r.headers['content-type'].startsWith('text/html')) assert.ok(c.includes("frame-ancestors 'none'"), path);
    else assert.equal(c, "default-src 'none'; frame-ancestors 'none'", path);
  }
  for (const path of ['/', '/healthz', '/api/does-not-exist', '/assets/app.js', '/metrics']) {
    for (const method of ['GET', 'HEAD']) {
      const r = await raw(srv.port, path, { method });
      assert.ok(r.headers['content-security-policy'], `${method} ${path} CSP`);
      assert.equal(r.headers['x-frame-options'], 'DENY', `${method} ${path}`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', `${method} ${path}`);
      assert.equal(r.headers['referrer-policy'], 'same-origin', `${method} ${path}`);
    }
  }
});

const lineCount = (s) => s.split('\n').length;

test('made-up HTTP methods do not grow /metrics', async () => {
  await raw(srv.port, '/healthz', { method: 'BREW' });  // the one "other" series may appear once
  const before = (await raw(srv.port, '/metrics')).body;
  for (let i = 0; i < 300; i++) {
    const method = `M${Math.random().toString(36).slice(2, 10).toUpperCase()}${i}`;
    const r = await raw(srv.port, i % 2 ? '/healthz' : `/nope/${i}`, { method });
    assert.ok(r.status === 405 || r.status === 404, `${method}: ${r.status}`);
  }
  const scrape = (await raw(srv.port, '/metrics')).body;
  assert.ok(lineCount(scrape) - lineCount(before) <= 32, `scrape grew from ${lineCount(before)} to ${lineCount(scrape)} lines`);
  assert.doesNotMatch(scrape, /method="M[A-Z0-9]+"/);
  assert.doesNotMatch(scrape, /route="\/nope/);
  assert.match(scrape, /madoguchi_http_requests_total\{method="other",route="\(method\)",status="405"\} \d+/);
});

test('/metrics: loopback only by default, refused when forwarded by a proxy', async () => {
  assert.equal((await raw(srv.port, '/metrics')).status, 200);
  for (const h of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }]) {
    const r = await raw(srv.port, '/metrics', { headers: h });
    assert.equal(r.status, 404, JSON.stringify(h));
    assert.doesNotMatch(r.body, /madoguchi_/);
  }
});

// Starts madoguchi with our own command line (the harness fixes --listen) and waits for it.
async function startCustom({ prefix = [], listen = '127.0.0.1', extra = [] }) {
  const db = freshDatabase();
  const port = await freePort();
  const args = ['serve', '--demo', '--listen', `${listen}:${port}`, '--log-level', 'warn', '--web-root', web, ...db.args, ...extra];
  const proc = prefix.length ? spawn(prefix[0], [...prefix.slice(1), BIN, ...args]) : spawn(BIN, args);
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  proc.stdout.on('data', () => {});
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${err}`);
    try {
      if ((await raw(port, '/healthz')).status === 200) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    await sleep(50);
  }
  return {
    port, proc, stderr: () => err,
    async cleanup() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      rmSync(db.dataDir, { recursive: true, force: true });
    },
  };
}

// A non-loopback peer is refused by the same decision (unit: http_protection_test); here, only
// loopback traffic: with --metrics-token even loopback needs the bearer token.
test('/metrics: with --metrics-token only the bearer can read it', async () => {
  const tok = await startCustom({ extra: ['--metrics-token', 'scrape-7d1e'] });
  try {
    for (const auth of [undefined, 'Bearer wrong', 'Bearer scrape-7d1', 'scrape-7d1e']) {
      const r = await raw(tok.port, '/metrics', { headers: auth ? { authorization: auth } : {} });
      assert.equal(r.status, 404, `${auth}`);
      assert.doesNotMatch(r.body, /madoguchi_/);
    }
    const ok = await raw(tok.port, '/metrics', { headers: { authorization: 'Bearer scrape-7d1e' } });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /madoguchi_http_requests_total/);
  } finally {
    await tok.cleanup();
  }
});

// CPU time (user + system) of a process in seconds, from /proc/PID/stat.
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks
}

// One HTTP/1.1 keep-alive connection, used request after request.
function keepAlive(port) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  let waiter = null;
  sock.setEncoding('latin1');
  sock.on('data', (d) => {
    buf += d;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !waiter) return;
    const len = Number(/content-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
    if (buf.length < end + 4 + len) return;
    const status = Number(buf.slice(9, 12));
    buf = buf.slice(end + 4 + len);
    const w = waiter;
    waiter = null;
    w.resolve(status);
  });
  sock.on('error', (e) => waiter?.reject(e));
  sock.on('close', () => waiter?.reject(new Error('keep-alive connection closed')));
  return {
    ready: new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); }),
    get(path, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no answer to ${path} within ${timeoutMs} ms`)), timeoutMs);
        waiter = { resolve: (s) => { clearTimeout(t); resolve(s); }, reject: (e) => { clearTimeout(t); reject(e); } };
        sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
      });
    },
    close() { sock.destroy(); },
  };
}

async function openIdle(port, n) {
  const socks = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    socks.push(s);
  }
  await Promise.all(socks.map((s) => new Promise((r) => { s.once('connect', r); s.once('error', r); setTimeout(r, 2000); })));
  return socks;
}

async function floodAndRecover(server, idleCount) {
  const ka = keepAlive(server.port);
  await ka.ready;
  assert.equal(await ka.get('/healthz'), 200);
  const idle = await openIdle(server.port, idleCount);
  await sleep(500);
  const cpu0 = cpuSeconds(server.proc.pid);
  await sleep(2000);
  const spent = cpuSeconds(server.proc.pid) - cpu0;
  assert.ok(spent < 0.15, `server used ${spent.toFixed(2)} s of CPU in 2 s while idle connections were held`);
  // The connection that was already open is still served.
  for (let i = 0; i < 3; i++) assert.equal(await ka.get('/healthz'), 200);
  for (const s of idle) s.destroy();
  ka.close();
  // Once the flood is gone, newcomers are served again.
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const r = await raw(server.port, '/healthz');
      if (r.status === 200) break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    assert.ok(Date.now() < deadline, 'new connections were not served after the flood');
    await sleep(100);
  }
  assert.ok(server.proc.exitCode === null, 'server still running');
  return spent;
}

test('--max-connections: over the cap the server waits without spinning and keeps serving open connections', async () => {
  const s = await startCustom({ listen: '127.0.0.1', extra: ['--max-connections', '20'] });
  try {
    const ka = keepAlive(s.port);
    await ka.ready;
    assert.equal(await ka.get('/healthz'), 200);
    const idle = await openIdle(s.port, 40);
    await sleep(300);
    // A newcomer over the cap waits in the backlog rather than being served...
    const late = raw(s.port, '/healthz');
    let lateDone = false;
    late.then(() => (lateDone = true), () => (lateDone = true));
    await sleep(500);
    assert.equal(lateDone, false, 'a connection over the cap was served');
    assert.equal(await ka.get('/healthz'), 200);
    // ...and is served once connections close.
    for (const sock of idle) sock.destroy();
    assert.equal((await late).status, 200);
    ka.close();
    await floodAndRecover(s, 60);
  } finally {
    await s.cleanup();
  }
});

test('under a low open-file limit (prlimit --nofile=64) the server neither spins nor stalls', { skip: !existsSync('/usr/bin/prlimit') && 'prlimit missing' }, async () => {
  const s = await startCustom({ prefix: ['/usr/bin/prlimit', '--nofile=64'], listen: '127.0.0.1' });
  try {
    await floodAndRecover(s, 150);
    assert.match(s.stderr(), /connection cap lowered/);
  } finally {
    await s.cleanup();
  }
});
