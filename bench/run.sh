#!/usr/bin/env bash
# madoguchi benchmarks: one command, builds nothing (except the timed build in step 6),
# loopback only, every load run bounded in time. Prints markdown tables to stdout;
# raw wrk/curl output goes to $OUT (kept; path printed at the end).
#
# usage: bench/run.sh
# env:   MG_BIN=path          server binary (default build/madoguchi, copied to $OUT first)
#        BENCH_DURATION=10s   wrk duration per run
#        BENCH_CONNS=64       wrk connections      BENCH_THREADS=2  wrk threads
#        BENCH_SESSIONS=200   chat sessions for the chat load
#        BENCH_EXPORT_ROWS=100000
#        BENCH_SKIP_PG=1      skip PostgreSQL      BENCH_SKIP_BUILD=1  skip the timed build
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
OUT=${OUT:-$(mktemp -d /tmp/mg-bench.XXXXXX)}
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-2}
NSESS=${BENCH_SESSIONS:-200}
EXPORT_ROWS=${BENCH_EXPORT_ROWS:-100000}
SRC_BIN=${MG_BIN:-$REPO/build/madoguchi}
BIN=$OUT/madoguchi
cp "$SRC_BIN" "$BIN" || { echo "no server binary at $SRC_BIN" >&2; exit 1; }
for t in wrk curl jq sqlite3 python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "${PG_DIR:-}" ]; then pg_stop; fi
}
trap cleanup EXIT
log() { echo "[bench] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# start_server NAME DATADIR [DB_URL] -> sets SRV_PID SRV_PORT SRV_START_MS SRV_READY_MS
start_server() {
  local name=$1 dir=$2 db=${3:-}
  SRV_PORT=$(free_port)
  local args=(serve --demo --data "$dir" --listen "127.0.0.1:$SRV_PORT" --log-level warn
              --templates "$REPO/templates" --web-root "$REPO/web/dist")
  [ -n "$db" ] && args+=(--database "$db")
  mkdir -p "$dir"
  SRV_START_MS=$(now_ms)
  "$BIN" "${args[@]}" >>"$dir/stdout.log" 2>>"$dir/stderr.log" &
  SRV_PID=$!
  PIDS+=("$SRV_PID")
  local i
  for i in $(seq 1 3000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SRV_PORT/healthz" 2>/dev/null | grep -q 200; then
      SRV_READY_MS=$(now_ms); return 0
    fi
    kill -0 "$SRV_PID" 2>/dev/null || { log "$name: server exited"; cat "$dir/stderr.log" >&2; return 1; }
    sleep 0.005
  done
  log "$name: not ready after 15s"; return 1
}
stop_server() {
  kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
  local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}")
}
rss_kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
password_of() { grep -o 'password=[^ ]*' "$1/stdout.log" | head -1 | cut -d= -f2; }
login() { # login PORT PASSWORD -> prints "mg_session=..."
  curl -s -D - -o /dev/null -X POST -H 'content-type: application/json' \
    -d "{\"tenant\":\"demo\",\"email\":\"admin@demo.example\",\"password\":\"$2\"}" \
    "http://127.0.0.1:$1/api/login" | grep -io 'mg_session=[^;]*' | tr -d '\r'
}

# run_wrk LABEL ARGS... -> appends "label|rps|p99|non2xx|sockerr" to $OUT/wrk.tsv
run_wrk() {
  local label=$1; shift
  local f="$OUT/wrk-$label.txt"
  echo "\$ wrk -t$THREADS -c$CONNS -d$DUR --latency $*" >"$f"
  WRK_THREADS=$THREADS wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "$@" >>"$f" 2>&1
  local rps p99 non2 serr
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p99=$(awk '$1=="99%" {print $2}' "$f")
  non2=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f"); non2=${non2:-0}
  serr=$(grep -o 'Socket errors:.*' "$f" | sed 's/Socket errors: //'); serr=${serr:-none}
  echo "$label|$rps|$p99|$non2|$serr" >>"$OUT/wrk.tsv"
  log "$label: $rps req/s, p99 $p99, non-2xx $non2, socket errors $serr"
}
wrk_field() { awk -F'|' -v l="$1" -v c="$2" '$1==l {print $c}' "$OUT/wrk.tsv"; }
ratio() { python3 -c "a,b=float('$1' or 0),float('$2' or 0); print(f'{a/b:.2f}' if b else 'n/a')"; }

# make_sessions PORT FILE N : N resident chat sessions (each its own device) on 犬の登録.
make_sessions() {
  local port=$1 file=$2 n=$3 sid i h r
  local svc
  svc=$(curl -s "http://127.0.0.1:$port/api/public/demo/services" | jq -r '.items[]|select(.service_key=="inu-toroku")|.id')
  : >"$file"
  for i in $(seq 1 "$n"); do
    h=$(mktemp); r=$(curl -s -D "$h" -X POST -H 'content-type: application/json' \
      -d "{\"service_id\":$svc}" "http://127.0.0.1:$port/api/public/demo/chat")
    sid=$(echo "$r" | jq -r .session_id)
    echo "$sid $(grep -io 'mg_device=[^;]*' "$h" | cut -d= -f2 | tr -d '\r')" >>"$file"
    rm -f "$h"
  done
}

# complete_survey PORT : one full web chat through the satisfaction survey -> an application.
complete_survey() {
  local port=$1 b="http://127.0.0.1:$1/api/public/demo" h r sid dev q typ inp body k svc
  svc=$(curl -s "$b/services" | jq -r '.items[]|select(.service_key=="survey")|.id')
  h=$(mktemp); r=$(curl -s -D "$h" -X POST -H 'content-type: application/json' -d "{\"service_id\":$svc}" "$b/chat")
  sid=$(echo "$r" | jq -r .session_id); dev=$(grep -io 'mg_device=[^;]*' "$h" | tr -d '\r'); rm -f "$h"
  for k in $(seq 1 15); do
    q=$(echo "$r" | jq -c '[.prompts[]|select(.type=="question")]|last')
    inp=$(echo "$q" | jq -r .input)
    case $inp in
      choice|confirm|rating) body=$(echo "$q" | jq -c '{type:"choice",value:.choices[0].value}') ;;
      multi_choice) body=$(echo "$q" | jq -c '{type:"choices",values:[.choices[0].value]}') ;;
      *) body='{"type":"text","text":"窓口の待ち時間がなくて便利でした。"}' ;;
    esac
    r=$(curl -s -H "Cookie: $dev" -X POST -H 'content-type: application/json' -d "$body" "$b/chat/$sid/input")
    [ "$(echo "$r" | jq -r .done)" = true ] && return 0
  done
  log "survey did not complete: $r"; return 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

