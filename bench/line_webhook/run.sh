#!/usr/bin/env bash
# LINE webhook throughput: madoguchi (SQLite) vs. a minimal echo bot on LINE's official Node SDK,
# same load, same machine, same run. Loopback only; every load phase is bounded in time.
#
# usage: bench/line_webhook/run.sh
# env:   MG_BIN=path (default build/madoguchi)   LW_DURATION=10 (s)   LW_CONC=32
#        LW_PER=10 (events per webhook)   LW_USERS=2000   LW_MAX_EVENTS=80000   LW_DRAIN=30 (s)
# Needs: node, curl, and bench/node/node_modules (cd bench/node && npm ci).
# Prints a markdown table; raw JSON results and logs go to $OUT (path printed).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
BIN=${MG_BIN:-$REPO/build/madoguchi}
OUT=${OUT:-$(mktemp -d /tmp/mg-linebench.XXXXXX)}; mkdir -p "$OUT"
DUR=${LW_DURATION:-10}; CONC=${LW_CONC:-32}; PER=${LW_PER:-10}; USERS=${LW_USERS:-2000}
MAXEV=${LW_MAX_EVENTS:-80000}; DRAIN=${LW_DRAIN:-30}
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 1; }
[ -d bench/node/node_modules/@line/bot-sdk ] || (cd bench/node && npm ci --no-audit --no-fund >&2) || { echo "npm ci failed" >&2; exit 1; }

PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done; }
trap cleanup EXIT
log() { echo "[line-bench] $*" >&2; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_line() { # file regex pid
  local i; for i in $(seq 1 400); do grep -qE "$2" "$1" 2>/dev/null && return 0; kill -0 "$3" 2>/dev/null || return 1; sleep 0.05; done; return 1; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; } # user+system CPU seconds so far

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

# ---------------------------------------------------------------- madoguchi (SQLite)
start_sim madoguchi
SRV_PORT=$(free_port)
"$BIN" serve --demo --data "$OUT/mg-data" --listen "127.0.0.1:$SRV_PORT" --log-level warn \
  --demo-line-sim "$SIM_URL" >"$OUT/mg.out" 2>"$OUT/mg.err" &
SRV_PID=$!; PIDS+=("$SRV_PID")
for i in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$SRV_PORT/healthz" && break; sleep 0.05; done
log "madoguchi on :$SRV_PORT, line-sim $SIM_URL"
node bench/line_webhook/drive.mjs --label madoguchi --sim "$SIM_URL" --target "http://127.0.0.1:$SRV_PORT/line/demo/webhook" \
  --duration "$DUR" --concurrency "$CONC" --per-webhook "$PER" --users "$USERS" --max-events "$MAXEV" --drain "$DRAIN" \
  >"$OUT/madoguchi.json" 2> >(tee "$OUT/drive-madoguchi.log" >&2)
curl -s "http://127.0.0.1:$SRV_PORT/metrics" >"$OUT/mg-metrics.txt"
MG_RSS=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$SRV_PID/status)
MG_CPU=$(cpu_s "$SRV_PID"); MG_SIM_CPU=$(cpu_s "$SIM_PID")
stop "$SRV_PID"; stop "$SIM_PID"

# ---------------------------------------------------------------- @line/bot-sdk echo bot
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

node - "$OUT/madoguchi.json" "$OUT/echo.json" "$HOST" "$MG_RSS" "$ECHO_RSS" "$DUR" "$CONC" "$PER" \
  "$MG_CPU" "$ECHO_CPU" "$MG_SIM_CPU" "$ECHO_SIM_CPU" >>"$OUT/summary.md" <<'JS'
const fs = require('fs');
const [m, e] = [process.argv[2], process.argv[3]].map((f) => JSON.parse(fs.readFileSync(f, 'utf8').trim().split('\n').pop()));
const [host, mrss, erss, dur, conc, per, mcpu, ecpu, mscpu, escpu] = process.argv.slice(4);
// CPU per event over the process's whole life (start-up, warm-up and load): machine-independent cost.
const perEv = (cpu, x) => ((Number(cpu) * 1e6) / (x.answered + x.warmup_answered)).toFixed(0);
const r = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
console.log(`\nhost: ${host}; load: ${conc} concurrent webhook POSTs (keep-alive), ${per} text events from ${per} distinct users per webhook, ${dur} s; line-sim rate limits lifted\n`);
console.log('| bot | acked events/s | ack p50 | ack p99 | end-to-end events/s (replies reaching line-sim) | answered / acked | by push | peak RSS | bot CPU µs/event |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [x, rss, cpu, scpu] of [[m, mrss, mcpu, mscpu], [e, erss, ecpu, escpu]])
  console.log(`| ${x.label} | ${x.acked_events_per_s} | ${x.ack_p50_ms} ms | ${x.ack_p99_ms} ms | ${x.e2e_events_per_s} | ${x.answered} / ${x.events_acked} | ${x.answered_by_push} | ${rss} MiB | ${perEv(cpu, x)} |`);
console.log(`\n| ratio madoguchi ÷ echo-sdk | value |\n|---|---:|`);
console.log(`| end-to-end events/s | ${r(m.e2e_events_per_s, e.e2e_events_per_s)} |`);
console.log(`| acked events/s | ${r(m.acked_events_per_s, e.acked_events_per_s)} |`);
console.log(`| ack p99 latency | ${r(m.ack_p99_ms, e.ack_p99_ms)} |`);
console.log(`| bot CPU per event | ${r(perEv(mcpu, m), perEv(ecpu, e))} |`);
JS
cat "$OUT/summary.md"
log "CPU s (whole life): madoguchi $MG_CPU, its line-sim $MG_SIM_CPU; echo bot $ECHO_CPU, its line-sim $ECHO_SIM_CPU"
log "raw results: $OUT"
