// Booking throughput with wrk as the load generator (a node client cannot drive more than a
// few hundred requests/s on 2 cores): WRK_CONNS residents (each its own device cookie, one
// per connection) book the 15-minute slots of one day of one resource, on SQLite, for
// WRK_SECONDS. Several binaries run side by side in one run (MG_BINS=a,b) for before/after
// figures. Prints per binary: bookings/s (201s), requests/s, p99, and overbooked (must be 0)
// from the ledger. Usage from the repository root:
//   MG_BINS=/path/old/madoguchi,$PWD/build/madoguchi node bench/booking_rush/wrk.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../../tests/integration/harness.mjs';

const BINS = (process.env.MG_BINS || process.env.MG_BIN || 'build/madoguchi').split(',');
const CONNS = Number(process.env.WRK_CONNS || 200);
const SECONDS = Number(process.env.WRK_SECONDS || 10);
const CAPACITY = Number(process.env.WRK_CAPACITY || 10000);
const day = new Date(Date.now() + 9 * 3600e3 + 2 * 86400e3).toISOString().slice(0, 10);
const warmDay = new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10);
const slots = [];
for (let m = 9 * 60; m < 17 * 60; m += 15) slots.push(`${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

async function run(bin) {
  process.env.MG_BIN = bin;
  const { startServer: start } = await import(`../../tests/integration/harness.mjs?bin=${encodeURIComponent(bin)}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-wrk-'));
  const srv = await start({ db: { dataDir, args: ['--data', dataDir] } });
  try {
    const admin = await srv.admin();
    const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
    const res = await admin.post('/api/resources', { name: 'ラッシュ会場', slot_minutes: 15, capacity: CAPACITY, opening_hours: every, closed_on_holidays: false, daily_limit: 0, window_days: 30 });
    if (res.status !== 201) throw new Error(`resource: ${res.text}`);
    const id = res.json.id;
    const cookies = [];
    for (let i = 0; i < CONNS; i++) {
      const c = new Client(srv.base);
      const r = await c.post(`/api/public/demo/resources/${id}/bookings`, { slot: `${warmDay}T09:00` });
      if (r.status !== 201) throw new Error(`warm-up: ${r.text}`);
      cookies.push(c.cookieHeader());
    }
    writeFileSync(join(dataDir, 'cookies.txt'), cookies.join('\n') + '\n');
    writeFileSync(join(dataDir, 'slots.txt'), slots.join('\n') + '\n');
    const out = execFileSync('wrk', ['-t2', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', '-s', 'bench/booking_rush/book.lua', srv.base], {
      env: { ...process.env, COOKIES_FILE: join(dataDir, 'cookies.txt'), SLOTS_FILE: join(dataDir, 'slots.txt'), BOOK_PATH: `/api/public/demo/resources/${id}/bookings` },
    }).toString();
    const ledger = await admin.get(`/api/resources/${id}/bookings?from=${day}&days=1`);
    // The day's booked places from availability (the ledger lists at most 5000 rows).
    const booked = ledger.json.days[0].slots.reduce((n, s) => n + s.booked, 0);
    const overbooked = ledger.json.days[0].slots.reduce((n, s) => n + Math.max(0, s.booked - CAPACITY), 0);
    const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
    const p99 = out.match(/99%\s+(\S+)/)[1];
    const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
    console.log(JSON.stringify({ bin, backend: 'sqlite', connections: CONNS, seconds: SECONDS, booked, bookings_per_s: Math.round(booked / SECONDS), requests_per_s: Math.round(rps), p99, non2xx, overbooked }));
  } finally {
    await srv.cleanup();
  }
}

for (const bin of BINS) await run(bin);
