#!/usr/bin/env bash
# LINE webhook throughput: madoguchi (SQLite or PostgreSQL) vs. a minimal echo bot on LINE's
# official Node SDK, same load, same machine, same run. Loopback only; every load phase is bounded
# in time. With LW_DB=postgres it starts the test cluster (tests/scripts/postgres.sh) and also
# reports what each processed event costs in PostgreSQL: utime+stime of every process of the
# cluster (postmaster, backends, WAL writer, checkpointer, autovacuum) from /proc, as
# bench/pg_scaling.sh does, so the figure holds on a loaded machine where events/s do not; then a
# projection of what one PostgreSQL server of N cores carries: N × 10^6 ÷ PostgreSQL µs/event.
#
# usage: bench/line_webhook/run.sh
# env:   MG_BIN=path (default build/madoguchi)   LW_DURATION=10 (s)   LW_CONC=32
#        LW_PER=10 (events per webhook)   LW_USERS=2000   LW_MAX_EVENTS=80000   LW_DRAIN=30 (s)
#        LW_DB=sqlite|postgres   LW_PROCS=1|2 (serve processes on one database, 2 needs
#        postgres; webhooks go to them in turn)   LW_ECHO=1|0 (the echo-bot comparison; default 1
#        on sqlite, 0 on postgres)   LW_CORES="4 8 16" (projection)
#        LW_PG_NAPTIME=1s (autovacuum_naptime of the test cluster, see below)
# Needs: node, curl, and bench/node/node_modules (cd bench/node && npm ci); for postgres also
#        python3, psql and the PostgreSQL server.
# Prints markdown tables; raw JSON results and logs go to $OUT (path printed).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
BIN=${MG_BIN:-$REPO/build/madoguchi}
OUT=${OUT:-$(mktemp -d /tmp/mg-linebench.XXXXXX)}; mkdir -p "$OUT"
DUR=${LW_DURATION:-10}; CONC=${LW_CONC:-32}; PER=${LW_PER:-10}; USERS=${LW_USERS:-2000}
MAXEV=${LW_MAX_EVENTS:-80000}; DRAIN=${LW_DRAIN:-30}
DB=${LW_DB:-sqlite}; PROCS=${LW_PROCS:-1}; CORES=${LW_CORES:-"4 8 16"}
if [ "$DB" = postgres ]; then ECHO=${LW_ECHO:-0}; else ECHO=${LW_ECHO:-1}; fi
case "$DB:$PROCS" in
  sqlite:1 | postgres:1 | postgres:2) ;;
  *) echo "LW_DB=$DB LW_PROCS=$PROCS: use sqlite with 1 process, postgres with 1 or 2" >&2; exit 2 ;;
esac
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 1; }
[ -d bench/node/node_modules/@line/bot-sdk ] || (cd bench/node && npm ci --no-audit --no-fund >&2) || { echo "npm ci failed" >&2; exit 1; }

PIDS=()
cleanup() {
  local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$DB" = postgres ]; then pg_stop >/dev/null 2>&1; fi
}
trap cleanup EXIT
log() { echo "[line-bench] $*" >&2; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_line() { # file regex pid
  local i; for i in $(seq 1 400); do grep -qE "$2" "$1" 2>/dev/null && return 0; kill -0 "$3" 2>/dev/null || return 1; sleep 0.05; done; return 1; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; } # user+system CPU seconds so far
# ticks PID... -> "pid ticks" lines (utime+stime, clock ticks); used_s BEFORE AFTER -> CPU seconds
# between two snapshots (processes born in between, e.g. new backends, count from zero)
ticks() { local p; for p in "$@"; do [ -r "/proc/$p/stat" ] && echo "$p $(awk '{print $14 + $15}' "/proc/$p/stat")"; done; }
used_s() {
  python3 - "$1" "$2" <<'EOF'
import os, sys
def load(f):
    return {l.split()[0]: int(l.split()[1]) for l in open(f) if l.strip()}
a, b = load(sys.argv[1]), load(sys.argv[2])
print(sum(v - a.get(p, 0) for p, v in b.items()) / os.sysconf('SC_CLK_TCK'))
EOF
}
round_trips() { # PORT -> madoguchi_db_round_trips or 0 (binaries without the series)
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^madoguchi_db_round_trips / {print $2; f=1} END {if (!f) print 0}'
}

start_sim() { # -> SIM_PID SIM_URL
  local port; port=$(free_port)
  "$BIN" line-sim --listen "127.0.0.1:$port" --webhook-url "http://127.0.0.1:9/unused" \
    --channel-secret demo-secret --access-token demo-token --log-level warn >"$OUT/sim-$1.log" 2>&1 &
  SIM_PID=$!; PIDS+=("$SIM_PID"); SIM_URL="http://127.0.0.1:$port"
  wait_line "$OUT/sim-$1.log" 'listening on port' "$SIM_PID" || { log "line-sim did not start"; exit 1; }
  # The platform's own rate limits (2,000/s reply) would cap both bots; lift them for the bench.
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"POST /v2/bot/message/reply":{"limit":0},"POST /v2/bot/message/push":{"limit":0}}' "$SIM_URL/sim/rate-limits"
}

