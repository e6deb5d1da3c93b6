#!/usr/bin/env bash
# Checks that madoguchi works under MemoryDenyWriteExecute (contrib/madoguchi.service): runs
# `serve --demo` with the kernel's PR_SET_MDWE (Linux >= 6.3; the same rule systemd enforces
# with seccomp: no mapping may become writable and executable) and drives the code paths that
# load or use jemalloc, ICU (normalisation of chat input), OpenSSL (sessions, HMAC), argon2 and
# SQLite; then checks the server is still alive.
# Usage: tests/security/mdwe-smoke.sh   (MG_BIN, MG_WEB_ROOT as in scan.sh)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${MG_BIN:-$ROOT/build/madoguchi}
WORK=$(mktemp -d /tmp/mg-mdwe.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
python3 - "$BIN" serve --demo --data "$WORK/data" --listen "127.0.0.1:$PORT" \
  --web-root "${MG_WEB_ROOT:-$ROOT/web/dist}" --log-level warn >"$WORK/out.log" 2>"$WORK/err.log" <<'PY' &
import ctypes, os, sys
PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.stderr.write("mdwe: PR_SET_MDWE unsupported: errno %d\n" % ctypes.get_errno())
    sys.exit(77)
os.execv(sys.argv[1], sys.argv[1:])  # the flag is kept across execve
PY
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 200); do
  grep -q 'password=' "$WORK/out.log" 2>/dev/null && curl -sf "$BASE/healthz" >/dev/null && break
  kill -0 $PID 2>/dev/null || break
  sleep 0.1
done
wait_rc() { wait $PID; echo $?; }
if ! kill -0 $PID 2>/dev/null; then
  rc=$(wait_rc)
  [ "$rc" = 77 ] && { echo "mdwe: skipped (kernel without PR_SET_MDWE)"; exit 0; }
  echo "mdwe: FAIL: server exited ($rc) under MDWE"; cat "$WORK/err.log"; exit 1
fi
fail=0
check() { # name, expected status, curl args...
  local name=$1 want=$2; shift 2
  local got; got=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@")
  if [ "$got" = "$want" ]; then echo "mdwe: ok   $name ($got)"; else echo "mdwe: FAIL $name: $got, want $want"; head -c 300 "$WORK/body"; echo; fail=1; fi
}
PASSWORD=$(grep -o 'password=[^ ]*' "$WORK/out.log" | cut -d= -f2)
check "login (argon2, OpenSSL)" 200 -c "$WORK/staff.jar" -H 'Content-Type: application/json' \
  --data "{\"tenant\":\"demo\",\"email\":\"admin@demo.example\",\"password\":\"$PASSWORD\"}" "$BASE/api/login"
check "wrong password" 401 -H 'Content-Type: application/json' \
  --data '{"tenant":"demo","email":"admin@demo.example","password":"wrong-password-123"}' "$BASE/api/login"
SERVICE_ID=$(curl -s "$BASE/api/public/demo/services" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
check "start chat" 201 -c "$WORK/res.jar" -H 'Content-Type: application/json' \
  --data "{\"service_id\":$SERVICE_ID}" "$BASE/api/public/demo/chat"
CHAT_ID=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t.get("session_id") or t.get("id") or t["session"]["id"])' "$WORK/body")
# Full-width digits and half-width kana go through ICU normalisation.
check "chat input (ICU)" 200 -b "$WORK/res.jar" -H 'Content-Type: application/json' \
  --data '{"type":"text","text":"ｶﾀｶﾅ １２３ テスト"}' "$BASE/api/public/demo/chat/$CHAT_ID/input"
check "applications list" 200 -b "$WORK/staff.jar" "$BASE/api/applications?q=%EF%BC%91"
check "CSV export" 200 -b "$WORK/staff.jar" "$BASE/api/applications/export.csv"
check "static page" 200 "$BASE/t/demo"
kill -0 $PID 2>/dev/null || { echo "mdwe: FAIL: server died"; fail=1; }
grep -i "mprotect\|permission denied\|abort" "$WORK/err.log" && fail=1
[ $fail = 0 ] && echo "mdwe: passed (server ran under PR_SET_MDWE)"
exit $fail
