#!/usr/bin/env bash
# Web scanner pass with Debian's wapiti (3.0.x) against `madoguchi serve --demo`.
#
# Starts the server on a free loopback port with a fresh data dir, logs in as the demo admin,
# hands wapiti the session cookie and CSRF header, scans the resident pages (/t/demo), the
# console (/console) and the API (/api/...), then prints the findings by category. Exits 1 if
# a finding of high or critical severity is not listed in wapiti-accepted.txt (with a reason),
# if the loopback SSRF endpoint was called, or if the server died during the scan.
#
# Nothing leaves the machine: when `unshare` can create a network namespace (root, or
# unprivileged user namespaces) the whole run happens in one that has only loopback; wapiti's
# SSRF/XXE endpoint is a local stub (endpoint.py), bug reports are off, and the modules that
# download databases (nikto, wapp) are not used.
#
# Usage: tests/security/scan.sh   (about a minute; at most 30 s + 18 modules x 15 s)
# Env:   MG_BIN (default build/madoguchi), MG_WEB_ROOT (default web/dist),
#        SCAN_TIME (crawl budget, s; default 30), ATTACK_TIME (per module, s; default 15),
#        SCAN_MODULES (wapiti -m list), SCAN_OUT (report dir; default a new temp dir, kept).
# Exit: 0 clean, 1 findings (or the server died), 2 could not run. Report and summary stay in
# SCAN_OUT. Not part of ./test: it needs wapiti, takes a minute or more, and its result
# depends on the wapiti version.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if [ -z "${MG_SCAN_NETNS:-}" ] && command -v unshare >/dev/null 2>&1 &&
  unshare -rn true 2>/dev/null; then
  # A fresh network namespace: only loopback exists, so no request can reach another host.
  exec unshare -rn env MG_SCAN_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
if [ -z "${MG_SCAN_NETNS:-}" ]; then
  echo "scan: no network namespace available; relying on loopback-only targets and endpoint" >&2
fi

command -v wapiti >/dev/null || { echo "scan: wapiti is not installed (apt-get install wapiti)" >&2; exit 2; }
BIN=${MG_BIN:-$ROOT/build/madoguchi}
WEB_ROOT=${MG_WEB_ROOT:-$ROOT/web/dist}
[ -x "$BIN" ] || { echo "scan: $BIN not found (build first or set MG_BIN)" >&2; exit 2; }
[ -f "$WEB_ROOT/index.html" ] || echo "scan: $WEB_ROOT/index.html missing; pages will be the 503 stub" >&2
SCAN_TIME=${SCAN_TIME:-30}
ATTACK_TIME=${ATTACK_TIME:-15}
# Default wapiti modules plus methods, crlf, csrf, xxe, shellshock, htaccess, backup.
# Not: nikto and wapp (they download databases from the internet), buster and
# brute_login_form (brute force: minutes of noise, and the login is a JSON API, not a form).
MODULES=${SCAN_MODULES:-blindsql,cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,ssrf,xss,methods,crlf,csrf,xxe,shellshock,htaccess,backup}

OUT=${SCAN_OUT:-$(mktemp -d /tmp/mg-wapiti.XXXXXX)}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/mg-scan.XXXXXX)
DATA="$WORK/data"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$DATA"
"$BIN" serve --demo --data "$DATA" --listen "127.0.0.1:$PORT" --web-root "$WEB_ROOT" \
  --log-level warn >"$WORK/out.log" 2>"$OUT/server-stderr.log" &
SERVER=$!
PIDS+=("$SERVER")
python3 "$HERE/endpoint.py" "$WORK/endpoint.port" "$OUT/endpoint-hits.jsonl" &
PIDS+=("$!")
for _ in $(seq 1 300); do
  grep -q 'password=' "$WORK/out.log" 2>/dev/null && [ -s "$WORK/endpoint.port" ] &&
    curl -sf "$BASE/healthz" >/dev/null && break
  sleep 0.1
done
curl -sf "$BASE/healthz" >/dev/null || { echo "scan: server did not start" >&2; cat "$OUT/server-stderr.log" >&2; exit 2; }
ENDPOINT="http://127.0.0.1:$(cat "$WORK/endpoint.port")/"
PASSWORD=$(grep -o 'password=[^ ]*' "$WORK/out.log" | cut -d= -f2)

# Log in as the demo admin: the session cookie and the CSRF token every non-GET needs.
LOGIN=$(curl -s -D "$WORK/login.headers" -H 'Content-Type: application/json' \
  --data "{\"tenant\":\"demo\",\"email\":\"admin@demo.example\",\"password\":\"$PASSWORD\"}" \
  "$BASE/api/login")