log "output in $OUT"
echo "# madoguchi bench run $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load avg at start: $(cut -d' ' -f1-3 /proc/loadavg); binary: $SRC_BIN ($(stat -c %y "$SRC_BIN" | cut -d. -f1)); wrk -t$THREADS -c$CONNS -d$DUR"
echo

# ---------------------------------------------------------------- servers
HAVE_PG=0
if [ -z "${BENCH_SKIP_PG:-}" ]; then
  # shellcheck disable=SC1091
  source "$REPO/tests/scripts/postgres.sh"
  if pg_start >"$OUT/pg_start.log" 2>&1; then HAVE_PG=1; else log "pg_start failed (see $OUT/pg_start.log): PostgreSQL skipped"; fi
fi

start_server sqlite "$OUT/sqlite" || exit 1
SQ_PID=$SRV_PID SQ_PORT=$SRV_PORT
sleep 1; SQ_RSS_FRESH=$(rss_kb "$SQ_PID" VmRSS)
SQ_COOKIE=$(login "$SQ_PORT" "$(password_of "$OUT/sqlite")")
[ -n "$SQ_COOKIE" ] || { log "sqlite login failed"; exit 1; }
if [ $HAVE_PG = 1 ]; then
  start_server postgres "$OUT/pg" "$MG_PG_URL" || exit 1
  PG_SPID=$SRV_PID PG_SPORT=$SRV_PORT
  sleep 1; PG_RSS_FRESH=$(rss_kb "$PG_SPID" VmRSS)
  PG_COOKIE=$(login "$PG_SPORT" "$(password_of "$OUT/pg")")
  [ -n "$PG_COOKIE" ] || { log "postgres login failed"; HAVE_PG=0; }
