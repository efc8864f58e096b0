#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: Clang, ASan+UBSan) and runs each for a
# bounded time, then prints executions per target. Exits 1 if any target found a crash,
# a leak or a slow input; the input is kept under build/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh                      every target, CTXHEAP_FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh -s 3600 baseline     one target for an hour
#   scripts/fuzz.sh --no-build ...       skip setup and build
#
# The working corpus grows in build/fuzz/corpus/<target>/ across runs, seeded from
# tests/fuzz/corpus/<target>/. See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${CTXHEAP_FUZZ_SECONDS:-60}"
build=1
targets=()
while (($#)); do
  case "$1" in
    -s|--seconds) seconds="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ((build)); then
  bash scripts/setup.sh
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
fi

bin_dir=build/fuzz/tests/fuzz
if ((${#targets[@]} == 0)); then
  for f in "$bin_dir"/ctxheap_fuzz_*; do
    [ -x "$f" ] && targets+=("${f##*/ctxheap_fuzz_}")
  done
fi
if ((${#targets[@]} == 0)); then
  echo "fuzz: no targets in $bin_dir (build the fuzz preset)" >&2
  exit 2
fi

summary=()
failed=0
for t in "${targets[@]}"; do
  bin="$bin_dir/ctxheap_fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no target '$t' ($bin)" >&2; exit 2; }
  corpus="build/fuzz/corpus/$t"
  artifacts="build/fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="build/fuzz/$t.log"
  echo "fuzz: $t for ${seconds}s"
  status=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  result=ok
  if ((status != 0)); then
    result="FAILED (exit $status)"
    failed=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -5 >&2 || true
    echo "fuzz: reproduce with $bin <input>; full log in $log" >&2
  fi
  summary+=("$(printf '%-18s %8s s %12s execs %8s/s %6s corpus  %s' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$units" "$result")")
done

echo "fuzz: results"
printf '  %s\n' "${summary[@]}"
exit "$failed"