echo "# LINE webhook bench $(date -u '+%Y-%m-%d %H:%M UTC')" >"$OUT/summary.md"
HOST="$(nproc) cores, load avg at start $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- madoguchi
DBURL=""
if [ "$DB" = postgres ]; then
  source tests/scripts/postgres.sh
  pg_start >"$OUT/pg.log" 2>&1 || { log "PostgreSQL did not start"; cat "$OUT/pg.log" >&2; exit 1; }
  PGMASTER=$(head -1 "$PG_DIR/data/postmaster.pid")
  pg_pids() { echo "$PGMASTER"; pgrep -P "$PGMASTER"; }
  psql "$MG_PG_ADMIN_URL" -qc "CREATE DATABASE linebench" >/dev/null || exit 1
  DBURL="${MG_PG_URL%/*}/linebench"
  # The tables start empty and grow by thousands of rows in seconds: with the default one-minute
  # autovacuum naptime the planner keeps the empty-table statistics of the start for the whole
  # run and scans line_events, line_outbox and residents sequentially, a cost that grows with
  # the backlog. A production server's tables are large with statistics caught up, so check
  # often (autovacuum's own CPU counts in the cluster's). LW_PG_NAPTIME=60s shows the other case.
  psql "$MG_PG_ADMIN_URL" -qc "ALTER SYSTEM SET autovacuum_naptime = '${LW_PG_NAPTIME:-1s}'" \
    -c "SELECT pg_reload_conf()" >/dev/null || exit 1
fi
start_sim madoguchi
SRV_PIDS=(); SRV_PORTS=(); TARGETS=""
for n in $(seq 1 "$PROCS"); do
  port=$(free_port)
  # One key file for all: the LINE channel secrets in the shared database are sealed with it.
  args=(serve --demo --data "$OUT/mg-data$n" --listen "127.0.0.1:$port" --log-level warn --demo-line-sim "$SIM_URL"
    --secret-key-file "$OUT/secret.key")
  [ -n "$DBURL" ] && args+=(--database "$DBURL")
  # One after the other: the second process finds the demo municipality the first created.
  "$BIN" "${args[@]}" >"$OUT/mg$n.out" 2>"$OUT/mg$n.err" &
  SRV_PIDS+=($!); PIDS+=($!); SRV_PORTS+=("$port")
  for i in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
  TARGETS+="${TARGETS:+,}http://127.0.0.1:$port/line/demo/webhook"
done
SRV_PID=${SRV_PIDS[0]}; SRV_PORT=${SRV_PORTS[0]}
LABEL="madoguchi ($DB$([ "$PROCS" -gt 1 ] && echo ", $PROCS processes"))"
log "$LABEL on ${SRV_PORTS[*]}, line-sim $SIM_URL"
# Vacuum and checkpoint once so no set-up work (migrations, demo data) lands in the measurement.
[ -n "$DBURL" ] && psql "$DBURL" -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null 2>&1
# Measured window: servers up and database set up, to the end of the drain. It spans the warm-up
# and the timed load, so its CPU is divided by every event answered in both.
LA0=$(cut -d' ' -f1-3 /proc/loadavg)
RT0=0; for p in "${SRV_PORTS[@]}"; do RT0=$((RT0 + $(round_trips "$p"))); done
ticks "${SRV_PIDS[@]}" >"$OUT/mg.t0"; [ -n "$DBURL" ] && ticks $(pg_pids) >"$OUT/pg.t0"
node bench/line_webhook/drive.mjs --label "$LABEL" --sim "$SIM_URL" --target "$TARGETS" \
  --duration "$DUR" --concurrency "$CONC" --per-webhook "$PER" --users "$USERS" --max-events "$MAXEV" --drain "$DRAIN" \
  >"$OUT/madoguchi.json" 2> >(tee "$OUT/drive-madoguchi.log" >&2)
