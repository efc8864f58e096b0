// Context runtime costs, as Go's BenchmarkWithCancel-style loops measure them:
// create a child of a shared cancelable parent, then cancel it.
//
//   ./build/release/tests/bench/bench_context --benchmark_repetitions=5
//   (scripts/bench.sh runs it together with the same loop in Go)
#include <benchmark/benchmark.h>

#include "ctxheap/context/all.hpp"

namespace {

ctxheap::Context& shared_parent() {
  static auto* parent = new ctxheap::CancelableContext(ctxheap::with_cancel(ctxheap::background(), "parent"));
  return parent->ctx;
}

void set_depth(const benchmark::State& state) { ctxheap::set_creation_stack_depth(static_cast<int>(state.range(0))); }

void BM_CreateCancelChild(benchmark::State& state) {
  if (state.thread_index() == 0) set_depth(state);
  const ctxheap::Context& parent = shared_parent();
  for (auto _ : state) {
    auto [ctx, cancel] = ctxheap::with_cancel(parent);
    benchmark::DoNotOptimize(ctx.id());
    cancel();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateCancelChild)->ArgName("stack_depth")->Arg(0)->Arg(16)->Threads(1)->Threads(2)->UseRealTime();

void BM_CreateCancelTimeoutChild(benchmark::State& state) {
  if (state.thread_index() == 0) set_depth(state);
  const ctxheap::Context& parent = shared_parent();
  for (auto _ : state) {
    auto [ctx, cancel] = ctxheap::with_timeout(parent, std::chrono::hours(1));
    benchmark::DoNotOptimize(ctx.id());
    cancel();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateCancelTimeoutChild)->ArgName("stack_depth")->Arg(16)->Threads(1)->Threads(2)->UseRealTime();

void BM_ValueLookupDepth8(benchmark::State& state) {
  static const ctxheap::ValueKey<int> key{"k"};
  ctxheap::Context ctx = ctxheap::with_value(ctxheap::background(), key, 42);
  static const ctxheap::ValueKey<int> other{"other"};
  for (int i = 0; i < 8; ++i) ctx = ctxheap::with_value(ctx, other, i);
  for (auto _ : state) benchmark::DoNotOptimize(ctx.value(key));
}
BENCHMARK(BM_ValueLookupDepth8);

void BM_DonePoll(benchmark::State& state) {
  const ctxheap::Context& parent = shared_parent();
  for (auto _ : state) benchmark::DoNotOptimize(parent.done());
}
BENCHMARK(BM_DonePoll);

}  // namespace

BENCHMARK_MAIN();
