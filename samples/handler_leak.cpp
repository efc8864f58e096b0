// handler_leak: a long-lived server context and, per request, a child whose cancel is
// dropped. Each child stays registered in the server's children set, together with the
// request body it references, until the server itself is cancelled.
//
// Usage: handler_leak [--out PREFIX] [--requests N]     writes PREFIX.0001.ctxheap, .0002
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "sample_support.hpp"

namespace {
const ctxheap::ValueKey<std::vector<char>> kRequestBody{"request.body"};
constexpr std::size_t kBodyBytes = 4096;
}  // namespace

// The bug: the cancel function is dropped at the end of the handler.
[[gnu::noinline]] void handle_request(const ctxheap::Context& server, int i) {
  // The body is owned by a value context (charged to it) above the request's child.
  auto with_body = ctxheap::with_value(server, kRequestBody, kBodyBytes, static_cast<char>(i));
  auto [ctx, cancel] = (i % 5 == 0) ? ctxheap::with_timeout(with_body, std::chrono::hours(1), "request")
                                    : ctxheap::with_cancel(with_body, "request");
  ctxheap::CurrentScope scope(ctx);
  std::string response(512, 'x');  // request-scoped work, freed before returning
  response += std::to_string(ctx.value(kRequestBody)->size());
}  // cancel destroyed uncalled: the child stays in the server's children set

int main(int argc, char** argv) {
  int requests = 20000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--requests") == 0) requests = std::atoi(argv[i + 1]);
  samples::start("handler_leak", argc, argv);

  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  for (int i = 0; i < requests / 2; ++i) handle_request(server, i);
  samples::snapshot();
  for (int i = requests / 2; i < requests; ++i) handle_request(server, i);
  samples::snapshot();
  stop_server();
  return 0;
}
