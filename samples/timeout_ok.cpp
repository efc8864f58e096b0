// timeout_ok (negative control): requests derive children with a short timeout and drop
// the cancel. That is sloppy but not a leak: each child expires, unregisters itself from
// the server's set and frees what it held. The second snapshot shows an empty set.
//
// Usage: timeout_ok [--out PREFIX]     writes PREFIX.0001.ctxheap, .0002
#include <chrono>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "sample_support.hpp"

namespace {
const ctxheap::ValueKey<std::vector<char>> kScratch{"request.scratch"};
}

[[gnu::noinline]] void handle_request(const ctxheap::Context& server) {
  auto [ctx, cancel] = ctxheap::with_timeout(server, std::chrono::milliseconds(200), "request");
  auto scratch = ctxheap::with_value(ctx, kScratch, 2048, 'x');  // dies with the request
  ctxheap::CurrentScope scope(scratch);
  std::vector<int> work(256, 1);
}  // cancel dropped; the timer will cancel and unregister the child

int main(int argc, char** argv) {
  samples::start("timeout_ok", argc, argv);
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  for (int i = 0; i < 5000; ++i) handle_request(server);
  samples::snapshot();  // children still pending: registered, not yet expired
  while (server.child_count() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  samples::snapshot();  // all expired and unregistered
  stop_server();
  return 0;
}
