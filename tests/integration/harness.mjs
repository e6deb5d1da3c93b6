// Starts the real madoguchi binary on a free port against SQLite (a temp dir) or PostgreSQL
// (a fresh database on the server tests/scripts/postgres.sh started), and talks real HTTP.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const BIN = process.env.MG_BIN || new URL('../../build/madoguchi', import.meta.url).pathname;
export const ROOT = process.env.MG_ROOT || new URL('../..', import.meta.url).pathname;
export const BACKEND = process.env.MG_DB === 'postgres' ? 'postgres' : 'sqlite';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let dbCounter = 0;
export function freshDatabase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-it-'));
  if (BACKEND !== 'postgres') return { dataDir, args: ['--data', dataDir], url: null };
  const name = `mg_${process.pid}_${Date.now()}_${dbCounter++}`;
  execFileSync('psql', [process.env.MG_PG_ADMIN_URL, '-qc', `CREATE DATABASE ${name}`]);
  const url = process.env.MG_PG_URL.replace(/\/[^/]+$/, `/${name}`);
  return { dataDir, args: ['--data', dataDir, '--database', url], url };
}

export function cli(db, args, input) {
  return execFileSync(BIN, [...args, ...db.args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function startServer(opts = {}) {
  // freePort() closes its probe before the server binds, so another test file running beside
  // this one can take the same port in between: the loser exits at bind, and starts again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !/cannot listen on|address already in use/i.test(String(e.message))) throw e;
    }
  }
}

async function startServerOnce({ db = freshDatabase(), extra = [], env = {} } = {}) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  let stopping = false;
  proc.on('exit', (code, signal) => {
    // A crash mid-test: show why, since later assertions only see "fetch failed".
    if (!stopping) console.error(`madoguchi exited unexpectedly (code ${code}, signal ${signal}):\n${err.slice(-4000)}`);
  });
  const base = `http://127.0.0.1:${port}`;
  // Generous: a sanitizer build on a loaded machine starts slowly; a fast start costs nothing.
  const deadline = Date.now() + 60000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${err}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200 && /password=/.test(out)) break;
    } catch {}
    if (Date.now() > deadline) {
      // A server left running would keep this test file's process alive forever.
      stopping = true;
      proc.kill('SIGKILL');
      throw new Error(`server did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const password = out.match(/password=(\S+)/)[1];
  const server = {
    base, port, db, proc, password, tenant: 'demo', email: 'admin@demo.example',
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      stopping = true;
      if (proc.exitCode !== null) return proc.exitCode;
      const done = new Promise((r) => proc.once('exit', (code) => r(code)));
      proc.kill(signal);
      return done;
    },
    async cleanup() {
      await server.stop();
      rmSync(db.dataDir, { recursive: true, force: true });
    },
    client() { return new Client(base); },
    async admin() {
      const c = new Client(base);
      const r = await c.login('demo', 'admin@demo.example', password);
      if (r.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(r.json)}`);
      return c;
    },
  };
  return server;
}

// A browser-like client: keeps cookies, sends the CSRF token on writes.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(method, path, { body, raw, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (csrf && this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      if (v === '' || /Max-Age=0/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch {}
    return { status: res.status, json, text, headers: res.headers };
  }
  get(p, o) { return this.request('GET', p, o); }
  post(p, body, o = {}) { return this.request('POST', p, { ...o, body }); }
  put(p, body, o = {}) { return this.request('PUT', p, { ...o, body }); }
  patch(p, body, o = {}) { return this.request('PATCH', p, { ...o, body }); }
  del(p, o) { return this.request('DELETE', p, o); }
  async login(tenant, email, password) {
    const r = await this.post('/api/login', { tenant, email, password });
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
}

export function expectError(assert, r, status, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.ok(r.json && r.json.error, `error body expected: ${r.text.slice(0, 200)}`);
  if (code) assert.equal(r.json.error.code, code);
  assert.equal(typeof r.json.error.message, 'string');
}