fi
BACKENDS="sqlite"; [ $HAVE_PG = 1 ] && BACKENDS="sqlite postgres"
port_of() { [ "$1" = sqlite ] && echo "$SQ_PORT" || echo "$PG_SPORT"; }
cookie_of() { [ "$1" = sqlite ] && echo "$SQ_COOKIE" || echo "$PG_COOKIE"; }
pid_of() { [ "$1" = sqlite ] && echo "$SQ_PID" || echo "$PG_SPID"; }

# ---------------------------------------------------------------- 1. HTTP
for be in $BACKENDS; do run_wrk "healthz-$be" "http://127.0.0.1:$(port_of $be)/healthz"; done
for be in $BACKENDS; do run_wrk "dashboard-$be" -H "Cookie: $(cookie_of $be)" "http://127.0.0.1:$(port_of $be)/api/dashboard"; done

# ---------------------------------------------------------------- 2. chat turns
for be in $BACKENDS; do
  make_sessions "$(port_of $be)" "$OUT/sessions-$be.txt" "$NSESS"
  SESSIONS_FILE="$OUT/sessions-$be.txt" run_wrk "chat-$be" -s "$REPO/bench/chat_input.lua" "http://127.0.0.1:$(port_of $be)"
  grep '^CHAT' "$OUT/wrk-chat-$be.txt" | sed "s/^/[bench] chat-$be: /" >&2
done
for be in $BACKENDS; do eval "RSS_LOADED_$be=$(rss_kb "$(pid_of $be)" VmRSS)"; eval "HWM_LOADED_$be=$(rss_kb "$(pid_of $be)" VmHWM)"; done

echo "## 1. HTTP throughput (wrk -t$THREADS -c$CONNS -d$DUR --latency)"
echo
echo "| endpoint | backend | requests/s | p99 latency | non-2xx | socket errors |"
echo "|---|---|---:|---:|---:|---|"
for ep in healthz dashboard; do for be in $BACKENDS; do
  path=/healthz; [ $ep = dashboard ] && path="/api/dashboard (staff cookie)"
  echo "| GET $path | $be | $(wrk_field $ep-$be 2) | $(wrk_field $ep-$be 3) | $(wrk_field $ep-$be 4) | $(wrk_field $ep-$be 5) |"
done; done
echo
echo "| ratio (same run) | value |"
echo "|---|---:|"
for be in $BACKENDS; do
  echo "| $be: /api/dashboard ÷ /healthz req/s | $(ratio "$(wrk_field dashboard-$be 2)" "$(wrk_field healthz-$be 2)") |"
done
if [ $HAVE_PG = 1 ]; then
  echo "| /healthz: PostgreSQL ÷ SQLite req/s | $(ratio "$(wrk_field healthz-postgres 2)" "$(wrk_field healthz-sqlite 2)") |"
  echo "| /api/dashboard: PostgreSQL ÷ SQLite req/s | $(ratio "$(wrk_field dashboard-postgres 2)" "$(wrk_field dashboard-sqlite 2)") |"
