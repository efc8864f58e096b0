#!/usr/bin/env bash
# Sets up, builds and runs the tests: what CI runs (.ci/run calls it with no argument).
#
#   scripts/test.sh [STAGE...]     STAGE: release, asan, tsan, fuzz or all (the default)
#
#   release  the release preset, the whole suite
#   asan     the asan preset (ASan + UBSan), the whole suite; the collector's hook tests
#            need tcmalloc as the allocator and are not built under sanitizers
#   tsan     the tsan preset, the stress tests of the context runtime and the collector
#   fuzz     every libFuzzer target for CTXHEAP_FUZZ_SECONDS (default 60) each
#
# Each stage's wall time is printed at the end (docs/reliability.md keeps the figures).
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests of the stress suites that run under TSan (ctest -R): the context runtime's, the
# collector's, its per-thread side tables', its exit path's (shutdown order) and the stack
# capture's (a rule cache filled by threads at once, without a lock).
TSAN_TARGETS=(ctxheap_context_tests ctxheap_collector_stress_tests ctxheap_side_table_tests ctxheap_shutdown_tests
              ctxheap_stack_capture_tests)
TSAN_TESTS='^(Stress|DeepChain|CollectorStress|SideTable|Shutdown|StackCapture)\.'

stages=("$@")
if ((${#stages[@]} == 0)) || [[ " ${stages[*]} " == *" all "* ]]; then
  stages=(release asan tsan fuzz)
fi
for s in "${stages[@]}"; do
  case "$s" in
    release|asan|tsan|fuzz) ;;
    *) echo "test.sh: unknown stage '$s' (release, asan, tsan, fuzz or all)" >&2; exit 2 ;;
  esac
done

jobs="$(nproc)"
timings=()
run_stage() {
  local stage="$1" start=$SECONDS
  echo "== test.sh: $stage"
  case "$stage" in
    release)
      bash scripts/build.sh release
      ctest --preset release -j "$jobs"
      ;;
    asan)
      bash scripts/build.sh asan
      ctest --preset asan -j "$jobs"
      ;;
    tsan)
      bash scripts/setup.sh
      cmake --preset tsan >/dev/null
      cmake --build --preset tsan --target "${TSAN_TARGETS[@]}"
      ctest --preset tsan -R "$TSAN_TESTS"
      ;;
    fuzz)
      bash scripts/fuzz.sh
      ;;
  esac
  timings+=("$(printf '%-8s %4d:%02d' "$stage" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)))")
}

for s in "${stages[@]}"; do run_stage "$s"; done
echo "== test.sh: passed; wall time per stage (min:s)"
printf '  %s\n' "${timings[@]}"
