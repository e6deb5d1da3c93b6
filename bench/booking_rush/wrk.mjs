// Booking throughput with wrk as the load generator (a node client cannot drive more than a
// few hundred requests/s on 2 cores): WRK_CONNS residents (each its own device cookie, one
// per connection) book the 15-minute slots of one day of one resource for WRK_SECONDS, on
// SQLite (one process) and, when MG_PG_URL is set (source tests/scripts/postgres.sh &&
// pg_start), on PostgreSQL with two madoguchi processes sharing the database (half the
// connections each). Several binaries run side by side in one run (MG_BINS=a,b) for
// before/after figures. Prints per binary and backend: bookings/s (201s), requests/s, p99,
// overbooked (must be 0, from the ledger), and the CPU the server spent per booking: the
// madoguchi processes (and PostgreSQL's backends) from the start of the rush until they are
// idle again (so the confirmation jobs each booking enqueues are counted), and wrk's own share.
// On a shared machine the CPU figures are the stable ones; wall figures depend on the
// neighbours (the load average is printed with each result). Usage from the repository root:
//   MG_BINS=/path/old/madoguchi,$PWD/build/madoguchi node bench/booking_rush/wrk.mjs
// PERF_DIR=dir records `perf record -g` of the (first) server during each rush into dir.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client } from '../../tests/integration/harness.mjs';

const BINS = (process.env.MG_BINS || process.env.MG_BIN || 'build/madoguchi').split(',');
const CONNS = Number(process.env.WRK_CONNS || 200);
const SECONDS = Number(process.env.WRK_SECONDS || 10);
const CAPACITY = Number(process.env.WRK_CAPACITY || 10000);
const BACKENDS = (process.env.WRK_BACKENDS || (process.env.MG_PG_URL ? 'sqlite,postgres' : 'sqlite')).split(',');
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const day = new Date(Date.now() + 9 * 3600e3 + 2 * 86400e3).toISOString().slice(0, 10);
const warmDay = new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10);
const slots = [];
for (let m = 9 * 60; m < 17 * 60; m += 15) slots.push(`${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

// utime + stime of a process, in seconds (0 once it is gone).
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch { return 0; }
}
// PostgreSQL's postmaster and its children (the backends serving madoguchi's pools).
function postgresPids() {
  if (!process.env.PG_DIR) return [];
  let master;
  try { master = Number(readFileSync(join(process.env.PG_DIR, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { return []; }
  const out = [master];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]) === master) out.push(Number(d));
    } catch {}
  }
  return out;
}
const sum = (pids) => pids.reduce((n, p) => n + cpuOf(p), 0);

function database(backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-wrk-'));
  if (backend !== 'postgres') return { dataDir, args: ['--data', dataDir] };
  const name = `mg_wrk_${process.pid}_${Date.now()}`;
  execFileSync('psql', [process.env.MG_PG_ADMIN_URL, '-qc', `CREATE DATABASE ${name}`]);
  const url = process.env.MG_PG_URL.replace(/\/[^/]+$/, `/${name}`);
  return { dataDir, args: ['--data', dataDir, '--database', url] };
}

// A second process on the same database (no --demo: the first one seeded it).
async function second(bin, db) {
  const { freePort } = await import('../../tests/integration/harness.mjs');
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, proc, stop: () => new Promise((r) => { if (proc.exitCode !== null) return r(); proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

// wrk through a shell so `times` reports wrk's own CPU (the load generator's share).
function wrk(base, conns, threads, env) {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', `wrk -t${threads} -c${conns} -d${SECONDS}s --latency -s bench/booking_rush/book.lua ${base} && times`], { env: { ...process.env, ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk: ${out}`));
      const t = [...out.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const ms = (s) => (s.endsWith('us') ? Number(s.slice(0, -2)) / 1000 : s.endsWith('ms') ? Number(s.slice(0, -2)) : Number(s.slice(0, -1)) * 1000);
      resolve({
        requests: Number(out.match(/(\d+) requests in/)[1]),
        p99_ms: ms(out.match(/99%\s+(\S+)/)[1]),
        non2xx: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
        cpu: t.length >= 4 ? t[t.length - 2] + t[t.length - 1] : 0,
      });
    });
  });
}