ticks "${SRV_PIDS[@]}" >"$OUT/mg.t1"; [ -n "$DBURL" ] && ticks $(pg_pids) >"$OUT/pg.t1"
LA1=$(cut -d' ' -f1-3 /proc/loadavg)
RT1=0; for p in "${SRV_PORTS[@]}"; do RT1=$((RT1 + $(round_trips "$p"))); done
MG_WIN=$(used_s "$OUT/mg.t0" "$OUT/mg.t1"); PG_WIN=""
[ -n "$DBURL" ] && PG_WIN=$(used_s "$OUT/pg.t0" "$OUT/pg.t1")
# Where PostgreSQL spent it: tables by rows read in sequential scans (raw, for a look).
[ -n "$DBURL" ] && psql "$DBURL" -c "SELECT relname, seq_scan, seq_tup_read, idx_scan, n_live_tup FROM pg_stat_user_tables ORDER BY seq_tup_read DESC LIMIT 12" >"$OUT/pg-tables.txt" 2>&1
curl -s "http://127.0.0.1:$SRV_PORT/metrics" >"$OUT/mg-metrics.txt"
MG_RSS=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$SRV_PID/status)
MG_CPU=0; for p in "${SRV_PIDS[@]}"; do MG_CPU=$(awk -v a="$MG_CPU" -v b="$(cpu_s "$p")" 'BEGIN {printf "%.2f", a + b}'); done
MG_SIM_CPU=$(cpu_s "$SIM_PID")
for p in "${SRV_PIDS[@]}"; do stop "$p"; done; stop "$SIM_PID"

# ---------------------------------------------------------------- @line/bot-sdk echo bot
ECHO_RSS=0; ECHO_CPU=0; ECHO_SIM_CPU=0
if [ "$ECHO" = 1 ]; then
  start_sim echo
  BOT_PORT=$(free_port)
  PORT=$BOT_PORT LINE_API_BASE=$SIM_URL CHANNEL_SECRET=demo-secret CHANNEL_ACCESS_TOKEN=demo-token \
    node bench/node/echo-bot.mjs >"$OUT/echo.out" 2>"$OUT/echo.err" &
  BOT_PID=$!; PIDS+=("$BOT_PID")
  wait_line "$OUT/echo.out" 'listening on port' "$BOT_PID" || { log "echo bot did not start"; cat "$OUT/echo.err" >&2; exit 1; }
  node bench/line_webhook/drive.mjs --label echo-sdk --sim "$SIM_URL" --target "http://127.0.0.1:$BOT_PORT/webhook" \
    --duration "$DUR" --concurrency "$CONC" --per-webhook "$PER" --users "$USERS" --max-events "$MAXEV" --drain "$DRAIN" \
    >"$OUT/echo.json" 2> >(tee "$OUT/drive-echo.log" >&2)
  ECHO_RSS=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$BOT_PID/status)
  ECHO_CPU=$(cpu_s "$BOT_PID"); ECHO_SIM_CPU=$(cpu_s "$SIM_PID")
  stop "$BOT_PID"; stop "$SIM_PID"
fi

node - "$OUT/madoguchi.json" "$([ "$ECHO" = 1 ] && echo "$OUT/echo.json")" "$HOST" "$MG_RSS" "$ECHO_RSS" "$DUR" "$CONC" "$PER" \
  "$MG_CPU" "$ECHO_CPU" "$MG_SIM_CPU" "$ECHO_SIM_CPU" "$MG_WIN" "$PG_WIN" "$((RT1 - RT0))" "$LA0" "$LA1" "$CORES" \
  "$PROCS" >>"$OUT/summary.md" <<'JS'