SESSION=$(grep -io '^set-cookie: mg_session=[^;]*' "$WORK/login.headers" | head -1 | cut -d= -f2-)
CSRF=$(printf '%s' "$LOGIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' 2>/dev/null)
[ -n "$SESSION" ] && [ -n "$CSRF" ] || { echo "scan: login failed: $LOGIN" >&2; exit 2; }
# A resident too: start a chat for a device cookie and a chat session id.
SERVICE_ID=$(curl -s "$BASE/api/public/demo/services" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null || echo 1)
CHAT=$(curl -s -c "$WORK/resident.jar" -H 'Content-Type: application/json' \
  --data "{\"service_id\":$SERVICE_ID}" "$BASE/api/public/demo/chat")
CHAT_ID=$(printf '%s' "$CHAT" | python3 -c '
import json,sys; t=json.load(sys.stdin); print(t.get("session_id") or t.get("id") or t["session"]["id"])' 2>/dev/null || echo 1)
DEVICE=$(awk '$6=="mg_device"{print $7}' "$WORK/resident.jar")
python3 - "$WORK/cookies.json" "$SESSION" "$DEVICE" <<'PY'
import json, sys
def c(v): return {"value": v, "expires": None, "secure": False, "port": None, "version": 0}
jar = {"mg_session": c(sys.argv[2])}
if sys.argv[3]: jar["mg_device"] = c(sys.argv[3])
json.dump({"127.0.0.1": {"/": jar}}, open(sys.argv[1], "w"))
PY
echo "scan: admin session ok, device cookie ${DEVICE:+set}, service $SERVICE_ID, chat $CHAT_ID"

# The SPA builds its links in JavaScript, so the crawler gets the API as start URLs, each
# with its query parameters, for the attack modules to mutate.
STARTS=(
  "/" "/t/demo" "/t/demo/" "/console" "/console/applications" "/healthz" "/metrics"
  "/api/session" "/api/services" "/api/services/$SERVICE_ID" "/api/services/$SERVICE_ID/export"
  "/api/applications?status=submitted&department=x&q=x&service_id=$SERVICE_ID&from=0&to=9999999999999&limit=10&offset=0"
  "/api/applications/1" "/api/applications/export.csv?status=submitted&q=x&department=x"
  "/api/attachments/1" "/api/audit?limit=10&before_id=100" "/api/dashboard" "/api/jobs?status=dead"
  "/api/line/rich-menus" "/api/line/settings" "/api/staff"
  "/api/public/demo/info" "/api/public/demo/services" "/api/public/demo/my/applications"
  "/api/public/demo/chat/$CHAT_ID" "/assets/index.js?x=1" "/index.html"
)
ARGS=()
for s in "${STARTS[@]}"; do ARGS+=(-s "$BASE$s"); done

# Keep the two database-downloading modules from trying even when loaded (wapiti 3.0.4
# constructs every module, selected or not; mod_wapp fetches its database from GitHub when
# the file is missing).
mkdir -p "$WORK/wapiti-config" && echo '{}' >"$WORK/wapiti-config/apps.json"

echo "scan: wapiti against $BASE (modules: $MODULES; crawl ${SCAN_TIME}s, ${ATTACK_TIME}s per module)"
START=$(date +%s)
# No `-x` exclusions: Debian's wapiti 3.0.4 crashes on them under Python 3.11 (its wildcard
# regex puts `(?ms)` last). Nothing links to POST /api/logout, so the session survives.
wapiti -u "$BASE/" --scope folder "${ARGS[@]}" \
  -c "$WORK/cookies.json" -H "X-CSRF-Token: $CSRF" \
  -m "$MODULES" --endpoint "$ENDPOINT" --no-bugreport \
  --flush-session --store-session "$WORK/wapiti-session" --store-config "$WORK/wapiti-config" \
  -l 2 -d 4 --max-links-per-page 100 --max-files-per-dir 50 \
  --max-scan-time "$SCAN_TIME" --max-attack-time "$ATTACK_TIME" -t 10 \
  -f json -o "$OUT/report.json" -v 1 >"$OUT/wapiti.log" 2>&1
WAPITI_RC=$?
echo "scan: wapiti finished in $(($(date +%s) - START)) s (exit $WAPITI_RC); log $OUT/wapiti.log"
grep -h "Max attack time was reached" "$OUT/wapiti.log" | sed 's/^/scan: /'
[ -s "$OUT/report.json" ] || { echo "scan: no report written" >&2; tail -20 "$OUT/wapiti.log" >&2; exit 2; }

RC=0
# wapiti 3.0 mutates parameters, never the path: a few path probes of our own for file
# disclosure through the static file handler (the answer must not be a file outside web/dist).
PROBES=("//etc/passwd" "/..%2f..%2f..%2f..%2fetc/passwd" "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"
  "/assets/../../../../etc/passwd" "/assets/..%5c..%5c..%5cetc/passwd" "/.%2e/.%2e/.%2e/etc/passwd"
  "///etc/passwd" "/%2fetc%2fpasswd" "/t/demo/..%2f..%2f..%2f..%2fetc/passwd")
echo "scan: path probes (static file root)"
for path in "${PROBES[@]}"; do
  code=$(curl -s --path-as-is -o "$WORK/probe" -w '%{http_code}' "$BASE$path")
  if grep -q 'root:.*:0:0:' "$WORK/probe"; then
    echo "  [high] NEW      Path traversal GET $path: $code with /etc/passwd"
    RC=1
  else
    echo "  ok   GET $path: $code"
  fi
done
if ! curl -sf "$BASE/healthz" >/dev/null || ! kill -0 "$SERVER" 2>/dev/null; then
  echo "scan: the server stopped answering during the scan (see $OUT/server-stderr.log)" >&2
  RC=1
fi
python3 "$HERE/summarize.py" "$OUT/report.json" "$HERE/wapiti-accepted.txt" \
  "$OUT/endpoint-hits.jsonl" | tee "$OUT/summary.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || RC=1
echo "scan: report $OUT/report.json, summary $OUT/summary.txt"
exit $RC