fi
echo
echo "## 2. Resident chat turns (POST /api/public/demo/chat/{id}/input, $NSESS open sessions, answer/戻る toggle)"
echo
echo "| backend | turns/s | p99 latency | non-2xx | socket errors | turns with an error prompt |"
echo "|---|---:|---:|---:|---|---:|"
for be in $BACKENDS; do
  ep=$(grep -o 'error_prompts=[0-9]*' "$OUT/wrk-chat-$be.txt" | cut -d= -f2)
  echo "| $be | $(wrk_field chat-$be 2) | $(wrk_field chat-$be 3) | $(wrk_field chat-$be 4) | $(wrk_field chat-$be 5) | ${ep:-?} |"
done
if [ $HAVE_PG = 1 ]; then
  echo
  echo "| ratio (same run) | value |"
  echo "|---|---:|"
  echo "| chat turns/s: PostgreSQL ÷ SQLite | $(ratio "$(wrk_field chat-postgres 2)" "$(wrk_field chat-sqlite 2)") |"
  echo "| sqlite: chat turns/s ÷ /healthz req/s | $(ratio "$(wrk_field chat-sqlite 2)" "$(wrk_field healthz-sqlite 2)") |"
else
  echo
  echo "| sqlite: chat turns/s ÷ /healthz req/s | $(ratio "$(wrk_field chat-sqlite 2)" "$(wrk_field healthz-sqlite 2)") |"
fi
echo

# ---------------------------------------------------------------- 3. RSS and start-up
for be in $BACKENDS; do stop_server "$(pid_of $be)"; done
# existing data dir (the one just used; for PostgreSQL the same database)
ST_SQ_EXIST=(); ST_SQ_FRESH=(); ST_PG_EXIST=(); RSS_SQ_EXIST=()
for i in 1 2 3 4 5; do
  start_server sqlite-existing "$OUT/sqlite" || exit 1
  ST_SQ_EXIST+=($((SRV_READY_MS - SRV_START_MS)))
  sleep 1; RSS_SQ_EXIST+=("$(rss_kb "$SRV_PID" VmRSS)"); stop_server "$SRV_PID"
  start_server sqlite-fresh "$OUT/fresh-$i" || exit 1
  ST_SQ_FRESH+=($((SRV_READY_MS - SRV_START_MS))); stop_server "$SRV_PID"
  if [ $HAVE_PG = 1 ]; then
    start_server pg-existing "$OUT/pg" "$MG_PG_URL" || exit 1
    ST_PG_EXIST+=($((SRV_READY_MS - SRV_START_MS))); stop_server "$SRV_PID"
  fi
done
echo "## 3. Memory and start-up"
echo
echo "Start-up = exec to first 200 from /healthz (curl polled every 5 ms), median of 5; idle RSS = VmRSS 1 s after ready."
echo
echo "| measure | sqlite | postgres |"
echo "|---|---:|---:|"
echo "| idle RSS, fresh data dir (demo just created) | $((SQ_RSS_FRESH/1024)) MiB | $([ $HAVE_PG = 1 ] && echo "$((PG_RSS_FRESH/1024)) MiB" || echo -) |"
echo "| idle RSS, existing data dir (median of 5) | $(( $(printf '%s\n' "${RSS_SQ_EXIST[@]}" | median | cut -d. -f1) / 1024 )) MiB | - |"
echo "| RSS after the load runs above (VmRSS / VmHWM) | $((RSS_LOADED_sqlite/1024)) / $((HWM_LOADED_sqlite/1024)) MiB | $([ $HAVE_PG = 1 ] && echo "$((RSS_LOADED_postgres/1024)) / $((HWM_LOADED_postgres/1024)) MiB" || echo -) |"
echo "| start-up, existing data dir | $(printf '%s\n' "${ST_SQ_EXIST[@]}" | median) ms (all: ${ST_SQ_EXIST[*]}) | $([ $HAVE_PG = 1 ] && echo "$(printf '%s\n' "${ST_PG_EXIST[@]}" | median) ms (all: ${ST_PG_EXIST[*]})" || echo -) |"
echo "| start-up, fresh data dir (migrate + demo) | $(printf '%s\n' "${ST_SQ_FRESH[@]}" | median) ms (all: ${ST_SQ_FRESH[*]}) | - |"
echo

