#!/usr/bin/env bash
# PostgreSQL scaling in one run: chat turns/s and dashboard req/s on SQLite (one process),
# PostgreSQL (one process) and PostgreSQL (two processes on one database, the load generator
# hitting both), for each binary given (old and new side by side). For every run it reports the
# CPU each request costs in madoguchi (utime+stime of the serve processes) and in PostgreSQL
# (utime+stime of every process of the cluster: backends, WAL writer, checkpointer, autovacuum),
# from /proc, so the figures hold on a loaded machine where req/s do not. Then a projection of
# what one PostgreSQL server of N cores carries: N cores / PostgreSQL CPU per request.
#
# usage: bench/pg_scaling.sh BIN [BIN...]
# env:   BENCH_DURATION=8s  BENCH_CONNS=32  BENCH_SESSIONS=200  BENCH_CORES="4 8 16"
# Needs: wrk curl jq python3 psql, and the PostgreSQL server (tests/scripts/postgres.sh).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
[ $# -ge 1 ] || { echo "usage: $0 BIN [BIN...]" >&2; exit 2; }
DUR=${BENCH_DURATION:-8s}; CONNS=${BENCH_CONNS:-32}; NSESS=${BENCH_SESSIONS:-200}
CORES=${BENCH_CORES:-"4 8 16"}
OUT=$(mktemp -d /tmp/mg-pgscale.XXXXXX)
for t in wrk curl jq python3 psql; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
source tests/scripts/postgres.sh
SRVS=()
cleanup() {
  local p; for p in "${SRVS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  pg_stop >/dev/null 2>&1
}
trap cleanup EXIT
pg_start >"$OUT/pg.log" 2>&1 || { echo "PostgreSQL did not start" >&2; cat "$OUT/pg.log" >&2; exit 1; }
PGMASTER=$(head -1 "$PG_DIR/data/postmaster.pid")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ticks PID... -> "pid ticks" lines (utime+stime, clock ticks)
ticks() { local p; for p in "$@"; do [ -r "/proc/$p/stat" ] && echo "$p $(awk '{print $14 + $15}' "/proc/$p/stat")"; done; }
pg_pids() { echo "$PGMASTER"; pgrep -P "$PGMASTER"; }
# used_s BEFORE AFTER -> CPU seconds between two ticks snapshots (processes born in between
# count from zero)
used_s() {
  python3 - "$1" "$2" <<'EOF'
import os, sys
def load(f):
    return {l.split()[0]: int(l.split()[1]) for l in open(f) if l.strip()}
a, b = load(sys.argv[1]), load(sys.argv[2])
print(sum(v - a.get(p, 0) for p, v in b.items()) / os.sysconf('SC_CLK_TCK'))
EOF
}
round_trips() { # PORT -> madoguchi_db_round_trips or 0 (older binaries have no such series)
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^madoguchi_db_round_trips / {print $2; f=1} END {if (!f) print 0}'
}

start() { # BIN DIR DB -> prints PORT, appends pid to SRVS via file
  local bin=$1 dir=$2 db=$3 port i
  port=$(free_port)
  local args=(serve --demo --listen "127.0.0.1:$port" --data "$dir" --log-level warn)
  [ -n "$db" ] && args+=(--database "$db")
  "$bin" "${args[@]}" >>"$dir/log" 2>&1 &
  echo $! >>"$OUT/pids"
  for i in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
  echo "$port"
}

# measure LABEL LOAD PORTS... : runs the load (chat or dash) against every port at once
# (CONNS split between them); prints "req/s mg_us pg_us rtt_per_req"
measure() {
  local label=$1 load=$2; shift 2
  local ports=("$@") n=${#@} c=$((CONNS / ${#@})) i wrks=() srv_pids
  srv_pids=$(cat "$OUT/pids.now")
  local rt0=0 rt1=0 p
  for p in "${ports[@]}"; do rt0=$((rt0 + $(round_trips "$p"))); done
  ticks $srv_pids >"$OUT/$label.mg0"; ticks $(pg_pids) >"$OUT/$label.pg0"
  for i in "${!ports[@]}"; do
    if [ "$load" = chat ]; then
      SESSIONS_FILE="$OUT/sessions.$i" WRK_THREADS=1 wrk -t1 -c"$c" -d"$DUR" -s bench/chat_input.lua \
        "http://127.0.0.1:${ports[$i]}" >"$OUT/$label.wrk$i" 2>&1 &
    else
      wrk -t1 -c"$c" -d"$DUR" -H "Cookie: $COOKIE" "http://127.0.0.1:${ports[$i]}/api/dashboard" \
        >"$OUT/$label.wrk$i" 2>&1 &
    fi
    wrks+=($!)
  done
  wait "${wrks[@]}"
  ticks $srv_pids >"$OUT/$label.mg1"; ticks $(pg_pids) >"$OUT/$label.pg1"
  for p in "${ports[@]}"; do rt1=$((rt1 + $(round_trips "$p"))); done
  local reqs=0 rps=0 non2xx=0
  for i in "${!ports[@]}"; do
    reqs=$((reqs + $(awk '/requests in/ {print $1}' "$OUT/$label.wrk$i")))
    rps=$(python3 -c "print($rps + $(awk '/^Requests\/sec:/ {print $2}' "$OUT/$label.wrk$i"))")
    non2xx=$((non2xx + $(awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}' "$OUT/$label.wrk$i")))
  done
  local mg pg
  mg=$(used_s "$OUT/$label.mg0" "$OUT/$label.mg1")
  pg=$(used_s "$OUT/$label.pg0" "$OUT/$label.pg1")
  python3 -c "r=max($reqs,1); print(f'{$rps:.0f} {$mg/r*1e6:.0f} {$pg/r*1e6:.0f} {($rt1-$rt0)/r:.1f} $non2xx')"
}

prepare() { # PORT -> sessions.0 / sessions.1 (alternating lines), COOKIE
  local port=$1 dir=$2 svc i h r
  svc=$(curl -s "http://127.0.0.1:$port/api/public/demo/services" | jq -r '.items[]|select(.service_key=="inu-toroku")|.id')
  : >"$OUT/sessions.all"
  for i in $(seq 1 "$NSESS"); do
    h="$OUT/h"; r=$(curl -s -D "$h" -X POST -H 'content-type: application/json' \
      -d "{\"service_id\":$svc}" "http://127.0.0.1:$port/api/public/demo/chat")
    echo "$(echo "$r" | jq -r .session_id) $(grep -io 'mg_device=[^;]*' "$h" | cut -d= -f2 | tr -d '\r')" >>"$OUT/sessions.all"
  done
  awk 'NR % 2 == 1' "$OUT/sessions.all" >"$OUT/sessions.odd"
  awk 'NR % 2 == 0' "$OUT/sessions.all" >"$OUT/sessions.even"
  local pw; pw=$(grep -o 'password=[^ ]*' "$dir/log" | head -1 | cut -d= -f2)
  COOKIE=$(curl -s -D - -o /dev/null -X POST -H 'content-type: application/json' \
    -d "{\"tenant\":\"demo\",\"email\":\"admin@demo.example\",\"password\":\"$pw\"}" \
    "http://127.0.0.1:$port/api/login" | grep -io 'mg_session=[^;]*' | tr -d '\r')
}

stop_all() {
  local p; for p in $(cat "$OUT/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
  for p in $(cat "$OUT/pids" 2>/dev/null); do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  : >"$OUT/pids"
}

echo "| binary | setup | load | req/s | madoguchi CPU µs/req | PostgreSQL CPU µs/req | DB round trips/req | non-2xx | loadavg |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A PGUS
for bin in "$@"; do
  tag=$(basename "$(dirname "$bin")")  # e.g. old, new (the directory the binary is in)
  for setup in sqlite-1 pg-1 pg-2; do
    : >"$OUT/pids"
    d1=$(mktemp -d "$OUT/d.XXXX"); db=""
    if [ "$setup" != sqlite-1 ]; then
      name="scale_$RANDOM$RANDOM"
      psql "$MG_PG_ADMIN_URL" -qc "CREATE DATABASE $name" >/dev/null
      db="${MG_PG_URL%/*}/$name"
    fi
    ports=("$(start "$bin" "$d1" "$db")")
    prepare "${ports[0]}" "$d1"
    if [ "$setup" = pg-2 ]; then
      d2=$(mktemp -d "$OUT/d.XXXX")
      ports+=("$(start "$bin" "$d2" "$db")")
      cp "$OUT/sessions.odd" "$OUT/sessions.0"; cp "$OUT/sessions.even" "$OUT/sessions.1"
    else
      cp "$OUT/sessions.all" "$OUT/sessions.0"
    fi
    cp "$OUT/pids" "$OUT/pids.now"
    # Vacuum once so counts are index-only scans as on a server with autovacuum caught up, and
    # checkpoint so no checkpoint of the set-up lands in a measurement. The dashboard goes
    # first: it writes nothing, so it does not pay for the autovacuum the chat turns cause.
    [ -n "$db" ] && psql "$db" -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null 2>&1
    for load in dash chat; do
      la=$(cut -d' ' -f1 /proc/loadavg)
      m=($(measure "$setup-$load-$RANDOM" "$load" "${ports[@]}"))
      echo "| $tag | $setup | $load | ${m[0]} | ${m[1]} | ${m[2]} | ${m[3]} | ${m[4]} | $la |"
      [ "$setup" = pg-1 ] && PGUS["$tag $load"]=${m[2]}
    done
    stop_all
  done
done
echo
echo "Projection (PostgreSQL CPU per request from the pg-1 rows; one PostgreSQL server of N cores"
echo "fully busy, madoguchi processes on other machines, no disk or lock limits):"
echo
echo "| binary | load | µs/req | $(for n in $CORES; do printf '%s cores req/s | ' "$n"; done)"
echo "|---|---|---|$(for n in $CORES; do printf -- '---|'; done)"
for key in "${!PGUS[@]}"; do
  us=${PGUS[$key]}
  row="| ${key% *} | ${key##* } | $us |"
  for n in $CORES; do row+=" $(python3 -c "print(f'{$n*1e6/max($us,1):,.0f}')") |"; done
  echo "$row"
done
echo
echo "command: BENCH_DURATION=$DUR BENCH_CONNS=$CONNS bench/pg_scaling.sh $*  (raw: $OUT)"
