#!/usr/bin/env bash
# Side-by-side chat-turn throughput of two server binaries, alternated round by round so that
# the machine's background load falls on both alike (this machine is shared and noisy).
#
# usage: bench/compare_chat.sh OLD_BIN NEW_BIN
# env:   ROUNDS=3  BENCH_DURATION=8s  BENCH_CONNS=64  BENCH_SESSIONS=200  BENCH_SKIP_PG=1
# Prints a markdown table per round and backend: turns/s, and the server's CPU time per turn
# (user+system from /proc, less sensitive to other load on the machine than turns/s), with
# NEW ÷ OLD for both and their medians.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
OLD=${1:?old binary}; NEW=${2:?new binary}
ROUNDS=${ROUNDS:-3}; DUR=${BENCH_DURATION:-8s}; CONNS=${BENCH_CONNS:-64}; NSESS=${BENCH_SESSIONS:-200}
OUT=$(mktemp -d /tmp/mg-compare.XXXXXX)
for t in wrk curl jq python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
# turns() runs in a command substitution (a subshell) and stops its own server.
cleanup() { [ -n "${PG_DIR:-}" ] && pg_stop >/dev/null 2>&1; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# turns BIN BACKEND -> prints "requests/s cpu_us_per_request" of the wrk chat load on a fresh
# database
turns() {
  local bin=$1 backend=$2 dir port args svc i h r rps srv
  dir=$(mktemp -d "$OUT/run.XXXX"); port=$(free_port)
  args=(serve --demo --listen "127.0.0.1:$port" --data "$dir" --log-level warn)
  if [ "$backend" = postgres ]; then
    local name="cmp_$RANDOM$RANDOM"
    psql "$MG_PG_ADMIN_URL" -qc "CREATE DATABASE $name" >/dev/null
    args+=(--database "${MG_PG_URL%/*}/$name")
  fi
  "$bin" "${args[@]}" >"$dir/log" 2>&1 &
  srv=$!
  for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
  svc=$(curl -s "http://127.0.0.1:$port/api/public/demo/services" | jq -r '.items[]|select(.service_key=="inu-toroku")|.id')
  : >"$dir/sessions"
  for i in $(seq 1 "$NSESS"); do
    h="$dir/h"; r=$(curl -s -D "$h" -X POST -H 'content-type: application/json' \
      -d "{\"service_id\":$svc}" "http://127.0.0.1:$port/api/public/demo/chat")
    echo "$(echo "$r" | jq -r .session_id) $(grep -io 'mg_device=[^;]*' "$h" | cut -d= -f2 | tr -d '\r')" >>"$dir/sessions"
  done
  local t0 t1 reqs
  t0=$(cpu_ticks "$srv")
  SESSIONS_FILE="$dir/sessions" wrk -t2 -c"$CONNS" -d"$DUR" -s bench/chat_input.lua \
    "http://127.0.0.1:$port" >"$dir/wrk.txt" 2>&1
  t1=$(cpu_ticks "$srv")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$dir/wrk.txt")
  reqs=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
  kill "$srv"; wait "$srv" 2>/dev/null
  python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); print(f'${rps:-0} {($t1-$t0)/t*1e6/max(${reqs:-0},1):.0f}')"
}

BACKENDS=(sqlite)
if [ -z "${BENCH_SKIP_PG:-}" ]; then
  source tests/scripts/postgres.sh
  if pg_start >"$OUT/pg.log" 2>&1; then BACKENDS+=(postgres); else echo "PostgreSQL skipped" >&2; fi
fi

median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

echo "| backend | round | old turns/s | new turns/s | new ÷ old | old CPU µs/turn | new CPU µs/turn | new ÷ old |"
echo "|---|---|---|---|---|---|---|---|"
for be in "${BACKENDS[@]}"; do
  ratios=(); cpu_ratios=()
  for r in $(seq 1 "$ROUNDS"); do
    # Alternate which binary goes first, so a load spike does not always hit the same one.
    if [ $((r % 2)) = 1 ]; then o=($(turns "$OLD" "$be")); n=($(turns "$NEW" "$be"))
    else n=($(turns "$NEW" "$be")); o=($(turns "$OLD" "$be")); fi
    q=$(python3 -c "print(f'{${n[0]}/${o[0]}:.2f}' if ${o[0]} else 0)")
    c=$(python3 -c "print(f'{${n[1]}/${o[1]}:.2f}' if ${o[1]} else 0)")
    ratios+=("$q"); cpu_ratios+=("$c")
    echo "| $be | $r | ${o[0]} | ${n[0]} | $q | ${o[1]} | ${n[1]} | $c |"
  done
  echo "| $be | median | | | $(median "${ratios[@]}") | | | $(median "${cpu_ratios[@]}") |"
done
echo
echo "command: ROUNDS=$ROUNDS BENCH_DURATION=$DUR bench/compare_chat.sh $OLD $NEW  (raw: $OUT)"