# ---------------------------------------------------------------- 5. CSV export
EX=$OUT/export
start_server export "$EX" || exit 1
complete_survey "$SRV_PORT" || exit 1
stop_server "$SRV_PID"
log "export: cloning 1 application into $EXPORT_ROWS (sqlite3)"
T0=$(now_ms)
sqlite3 "$EX/madoguchi.db" <<SQL || { log "sqlite3 insert failed"; exit 1; }
PRAGMA foreign_keys=ON;
BEGIN;
CREATE TEMP TABLE src AS SELECT a.id AS app_id, a.session_id AS sess_id FROM applications a ORDER BY a.id LIMIT 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $EXPORT_ROWS)
INSERT INTO chat_sessions(id, public_id, tenant_id, resident_id, service_id, version_id, state, last_prompts, status, correction_of, created_at, updated_at)
SELECT 10000000+i, 'bench' || printf('%019d', i), s.tenant_id, s.resident_id, s.service_id, s.version_id, s.state, s.last_prompts, s.status, NULL, s.created_at - i*1000, s.updated_at - i*1000
FROM n, chat_sessions s WHERE s.id = (SELECT sess_id FROM src);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $EXPORT_ROWS)
INSERT INTO applications(id, tenant_id, receipt_number, service_id, version_id, session_id, resident_id, channel, department, status, answers, search_text, total_fee, memo, assignee_id, submitted_at, updated_at)
SELECT 10000000+i, a.tenant_id, 'BN' || printf('%08d', i), a.service_id, a.version_id, 10000000+i, a.resident_id, a.channel, a.department, a.status, a.answers,
       'BN' || printf('%08d', i) || substr(a.search_text, instr(a.search_text, ' ')), a.total_fee, a.memo, a.assignee_id, a.submitted_at - i*1000, a.updated_at - i*1000
FROM n, applications a WHERE a.id = (SELECT app_id FROM src);
COMMIT;
SQL
log "export: insert took $(( $(now_ms) - T0 )) ms; $(sqlite3 "$EX/madoguchi.db" 'select count(*) from applications') applications"
start_server export "$EX" || exit 1
EX_PID=$SRV_PID EX_PORT=$SRV_PORT
EX_COOKIE=$(login "$EX_PORT" "$(password_of "$EX")")
sleep 1
HWM_BEFORE=$(rss_kb "$EX_PID" VmHWM); RSS_BEFORE=$(rss_kb "$EX_PID" VmRSS)
# sample VmRSS every 20 ms during the export as well (VmHWM is the authoritative peak)
( peak=0; while kill -0 "$EX_PID" 2>/dev/null && [ ! -e "$OUT/export.done" ]; do
    r=$(rss_kb "$EX_PID" VmRSS); [ "${r:-0}" -gt $peak ] && peak=$r; sleep 0.02; done; echo $peak >"$OUT/export.peak" ) &