const fs = require('fs');
const read = (f) => (f ? JSON.parse(fs.readFileSync(f, 'utf8').trim().split('\n').pop()) : null);
const [m, e] = [read(process.argv[2]), read(process.argv[3])];
const [host, mrss, erss, dur, conc, per, mcpu, ecpu, mscpu, escpu, mwin, pgwin, rtrips, la0, la1, cores, procs] =
  process.argv.slice(4);
// CPU per event over the process's whole life (start-up, warm-up and load): machine-independent cost.
const perEv = (cpu, x) => ((Number(cpu) * 1e6) / (x.answered + x.warmup_answered)).toFixed(0);
const r = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
console.log(`\nhost: ${host}; load: ${conc} concurrent webhook POSTs (keep-alive), ${per} text events from ${per} distinct users per webhook, ${dur} s; line-sim rate limits lifted\n`);
console.log('| bot | acked events/s | ack p50 | ack p99 | end-to-end events/s (replies reaching line-sim) | answered / acked | by push | peak RSS | bot CPU µs/event |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [x, rss, cpu] of [[m, mrss, mcpu], [e, erss, ecpu]].filter(([x]) => x))
  console.log(`| ${x.label} | ${x.acked_events_per_s} | ${x.ack_p50_ms} ms | ${x.ack_p99_ms} ms | ${x.e2e_events_per_s} | ${x.answered} / ${x.events_acked} | ${x.answered_by_push} | ${rss} MiB | ${perEv(cpu, x)} |`);
if (e) {
  console.log(`\n| ratio madoguchi ÷ echo-sdk | value |\n|---|---:|`);
  console.log(`| end-to-end events/s | ${r(m.e2e_events_per_s, e.e2e_events_per_s)} |`);
  console.log(`| acked events/s | ${r(m.acked_events_per_s, e.acked_events_per_s)} |`);
  console.log(`| ack p99 latency | ${r(m.ack_p99_ms, e.ack_p99_ms)} |`);
  console.log(`| bot CPU per event | ${r(perEv(mcpu, m), perEv(ecpu, e))} |`);
}
// Per processed event over the measured window (servers up → drain over; warm-up + timed load),
// CPU from /proc: madoguchi = every serve process, PostgreSQL = every process of the cluster.
const events = m.answered + m.warmup_answered;
const us = (s) => (s === '' ? null : (Number(s) * 1e6) / Math.max(events, 1));
const mgUs = us(mwin), pgUs = us(pgwin);
console.log(`\nPer processed event (window: servers up → drain over, ${events} events answered; load avg ${la0} → ${la1}):\n`);
console.log('| setup | serve processes | events answered | end-to-end events/s | madoguchi CPU µs/event | PostgreSQL CPU µs/event | DB round trips/event |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
console.log(`| ${m.label} | ${procs} | ${events} | ${m.e2e_events_per_s} | ${mgUs.toFixed(0)} | ${pgUs === null ? 'n/a' : pgUs.toFixed(0)} | ${pgUs === null ? 'n/a' : (Number(rtrips) / Math.max(events, 1)).toFixed(1)} |`);
if (pgUs !== null) {
  const ns = cores.split(/\s+/).filter(Boolean);
  console.log('\nProjection: one PostgreSQL server of N cores fully busy with LINE events (N × 10^6 ÷ PostgreSQL µs/event;');
  console.log('madoguchi processes on other machines, no disk, network or lock limits):\n');
  console.log(`| PostgreSQL µs/event | ${ns.map((n) => `${n} cores events/s`).join(' | ')} |`);
  console.log(`|---:|${ns.map(() => '---:').join('|')}|`);
  console.log(`| ${pgUs.toFixed(0)} | ${ns.map((n) => Math.round((Number(n) * 1e6) / pgUs).toLocaleString('en-US')).join(' | ')} |`);
}
JS
cat "$OUT/summary.md"
log "CPU s (whole life): madoguchi $MG_CPU, its line-sim $MG_SIM_CPU; echo bot $ECHO_CPU, its line-sim $ECHO_SIM_CPU; window: madoguchi $MG_WIN, PostgreSQL ${PG_WIN:-n/a}"
log "raw results: $OUT"
