#!/usr/bin/env bash
# The statements one web chat turn and one dashboard request send to PostgreSQL, from the
# server log with log_statement=all, on a throwaway cluster (tests/scripts/postgres.sh).
# Background work (outbox, jobs, schedules) shows up in the log too: its lines are dropped.
#
# usage: bench/pg_statements.sh BIN      env: SVC=inu-toroku  ANS=山田太郎 (an answer to step 1)
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/scripts/postgres.sh
pg_start >/dev/null || exit 1
trap 'kill $srv 2>/dev/null; pg_stop' EXIT
BIN=$1
SVC=${SVC:-inu-toroku}; export SVC
name="tr_$RANDOM$RANDOM"
psql "$MG_PG_ADMIN_URL" -qc "CREATE DATABASE $name" >/dev/null
dir=$(mktemp -d "$PG_DIR/run.XXXX"); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN serve --demo --listen 127.0.0.1:$port --data $dir --log-level warn --database "${MG_PG_URL%/*}/$name" >$dir/log 2>&1 &
srv=$!
for i in $(seq 1 600); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
svc=$(curl -s "http://127.0.0.1:$port/api/public/demo/services" | jq -r '.items[]|select(.service_key==env.SVC)|.id')
r=$(curl -s -D $dir/h -X POST -H 'content-type: application/json' -d "{\"service_id\":$svc}" http://127.0.0.1:$port/api/public/demo/chat)
sid=$(echo "$r" | jq -r .session_id); dev=$(grep -io 'mg_device=[^;]*' $dir/h | cut -d= -f2 | tr -d '\r')
pw=$(grep -o 'password=[^ ]*' $dir/log | head -1 | cut -d= -f2)
cook=$(curl -s -D - -o /dev/null -X POST -H 'content-type: application/json' -d "{\"tenant\":\"demo\",\"email\":\"admin@demo.example\",\"password\":\"$pw\"}" http://127.0.0.1:$port/api/login | grep -io 'mg_session=[^;]*' | tr -d '\r')
# warm up (prepare statements, caches)
for b in '${ANS:-山田太郎}' '戻る'; do curl -s -X POST -H 'content-type: application/json' -b "mg_device=$dev" -d "{\"type\":\"text\",\"text\":\"$b\"}" http://127.0.0.1:$port/api/public/demo/chat/$sid/input >/dev/null; done
curl -s -b "$cook" http://127.0.0.1:$port/api/dashboard >/dev/null
psql "$MG_PG_ADMIN_URL" -qc "ALTER SYSTEM SET log_statement='all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
log=$PG_DIR/server.log
n0=$(wc -l <$log)
for b in '${ANS:-山田太郎}' '戻る'; do curl -s -X POST -H 'content-type: application/json' -b "mg_device=$dev" -d "{\"type\":\"text\",\"text\":\"$b\"}" http://127.0.0.1:$port/api/public/demo/chat/$sid/input >/dev/null; done
sleep 0.3
n1=$(wc -l <$log)
curl -s -b "$cook" http://127.0.0.1:$port/api/dashboard > $dir/dash.json
sleep 0.3
n2=$(wc -l <$log)
psql "$MG_PG_ADMIN_URL" -qc "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
sed -n "$((n0+1)),${n1}p" $log > $dir/turn.log
sed -n "$((n1+1)),${n2}p" $log > $dir/dash.log
BACKGROUND='line_outbox|schedules|UPDATE jobs|line_events'
show() { # LOG TITLE: statements of the request, transaction by transaction per backend
  # process ([pid] of the default log_line_prefix); background work's transactions left out
  grep -o '\[[0-9]*\] LOG:  \(statement\|execute [^:]*\): .*' "$1" | cut -c1-170 |
    awk -v bg="$BACKGROUND" '{pid = $1; sub(/^[^ ]* /, "")}
      /: (BEGIN|BEGIN READ ONLY)$/ {body[pid] = $0; next} {body[pid] = body[pid] "\n" $0}
      /: (COMMIT|ROLLBACK)$/ {if (body[pid] !~ bg) print body[pid]; body[pid] = ""}' >"$1.req"
  echo "$2: $(grep -c . "$1.req") statements"; cat "$1.req"
}
show "$dir/turn.log" "two chat turns"
show "$dir/dash.log" "one dashboard request"
