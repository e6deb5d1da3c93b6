// Segment delivery at 1,000,000 residents (issue 13): generates the residents in the database
// (gen_sqlite.sql / gen_postgres.sql), then through the real server against line-sim with LINE's
// multicast rate limit on (line-sim: 200 requests/s; madoguchi paces to --line-multicast-per-second):
//   - evaluate+queue: from POST /api/campaigns/{id}/send until the fan-out has queued every batch
//     of a three-condition segment (地区 = 北, age 20–64, 関心 has 防災);
//   - dispatch: recipients and multicast requests per second until the campaign is sent;
//   - peak RSS of the server process (VmHWM).
// usage: node bench/segment_1m/run.mjs            (SQLite)
//        MG_DB=postgres node bench/segment_1m/run.mjs (source tests/scripts/postgres.sh; pg_start first)
// env:   MG_BIN (default build/madoguchi), BENCH_RESIDENTS (default 1000000),
//        MG_BINS=old,new (binaries measured one after the other on the same data; default MG_BIN)
//        BENCH_DISPATCH_ALL=1 (then a campaign to everyone: the dispatch rate over N / 500 batches)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, freshDatabase, freePort, Client, BACKEND, BIN } from '../../tests/integration/harness.mjs';
import { startLineSim, sleep } from '../../tests/integration/line-harness.mjs';

const N = Number(process.env.BENCH_RESIDENTS || 1000000);
const here = new URL('.', import.meta.url).pathname;

function sql(db, text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [db.url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(db.dataDir, 'madoguchi.db')], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 });
}

const hwm = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024;
// CPU seconds (user + system) of the server so far: on a shared machine wall time depends on
// the load, CPU time much less.
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
// PostgreSQL's CPU seconds: the postmaster of this database (its own and its exited children's
// time) plus every live backend's, so the work done in the database counts too.
const statOf = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const postmaster = BACKEND === 'postgres'
  ? Number(readFileSync(join(execFileSync('psql', [process.env.MG_PG_ADMIN_URL, '-X', '-At', '-c', 'SHOW data_directory'], { encoding: 'utf8' }).trim(), 'postmaster.pid'), 'utf8').split('\n')[0])
  : 0;
function pgCpu() {
  if (!postmaster) return 0;
  const own = statOf(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { const f = statOf(d); if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]); } catch {}
  }
  return ticks / 100;
}
const rss = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

const sim = await startLineSim();
const db = freshDatabase();
// First start: migrations, the demo tenant wired to line-sim. Then the residents, server stopped.
let srv = await startServer({ db, extra: ['--demo-line-sim', sim.base] });
await srv.stop();
const file = BACKEND === 'postgres' ? 'gen_postgres.sql' : 'gen_sqlite.sql';
let t = Date.now();
sql(db, readFileSync(join(here, file), 'utf8').replaceAll('@N@', String(N)));
const genS = (Date.now() - t) / 1000;
console.error(`[bench] ${BACKEND}: generated ${N} residents in ${genS.toFixed(1)} s`);

