// A fixed number of create+cancel loops (bench_context's BM_CreateCancelChild, one thread)
// at a given creation-stack depth, for instruction counts under cachegrind
// (scripts/bench_context_instructions.sh): Google Benchmark's time-based iteration counts
// would not repeat.
//   create_cancel_loop DEPTH LOOPS
#include <cstdlib>

#include "ctxheap/context/all.hpp"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  ctxheap::set_creation_stack_depth(std::atoi(argv[1]));
  const long loops = std::atol(argv[2]);
  auto [parent, stop] = ctxheap::with_cancel(ctxheap::background(), "parent");
  unsigned long sum = 0;
  for (long i = 0; i < loops; ++i) {
    auto [ctx, cancel] = ctxheap::with_cancel(parent);
    sum += ctx.id();
    cancel();
  }
  stop();
  return sum == 0 ? 1 : 0;
}
