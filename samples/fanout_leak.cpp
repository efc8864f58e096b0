// fanout_leak: the goroutine-leak analog. A job context fans work out to worker threads
// that each block on done() of their own child; the coordinator forgets to cancel the
// children, so the workers stay blocked and every child stays registered in the job's set.
//
// Usage: fanout_leak [--out PREFIX]    writes PREFIX.0001.ctxheap, .0002
#include <chrono>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "sample_support.hpp"

namespace {
const ctxheap::ValueKey<std::vector<char>> kShard{"job.shard"};
constexpr int kWorkers = 8;
}  // namespace

[[gnu::noinline]] ctxheap::Context start_worker(const ctxheap::Context& job, int i, std::vector<std::thread>& threads) {
  auto shard = ctxheap::with_value(job, kShard, 64 * 1024, static_cast<char>(i));
  auto [ctx, cancel] = ctxheap::with_cancel(shard, "worker");
  threads.emplace_back([ctx = ctx] {
    ctxheap::CurrentScope scope(ctx);
    std::vector<char> partial(16 * 1024, 'p');  // held while blocked
    ctx.wait();                                  // nobody will cancel ctx
  });
  return ctx;
}  // cancel dropped: only cancelling the job can release the workers now

int main(int argc, char** argv) {
  samples::start("fanout_leak", argc, argv);
  auto [job, cancel_job] = ctxheap::with_cancel(ctxheap::background(), "job");
  std::vector<std::thread> threads;
  std::vector<ctxheap::Context> workers;
  for (int i = 0; i < kWorkers; ++i) workers.push_back(start_worker(job, i, threads));
  for (const auto& w : workers)
    while (w.waiters() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  samples::snapshot();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  samples::snapshot();  // still blocked, nothing changed
  cancel_job();         // end of the program: release the workers so it can exit
  for (auto& t : threads) t.join();
  return 0;
}
