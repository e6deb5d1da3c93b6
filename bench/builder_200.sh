#!/usr/bin/env bash
# Runs bench/builder_200.mjs against `madoguchi serve --demo` (fresh data dir, free port), as
# tests/e2e/run.sh does for the browser tests. Build web/dist first (cd web && npm run build).
# usage: bench/builder_200.sh      env: MG_BIN=path (default build/madoguchi)  BENCH_RUNS=5
#        BENCH_NO_GRAPH=1 (a build without the flow view: only the list-only figures)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${MG_BIN:-$REPO/build/madoguchi}
DATA=$(mktemp -d /tmp/mg-bench-builder.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --demo --data "$DATA" --listen "127.0.0.1:$PORT" --log-level warn >"$DATA/out.log" 2>"$DATA/err.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 200); do
  grep -q 'password=' "$DATA/out.log" 2>/dev/null && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
export MG_BASE_URL="http://127.0.0.1:$PORT" MG_TENANT=demo MG_ADMIN_EMAIL=admin@demo.example
MG_ADMIN_PASSWORD=$(grep -o 'password=[^ ]*' "$DATA/out.log" | cut -d= -f2)
export MG_ADMIN_PASSWORD
node "$REPO/bench/builder_200.mjs"
