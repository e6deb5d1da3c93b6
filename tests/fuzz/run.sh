#!/usr/bin/env bash
# Builds the libFuzzer targets (build-san, clang, ASan+UBSan) and runs each one for
# FUZZ_SECONDS over a temporary copy of its seed corpus tests/fuzz/corpus/<name>/.
# A crash, sanitizer report, leak, timeout or OOM fails the target; its reproducer is kept and
# printed (path and base64, so a CI log is enough to reproduce). Called by ./test --fuzz.
#   FUZZ_SECONDS=30   seconds per target
#   FUZZ_TARGETS="date_parse lookup_csv"   only these (names without _fuzz)
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# The sanitizer build of ./test --sanitize (clang, ASan+UBSan, fuzzer-instrumented): after it,
# only the fuzz executables are left to link, if anything.
BUILD_DIR=build-san
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
    -DMADOGUCHI_SANITIZE=ON -DMADOGUCHI_FUZZ=ON -DMADOGUCHI_BENCH=OFF >/dev/null || { echo "fuzz: configure failed"; exit 1; }
fi
cmake --build "$BUILD_DIR" --target fuzz || { echo "fuzz: build failed"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mg-fuzz.XXXXXX")
# Leaks are findings too (libFuzzer checks them after each input when ASan is on).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# JSON-shaped corpora get the JSON dictionary unless the target has its own <name>.dict.
dict_for() {  # name
  local name=$1 seeds=tests/fuzz/corpus/$1 f c
  if [ -f "tests/fuzz/$name.dict" ]; then echo "tests/fuzz/$name.dict"; return; fi
  [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ] || return
  for f in "$seeds"/*; do
    c=$(tr -d ' \t\r\n' <"$f" | head -c1)
    [ "$c" = "{" ] || [ "$c" = "[" ] || return
  done
  echo tests/fuzz/json.dict
}

# Twice the largest seed, at least 4 KiB: room to grow without spending the run on huge inputs.
max_len_for() {  # name
  local biggest=0 s f
  for f in tests/fuzz/corpus/$1/*; do
    [ -f "$f" ] || continue
    s=$(stat -c %s "$f")
    [ "$s" -gt "$biggest" ] && biggest=$s
  done
  s=$((biggest * 2))
  [ "$s" -lt 4096 ] && s=4096
  echo "$s"
}

passed=0; failed=0
for src in tests/fuzz/*_fuzz.cpp; do
  target=$(basename "$src" .cpp)
  name=${target%_fuzz}
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  bin=$BUILD_DIR/$target
  if [ ! -x "$bin" ]; then echo "fuzz: $bin missing"; failed=$((failed + 1)); continue; fi
  corpus=$WORK/$name/corpus; artifacts=$WORK/$name/artifacts
  mkdir -p "$corpus" "$artifacts"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
  args=(-max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048
        -max_len="$(max_len_for "$name")" -artifact_prefix="$artifacts/" -print_final_stats=1)
  dict=$(dict_for "$name")
  [ -n "$dict" ] && args+=(-dict="$dict")
  echo "== fuzz $name (${FUZZ_SECONDS}s, $(ls "$corpus" | wc -l) seeds${dict:+, dict $dict})"
  if "$bin" "${args[@]}" "$corpus" >"$WORK/$name/log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$WORK/$name/log" | tail -2
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    tail -60 "$WORK/$name/log"
    for a in "$artifacts"/*; do
      [ -f "$a" ] || continue
      echo "fuzz: $name FAILED; reproducer: $a"
      echo "  reproduce: $ROOT/$bin $a"
      echo "  add it to tests/fuzz/corpus/$name/ once fixed; base64:"
      base64 -w 0 "$a" | head -c 20000; echo
    done
  fi
done

if [ "$failed" -eq 0 ]; then rm -rf "$WORK"; else echo "fuzz: logs and reproducers kept in $WORK"; fi
echo
echo "madoguchi-fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
