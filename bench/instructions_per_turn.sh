#!/usr/bin/env bash
# Instructions executed per resident chat turn, counted by valgrind's callgrind: unlike
# turns/s it does not depend on what else the machine is doing, so two binaries can be
# compared on a shared, noisy machine. Counts the whole server (all threads) over N turns
# after a warm-up, divided by N.
# usage: bench/instructions_per_turn.sh BIN [N=400]
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "$1"); N=${2:-400}
command -v valgrind >/dev/null || { echo "missing valgrind" >&2; exit 1; }
D=$(mktemp -d /tmp/mg-ir.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$D"
valgrind --tool=callgrind --callgrind-out-file="$D/cg.%p" "$BIN" serve --demo \
  --listen "127.0.0.1:$PORT" --data "$D/data" --log-level warn --templates "$REPO/templates" >"$D/log" 2>&1 &
VP=$!
for i in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
SESSIONS="$D/sessions.json" python3 "$REPO/bench/chat_turns.py" "$PORT" 0 setup
SESSIONS="$D/sessions.json" python3 "$REPO/bench/chat_turns.py" "$PORT" 40 run >/dev/null  # warm-up
callgrind_control -z "$VP" >/dev/null
SESSIONS="$D/sessions.json" python3 "$REPO/bench/chat_turns.py" "$PORT" "$N" run
callgrind_control -d "$VP" >/dev/null
kill "$VP"; wait "$VP" 2>/dev/null
f=$(ls -t "$D"/cg.*.1 | head -1)
ir=$(callgrind_annotate "$f" 2>/dev/null | grep -m1 "PROGRAM TOTALS" | awk '{gsub(",","",$1); print $1}')
echo "$1 instructions/turn=$((ir / N)) (callgrind file: $f)"
