// handler_fixed: handler_leak with the documented fix, ScopedCancel (Go's
// `defer cancel()`): every request's child leaves the server's set when it returns.
//
// Usage: handler_fixed [--out PREFIX] [--requests N]    writes PREFIX.0001.ctxheap, .0002
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

[[gnu::noinline]] void handle_request(const ctxheap::Context& server, int i) {
  auto with_body = ctxheap::with_value(server, kRequestBody, kBodyBytes, static_cast<char>(i));
  auto [ctx, cancel] = (i % 5 == 0) ? ctxheap::with_timeout(with_body, std::chrono::hours(1), "request")
                                    : ctxheap::with_cancel(with_body, "request");
  ctxheap::ScopedCancel guard(std::move(cancel));  // the fix
  ctxheap::CurrentScope scope(ctx);
  std::string response(512, 'x');
  response += std::to_string(ctx.value(kRequestBody)->size());
}

int main(int argc, char** argv) {
  int requests = 20000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--requests") == 0) requests = std::atoi(argv[i + 1]);
  samples::start("handler_fixed", argc, argv);

  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  for (int i = 0; i < requests / 2; ++i) handle_request(server, i);
  samples::snapshot();
  for (int i = requests / 2; i < requests; ++i) handle_request(server, i);
  samples::snapshot();
  stop_server();
  return 0;
}
