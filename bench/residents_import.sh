#!/usr/bin/env bash
# Imports residents' attributes from a generated CSV with `madoguchi residents import` on SQLite
# and PostgreSQL and prints rows/s and peak RSS (/usr/bin/time -v). The file has ROWS LINE
# friends not seen before (each creates a resident and its identity) and six attributes:
# a choice, multi-valued topics (1–3), a number, a birth date, children's birth dates (0–2)
# and yes/no, about 3.5 values per row.
#
# usage: bench/residents_import.sh
# env:   MG_BIN=path (default build/madoguchi)  BENCH_IMPORT_ROWS=1000000  BENCH_SKIP_PG=1
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
BIN=${MG_BIN:-$REPO/build/madoguchi}
ROWS=${BENCH_IMPORT_ROWS:-1000000}
OUT=${OUT:-$(mktemp -d /tmp/mg-bench-import.XXXXXX)}
mkdir -p "$OUT"
log() { echo "[bench] $*" >&2; }

CSV=$OUT/residents.csv
log "generating $ROWS rows in $CSV"
python3 - "$ROWS" "$CSV" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
r = random.Random(20261130)
d = ['kita', 'minami', 'higashi', 'nishi']
t = ['bousai', 'kosodate', 'kenko', 'event']
def date(y0, y1):
    return f"{r.randint(y0, y1)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
with open(path, 'w') as f:
    f.write('line_user_id,district,topics,score,birth_date,child_birth_date,villager\n')
    for i in range(rows):
        f.write(f"U{i:032x},{r.choice(d)},{'|'.join(r.sample(t, r.randint(1, 3)))},"
                f"{r.randint(0, 100)},{date(1930, 2010)},"
                f"{'|'.join(date(2010, 2026) for _ in range(r.randint(0, 2)))},"
                f"{r.choice(['yes', 'no'])}\n")
PY
[ -s "$CSV" ] || { echo "could not write $CSV" >&2; exit 1; }
log "$(wc -c <"$CSV") bytes"

DEFS="INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, multiple, options, created_at, updated_at) SELECT id, k, k, v, m, o, 0, 0 FROM tenants, (
 SELECT 'district' AS k, 'choice' AS v, 0 AS m, '[\"kita\",\"minami\",\"higashi\",\"nishi\"]' AS o
 UNION ALL SELECT 'topics', 'choice', 1, '[\"bousai\",\"kosodate\",\"kenko\",\"event\"]'
 UNION ALL SELECT 'score', 'number', 0, '[]'
 UNION ALL SELECT 'birth_date', 'date', 0, '[]'
 UNION ALL SELECT 'child_birth_date', 'date', 1, '[]'
 UNION ALL SELECT 'villager', 'yes_no', 0, '[]') AS d WHERE code = 'bench'"

run() {  # backend, db args..., then sql command
  local backend=$1; shift
  local args=("$@")
  "$BIN" migrate "${args[@]}" >/dev/null
  "$BIN" tenant create --code bench --name ベンチ町 "${args[@]}" >/dev/null
  $SQL "$DEFS"
  log "$backend: importing"
  /usr/bin/time -v "$BIN" residents import --tenant bench "$CSV" "${args[@]}" \
    >"$OUT/$backend.out" 2>"$OUT/$backend.time"
  local rc=$?
  local secs cpu rss values
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$OUT/$backend.time")
  # On a shared machine wall time depends on the load; CPU time of the importer does less.
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$OUT/$backend.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/$backend.time")
  values=$($SQL "SELECT COUNT(*) FROM resident_attributes" | tr -d ' ')
  printf '| %s | %s | %s | %.1f | %.0f | %.1f | %.0f | %s | %s |\n' "$backend" "$ROWS" "$values" \
    "$secs" "$(echo "$ROWS / $secs" | bc -l)" "$cpu" "$(echo "$ROWS / $cpu" | bc -l)" "$rss" \
    "$([ $rc = 0 ] && echo ok || echo "exit $rc")"
  log "$(cat "$OUT/$backend.out")"
}

echo "| backend | rows | values | wall s | rows/s (wall) | importer CPU s | rows/CPU-s | peak RSS (MiB) | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
mkdir -p "$OUT/sqlite"
SQL="sqlite3 $OUT/sqlite/madoguchi.db"
run sqlite --data "$OUT/sqlite"
if [ -z "${BENCH_SKIP_PG:-}" ]; then
  # shellcheck source=/dev/null
  source tests/scripts/postgres.sh
  pg_start >/dev/null || exit 1
  trap pg_stop EXIT
  SQL="psql $MG_PG_URL -X -q -At -c"
  run postgres --data "$OUT/pg" --database "$MG_PG_URL"
fi
log "raw output in $OUT"