SAMPLER=$!
CURL_OUT=$(curl -s -o "$OUT/export.csv" -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' -m 300 \
  -H "Cookie: $EX_COOKIE" "http://127.0.0.1:$EX_PORT/api/applications/export.csv")
touch "$OUT/export.done"; wait $SAMPLER
HWM_AFTER=$(rss_kb "$EX_PID" VmHWM); RSS_AFTER=$(rss_kb "$EX_PID" VmRSS)
read -r EX_CODE EX_TTFB EX_TIME EX_SIZE <<<"$CURL_OUT"
EX_LINES=$(($(wc -l <"$OUT/export.csv") - 1))
EX_UNIQ=$(tail -n +2 "$OUT/export.csv" | cut -d, -f1 | sort -u | wc -l)
if kill -0 "$EX_PID" 2>/dev/null; then EX_ALIVE=yes; stop_server "$EX_PID"
else wait "$EX_PID" 2>/dev/null; EX_ALIVE="NO: exit status $? — $(tail -c 200 "$EX/stderr.log" | tr '\n' ' ')"; log "export: SERVER DIED: $EX_ALIVE"; fi
echo "## 5. CSV export (GET /api/applications/export.csv, SQLite, $((EXPORT_ROWS+1)) applications)"
echo
echo "| measure | value |"
echo "|---|---:|"
echo "| HTTP status | $EX_CODE |"
echo "| data rows in the CSV (expected $((EXPORT_ROWS+1))) | $EX_LINES |"
echo "| distinct receipt numbers in the CSV | $EX_UNIQ |"
echo "| server still running after the export | $EX_ALIVE |"
echo "| time to first byte | $(python3 -c "print(f'{$EX_TTFB*1000:.0f} ms')") |"
echo "| total time | $(python3 -c "print(f'{$EX_TIME:.2f} s')") |"
echo "| size | $(python3 -c "print(f'{$EX_SIZE/1048576:.1f} MiB ({$EX_SIZE} bytes)')") |"
echo "| throughput | $(python3 -c "t=$EX_TIME or 1; print(f'{$EX_LINES/t:,.0f} rows/s, {$EX_SIZE/1048576/t:.1f} MiB/s')") |"
echo "| server VmRSS before → after | $((RSS_BEFORE/1024)) → $((RSS_AFTER/1024)) MiB |"
echo "| server VmHWM (peak RSS) before → after | $((HWM_BEFORE/1024)) → $((HWM_AFTER/1024)) MiB |"
echo "| VmRSS peak sampled every 20 ms during export | $(( $(cat "$OUT/export.peak") / 1024 )) MiB |"
echo

# ---------------------------------------------------------------- 6. build
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  BD=$(mktemp -d /tmp/mg-bench-build.XXXXXX)
  log "build: snapshot of the source tree -> $BD/src; cmake RelWithDebInfo (this takes minutes)"
  mkdir -p "$BD/src"
  tar -C "$REPO" --exclude='./build*' --exclude='./web/node_modules' --exclude='./.git' --exclude='./bench' -cf - . | tar -C "$BD/src" -xf -
  T0=$(now_ms)
  cmake -S "$BD/src" -B "$BD/b" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$OUT/build-configure.log" 2>&1
  CFG_RC=$?
  T1=$(now_ms)
  /usr/bin/time -v cmake --build "$BD/b" >"$OUT/build.log" 2>"$OUT/build.time"
  BUILD_RC=$?
  T2=$(now_ms)
  NTU=$(grep -c '^\[' "$OUT/build.log")
  echo "## 6. Build (./setup's C++ build: cmake -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo, fresh dir, ninja default -j$(( $(nproc) + 2 )))"
  echo
  echo "| measure | value |"
  echo "|---|---:|"
  echo "| configure (cmake -S -B) | $(python3 -c "print(f'{($T1-$T0)/1000:.1f} s')") (exit $CFG_RC) |"
  echo "| cmake --build (wall) | $(python3 -c "print(f'{($T2-$T1)/1000:.0f} s')") (exit $BUILD_RC, $NTU ninja steps) |"
  echo "| user+sys CPU | $(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.0f s", u+s}' "$OUT/build.time") |"
  echo "| peak RSS of one compiler/linker process | $(awk -F': ' '/Maximum resident/ {printf "%.0f MiB", $2/1024}' "$OUT/build.time") |"
  echo "| binary size | $( [ -f "$BD/b/madoguchi" ] && du -m "$BD/b/madoguchi" | cut -f1 ) MiB |"
  echo
  rm -rf "$BD"
fi

echo "load avg at end: $(cut -d' ' -f1-3 /proc/loadavg). Raw output: $OUT"
