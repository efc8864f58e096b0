// pool_leak: a server hands each request's work to a thread pool (Asio's thread_pool).
// The request's context goes with the work (ctxheap::ContextExecutor), so what the job
// allocates on the pool thread is charged to the request. The handler drops the request's
// cancel, so every request stays in the server's children set, with the 2 KiB result its
// job cached on the pool thread.
//
// Usage: pool_leak [--out PREFIX] [--requests N]     writes PREFIX.0001.ctxheap, .0002
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "ctxheap/context/asio.hpp"
#include "ctxheap/context/executor.hpp"
#include "sample_support.hpp"

namespace {
constexpr std::size_t kResultBytes = 2048;

/// Results kept by the jobs (never evicted: what each request leaves behind).
struct ResultCache {
  std::mutex mutex;
  std::vector<std::unique_ptr<std::vector<char>>> results;
};

// Runs on a pool thread, with the request's context current.
[[gnu::noinline]] void render(ResultCache& cache, std::latch& done, int i) {
  {
    std::string scratch(512, 'x');  // request-scoped work, freed before the job reports done
    auto result = std::make_unique<std::vector<char>>(kResultBytes, static_cast<char>(i + scratch.size()));
    std::lock_guard lock(cache.mutex);
    cache.results.push_back(std::move(result));
  }
  done.count_down();  // last: a snapshot taken once every job is done sees all its frees
}

// The bug: the request's cancel is dropped when the handler returns.
[[gnu::noinline]] void handle_request(const ctxheap::Context& server, asio::thread_pool& pool,
                                      ResultCache& cache, std::latch& done, int i) {
  auto [request, cancel] = ctxheap::with_cancel(server, "request");
  asio::post(ctxheap::ContextExecutor(pool.get_executor(), request),
             [&cache, &done, i] { render(cache, done, i); });
}  // cancel destroyed uncalled: the request stays in the server's children set

void serve(const ctxheap::Context& server, asio::thread_pool& pool, ResultCache& cache, int from, int to) {
  std::latch done(to - from);
  for (int i = from; i < to; ++i) handle_request(server, pool, cache, done, i);
  done.wait();
}
}  // namespace

int main(int argc, char** argv) {
  int requests = 4000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--requests") == 0) requests = std::atoi(argv[i + 1]);
  samples::start("pool_leak", argc, argv);

  asio::thread_pool pool(4);
  ResultCache cache;
  cache.results.reserve(static_cast<std::size_t>(requests));
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  serve(server, pool, cache, 0, requests / 2);
  samples::snapshot();
  serve(server, pool, cache, requests / 2, requests);
  samples::snapshot();
  stop_server();
  pool.join();
  return 0;
}
