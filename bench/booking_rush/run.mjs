// Booking rush (issue 12): RUSH_CLIENTS concurrent residents book one day's slots of one
// resource (15-minute slots 09:00–17:00, RUSH_CAPACITY places each) until every place is
// gone. Prints bookings/s, request p50/p99, and the overbooked count from the ledger (must
// be 0), for SQLite, and for PostgreSQL with two processes when MG_PG_URL is set
// (source tests/scripts/postgres.sh && pg_start). Usage from the repository root:
//   MG_BIN=$PWD/build/madoguchi node bench/booking_rush/run.mjs
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, Client, BIN } from '../../tests/integration/harness.mjs';

// The harness picks its backend once from MG_DB; the bench runs both in one process.
function database(backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-rush-'));
  if (backend !== 'postgres') return { dataDir, args: ['--data', dataDir], url: null };
  const name = `mg_rush_${process.pid}_${Date.now()}`;
  execFileSync('psql', [process.env.MG_PG_ADMIN_URL, '-qc', `CREATE DATABASE ${name}`]);
  const url = process.env.MG_PG_URL.replace(/\/[^/]+$/, `/${name}`);
  return { dataDir, args: ['--data', dataDir, '--database', url], url };
}

const CLIENTS = Number(process.env.RUSH_CLIENTS || 200);
const CAPACITY = Number(process.env.RUSH_CAPACITY || 50);
const day = new Date(Date.now() + 9 * 3600e3 + 2 * 86400e3).toISOString().slice(0, 10);
const slots = [];
for (let m = 9 * 60; m < 17 * 60; m += 15) slots.push(`${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

async function second(db) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

async function rush(label, backend) {
  const srv = await startServer({ db: database(backend) });
  const others = backend === 'postgres' ? [await second(srv.db)] : [];
  const bases = [srv.base, ...others.map((o) => o.base)];
  try {
    const admin = await srv.admin();
    const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
    const res = await admin.post('/api/resources', { name: 'ラッシュ会場', slot_minutes: 15, capacity: CAPACITY, opening_hours: every, closed_on_holidays: false, daily_limit: 0, window_days: 30 });
    const id = res.json.id;
    // Each resident gets its cookie first (a booking on another day), so the rush measures
    // bookings, not resident creation.
    const warmSlot = `${new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10)}T09:00`;
    await admin.put(`/api/resources/${id}`, { ...res.json, capacity: CLIENTS });
    const clients = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
      const c = new Client(bases[i % bases.length]);
      const r = await c.post(`/api/public/demo/resources/${id}/bookings`, { slot: warmSlot });
      if (r.status !== 201) throw new Error(`warm-up: ${r.text}`);
      return c;
    }));
    await admin.put(`/api/resources/${id}`, { ...res.json, capacity: CAPACITY });
    const latencies = [];
    let booked = 0, full = 0, other = 0;
    const t0 = performance.now();
    await Promise.all(clients.map(async (c, i) => {
      let at = i % slots.length, fullInARow = 0;
      while (fullInARow < slots.length) {
        const s = performance.now();
        const r = await c.post(`/api/public/demo/resources/${id}/bookings`, { slot: slots[at] });
        latencies.push(performance.now() - s);
        if (r.status === 201) { booked++; fullInARow = 0; }
        else if (r.status === 409 && r.json?.error?.code === 'slot_full') { full++; fullInARow++; at = (at + 1) % slots.length; }
        else { other++; fullInARow++; at = (at + 1) % slots.length; }
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1);
    const ledger = await admin.get(`/api/resources/${id}/bookings?from=${day}&days=1`);
    const per = new Map();
    for (const b of ledger.json.bookings) if (b.status === 'booked') per.set(b.slot, (per.get(b.slot) ?? 0) + b.party);
    let overbooked = 0, mismatch = 0;
    for (const s of ledger.json.days[0].slots) {
      overbooked += Math.max(0, (per.get(s.start) ?? 0) - CAPACITY);
      if (s.booked !== (per.get(s.start) ?? 0)) mismatch++;
    }
    console.log(JSON.stringify({
      backend: label, processes: bases.length, clients: CLIENTS, places: slots.length * CAPACITY,
      booked, slot_full: full, other, seconds: Number(secs.toFixed(2)),
      bookings_per_s: Math.round(booked / secs), requests_per_s: Math.round(latencies.length / secs),
      p50_ms: Number(pct(0.5)), p99_ms: Number(pct(0.99)), overbooked, availability_mismatches: mismatch,
    }));
    if (overbooked || mismatch || booked !== slots.length * CAPACITY) process.exitCode = 1;
  } finally {
    for (const o of others) await o.stop();
    await srv.cleanup();
  }
}

await rush('sqlite', 'sqlite');
if (process.env.MG_PG_URL) await rush('postgresql', 'postgres');