// Then each binary in turn on the same generated data (MG_BINS=old,new measures them side by
// side on one machine; the first start above migrated with MG_BIN, so list the newest last is
// not needed: an older binary skips the migrations it does not know).
const password = srv.password;
const bins = (process.env.MG_BINS || BIN).split(',').filter(Boolean);
const condition = { all: [
  { attr: 'district', in: ['kita'] },
  { attr: 'birth_date', age_between: [20, 64] },
  { attr: 'topics', has: 'bousai' },
] };
// line-sim's request log (capped): the entries after `seq`, and the last seq so far.
const requestsAfter = async (seq) => (await sim.ok('GET', `/sim/requests?after=${seq}`)).requests ?? [];
const lastSeq = async () => (await requestsAfter(0)).at(-1)?.seq ?? 0;
const results = [];
for (const bin of bins) {
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...db.args, '--demo-line-sim', sim.base], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch {}
    await sleep(50);
  }
  const pid = proc.pid;
  const admin = new Client(base);
  if ((await admin.login('demo', 'admin@demo.example', password)).status !== 200) throw new Error('login failed');
  const seq0 = await lastSeq();
  let cpu0 = cpu(pid);
  t = Date.now();
  let pg0 = pgCpu();
  const count = await admin.post('/api/residents/count', { condition });
  const countS = (Date.now() - t) / 1000;
  const countCpu = cpu(pid) - cpu0;
  const countPgCpu = pgCpu() - pg0;
  if (count.status !== 200) throw new Error(count.text);
  const created = await admin.post('/api/campaigns', {
    title: 'ベンチ配信', messages: [{ type: 'text', text: '防災訓練のお知らせ' }], audience: { kind: 'condition', condition },
  });
  if (created.status !== 201) throw new Error(created.text);
  const id = created.json.id;
  const rssBefore = rss(pid);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  cpu0 = cpu(pid);
  pg0 = pgCpu();
  t = Date.now();
  const sent = await admin.post(`/api/campaigns/${id}/send`, {});
  if (sent.status !== 202) throw new Error(sent.text);
  const sendS = (Date.now() - t) / 1000;
  let c;
  for (;;) {
    c = (await admin.get(`/api/campaigns/${id}`)).json;
    if (c.fanout_done || Date.now() - t > Number(process.env.BENCH_TIMEOUT_MS || 900000)) break;
    await sleep(10);
  }
  const queueS = (Date.now() - t) / 1000;
  const queueCpu = cpu(pid) - cpu0;
  const queuePgCpu = pgCpu() - pg0;
  const sentAtQueue = c.counts.sent;
  for (;;) {
    c = (await admin.get(`/api/campaigns/${id}`)).json;
    if (c.status === 'sent' || Date.now() - t > Number(process.env.BENCH_TIMEOUT_MS || 900000)) break;
    await sleep(50);
  }
  const totalS = (Date.now() - t) / 1000;
  const totalCpu = cpu(pid) - cpu0;
  const totalPgCpu = pgCpu() - pg0;
  const reqs = (await requestsAfter(seq0)).filter((r) => r.route === 'POST /v2/bot/message/multicast');
  const peak = hwm(pid);
  results.push({
    bin, backend: BACKEND, residents: N, generate_s: genS, loadavg_at_send: load,
    count: count.json, count_s: countS, count_cpu_s: countCpu, count_postgres_cpu_s: countPgCpu,
    targeted: c.counts.targeted, excluded_blocked: c.excluded_blocked, batches: c.counts.batches,
    fanout_done: c.fanout_done, status: c.status,
    send_request_s: sendS, evaluate_and_queue_s: queueS, evaluate_and_queue_server_cpu_s: queueCpu, evaluate_and_queue_postgres_cpu_s: queuePgCpu,
    send_total_s: totalS, send_total_server_cpu_s: totalCpu, send_total_postgres_cpu_s: totalPgCpu, sent: c.counts.sent, failed: c.counts.failed,
    sent_while_queueing: sentAtQueue, dispatch_after_queue_s: totalS - queueS,
    recipients_per_s: c.counts.sent / totalS, multicasts_per_s: c.counts.batches / totalS,
    multicast_requests: reqs.length, line_sim_429: reqs.filter((r) => r.status === 429).length,
    rss_before_send_mib: rssBefore, peak_rss_mib: peak,
  });
  if (process.env.BENCH_DISPATCH_ALL) {
    // The dispatch rate with many batches: a campaign to every active LINE resident (N / 500
    // multicasts), paced by madoguchi and limited by line-sim at 200/s.
    const all = await admin.post('/api/campaigns', {
      title: 'ベンチ全員', messages: [{ type: 'text', text: '全員へのお知らせ' }], audience: { kind: 'all' },
    });
    const seq1 = await lastSeq();
    const c0 = cpu(pid);
    const t1 = Date.now();
    if ((await admin.post(`/api/campaigns/${all.json.id}/send`, {})).status !== 202) throw new Error('send all');
    let a, queuedS;
    for (;;) {
      a = (await admin.get(`/api/campaigns/${all.json.id}`)).json;
      if (a.fanout_done && queuedS === undefined) queuedS = (Date.now() - t1) / 1000;
      if (a.status === 'sent' || Date.now() - t1 > Number(process.env.BENCH_TIMEOUT_MS || 900000)) break;
      await sleep(50);
    }
    const allS = (Date.now() - t1) / 1000;
    const mreqs = (await requestsAfter(seq1)).filter((r) => r.route === 'POST /v2/bot/message/multicast');
    results.at(-1).dispatch_all = {
      targeted: a.counts.targeted, batches: a.counts.batches, sent: a.counts.sent, status: a.status,
      queued_s: queuedS, total_s: allS, server_cpu_s: cpu(pid) - c0,
      multicasts_per_s: a.counts.batches / allS, recipients_per_s: a.counts.sent / allS,
      multicast_requests: mreqs.length, line_sim_429: mreqs.filter((r) => r.status === 429).length,
      peak_rss_mib: hwm(pid),
    };
  }
  console.log(JSON.stringify(results.at(-1), null, 2));
  proc.kill('SIGTERM');
  await exited;
}
await sim.stop();
if (BACKEND !== 'postgres') rmSync(db.dataDir, { recursive: true, force: true });
