// A small server that forgets to cancel its requests' contexts, linked from outside
// ctxheap's source tree (find_package or pkg-config). It writes one snapshot to the path
// given; `ctxheap check` on it must name "consumer-server".
#include <cstdio>
#include <string>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"

namespace {
const ctxheap::ValueKey<std::vector<char>> kBody{"body"};

[[gnu::noinline]] void handle(const ctxheap::Context& server, int i) {
  auto with_body = ctxheap::with_value(server, kBody, 1024, static_cast<char>(i));
  auto [ctx, cancel] = ctxheap::with_cancel(with_body, "request");
  ctxheap::CurrentScope scope(ctx);
}  // cancel dropped: the request stays in the server's children set
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SNAPSHOT\n");
    return 2;
  }
  if (!ctxheap::collector::installed()) {
    std::fprintf(stderr, "consumer: the collector is not installed\n");
    return 1;
  }
  auto [server, stop] = ctxheap::with_cancel(ctxheap::background(), "consumer-server");
  for (int i = 0; i < 100; ++i) handle(server, i);
  ctxheap::collector::write_snapshot(argv[1]);
  stop();
  return 0;
}