async function run(bin, backend) {
  process.env.MG_BIN = bin;
  const { startServer: start } = await import(`../../tests/integration/harness.mjs?bin=${encodeURIComponent(bin)}`);
  const db = database(backend);
  const srv = await start({ db });
  const others = backend === 'postgres' ? [await second(bin, db)] : [];
  const bases = [srv.base, ...others.map((o) => o.base)];
  try {
    const admin = await srv.admin();
    const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
    const res = await admin.post('/api/resources', { name: 'ラッシュ会場', slot_minutes: 15, capacity: CAPACITY, opening_hours: every, closed_on_holidays: false, daily_limit: 0, window_days: 30 });
    if (res.status !== 201) throw new Error(`resource: ${res.text}`);
    const id = res.json.id;
    const cookies = [];
    for (let i = 0; i < CONNS; i++) {
      const c = new Client(bases[i % bases.length]);
      const r = await c.post(`/api/public/demo/resources/${id}/bookings`, { slot: `${warmDay}T09:00` });
      if (r.status !== 201) throw new Error(`warm-up: ${r.text}`);
      cookies.push(c.cookieHeader());
    }
    // Each process gets its own residents' cookies (any would do: the database is shared).
    const env = (k) => {
      const f = join(db.dataDir, `cookies${k}.txt`);
      writeFileSync(f, cookies.filter((_, i) => i % bases.length === k).join('\n') + '\n');
      return { COOKIES_FILE: f, SLOTS_FILE: join(db.dataDir, 'slots.txt'), BOOK_PATH: `/api/public/demo/resources/${id}/bookings` };
    };
    writeFileSync(join(db.dataDir, 'slots.txt'), slots.join('\n') + '\n');
    const serverPids = [srv.proc.pid, ...others.map((o) => o.proc.pid)];
    const pgPids = backend === 'postgres' ? postgresPids() : [];
    // Let the warm-up's confirmation jobs finish before the clock starts.
    await idle(serverPids.concat(pgPids));
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const cpu0 = sum(serverPids), pg0 = sum(pgPids);
    const perf = process.env.PERF_DIR
      ? spawn('perf', ['record', '-g', '-o', join(process.env.PERF_DIR, `${basename(dirname(dirname(bin)))}-${backend}.data`), '-p', String(srv.proc.pid)], { stdio: 'ignore' })
      : null;
    const results = await Promise.all(bases.map((b, k) => wrk(b, Math.ceil(CONNS / bases.length), bases.length > 1 ? 1 : 2, env(k))));
    if (perf) await new Promise((r) => { perf.once('exit', r); perf.kill('SIGINT'); });
    const cpuRush = sum(serverPids) - cpu0;
    await idle(serverPids.concat(pgPids));
    const cpuAll = sum(serverPids) - cpu0, pgAll = sum(pgPids) - pg0;
    const ledger = await admin.get(`/api/resources/${id}/bookings?from=${day}&days=1`);
    // The day's booked places from availability (the ledger lists at most 5000 rows).
    const booked = ledger.json.days[0].slots.reduce((n, s) => n + s.booked, 0);
    const overbooked = ledger.json.days[0].slots.reduce((n, s) => n + Math.max(0, s.booked - CAPACITY), 0);
    const requests = results.reduce((n, r) => n + r.requests, 0);
    const wrkCpu = results.reduce((n, r) => n + r.cpu, 0);
    const us = (s) => Math.round((s * 1e6) / Math.max(booked, 1));
    const out = {
      bin, backend, processes: bases.length, connections: CONNS, seconds: SECONDS, load_avg: load,
      booked, bookings_per_s: Math.round(booked / SECONDS), requests_per_s: Math.round(requests / SECONDS),
      p99_ms: Math.max(...results.map((r) => r.p99_ms)), non2xx: results.reduce((n, r) => n + r.non2xx, 0), overbooked,
      // CPU per booking: madoguchi until idle (confirmation jobs included), PostgreSQL's
      // backends (0 on SQLite), wrk's own; and what 2 cores would sustain at that cost.
      server_cpu_us: us(cpuAll), server_cpu_us_during_rush: us(cpuRush),
      postgres_cpu_us: us(pgAll), wrk_cpu_us: us(wrkCpu),
      two_core_bookings_per_s: Math.round(2e6 / Math.max(us(cpuAll + pgAll + wrkCpu), 1)),
    };
    console.log(JSON.stringify(out));
    if (overbooked) process.exitCode = 1;
    return out;
  } finally {
    for (const o of others) await o.stop();
    await srv.cleanup();
  }
}

// Waits until the processes used less than 2 % of a core over 500 ms (at most 60 s).
async function idle(pids) {
  const deadline = Date.now() + 60000;
  let last = sum(pids);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = sum(pids);
    if (now - last < 0.01) return;
    last = now;
  }
}

// WRK_ROUNDS > 1 alternates the binaries (a, b, a, b) so the neighbours' load hits both alike.
const ROUNDS = Number(process.env.WRK_ROUNDS || 1);
for (const backend of BACKENDS) for (let i = 0; i < ROUNDS; i++) for (const bin of BINS) await run(bin, backend);
