// handler_leak: a long-lived server context and, per request, a child whose cancel is
// dropped. Each child stays registered in the server's children set, together with the
// request body it references, until the server itself is cancelled.
//
// Usage: handler_leak [requests]   (default 20000)
#include <cxxabi.h>
#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ctxheap/context/all.hpp"

namespace {

const ctxheap::ValueKey<std::vector<char>> kRequestBody{"request.body"};
constexpr std::size_t kBodyBytes = 4096;

// Counts the runtime's events: the runtime's own view of what happened.
struct EventCounter final : ctxheap::Observer {
  std::atomic<long> created{0}, registered{0}, unregistered{0}, cancelled{0}, dropped{0}, destroyed{0};
  void on_created(const ctxheap::Context&) noexcept override { ++created; }
  void on_registered(ctxheap::ContextId, ctxheap::ContextId) noexcept override { ++registered; }
  void on_unregistered(ctxheap::ContextId, ctxheap::ContextId) noexcept override { ++unregistered; }
  void on_cancelled(const ctxheap::Context&) noexcept override { ++cancelled; }
  void on_cancel_dropped(ctxheap::ContextId) noexcept override { ++dropped; }
  void on_destroyed(ctxheap::ContextId) noexcept override { ++destroyed; }
};

std::string site_of(const ctxheap::Context& ctx) {
  const auto stack = ctx.creation_stack();
  if (stack.empty()) return "(no stack)";
  Dl_info info{};
  if (dladdr(stack[0], &info) == 0 || info.dli_sname == nullptr) return "(unknown)";
  int status = 0;
  char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
  std::string name = status == 0 ? demangled : info.dli_sname;
  std::free(demangled);
  char offset[32];
  std::snprintf(offset, sizeof offset, "+0x%zx",
                static_cast<std::size_t>(static_cast<char*>(stack[0]) - static_cast<char*>(info.dli_saddr)));
  return name + offset;
}

}  // namespace

// The bug: the cancel function is dropped at the end of the handler.
[[gnu::noinline]] void handle_request(const ctxheap::Context& server, int i) {
  auto with_body = ctxheap::with_value(server, kRequestBody, kBodyBytes, static_cast<char>(i));
  auto [ctx, cancel] = (i % 5 == 0) ? ctxheap::with_timeout(with_body, std::chrono::hours(1), "request")
                                    : ctxheap::with_cancel(with_body, "request");
  const std::vector<char>* body = ctx.value(kRequestBody);
  volatile char sink = (*body)[body->size() / 2];
  (void)sink;
}  // cancel destroyed uncalled: the child stays in the server's children set

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 20000;
  EventCounter events;
  ctxheap::add_observer(&events);

  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  for (int i = 0; i < requests; ++i) handle_request(server, i);

  auto children = server.registered_children();
  std::size_t dropped = 0, timers = 0;
  for (const auto& c : children) {
    dropped += c.cancel_dropped() ? 1 : 0;
    timers += c.kind() == ctxheap::ContextKind::Deadline ? 1 : 0;
  }
  std::printf("handler_leak: %d requests handled by context #%llu \"%s\" (%s, %s)\n", requests,
              static_cast<unsigned long long>(server.id()), std::string(server.name()).c_str(),
              std::string(to_string(server.kind())).c_str(), std::string(to_string(server.state())).c_str());
  std::printf("  children registered in its set: %zu (%zu with_cancel, %zu with_timeout)\n",
              server.child_count(), children.size() - timers, timers);
  std::printf("  of those, cancel dropped:       %zu\n", dropped);
  if (!children.empty()) {
    const auto& c = children.front();
    std::printf("  e.g. child #%llu, created at %s, still %s\n", static_cast<unsigned long long>(c.id()),
                site_of(c).c_str(), std::string(to_string(c.state())).c_str());
  }
  std::printf("  request bodies kept alive:      %zu x %zu B = %.1f MiB\n", children.size(), kBodyBytes,
              static_cast<double>(children.size() * kBodyBytes) / (1024.0 * 1024.0));
  std::printf("  runtime events: %ld created, %ld registered, %ld cancel dropped, %ld destroyed\n",
              events.created.load(), events.registered.load(), events.dropped.load(), events.destroyed.load());

  children.clear();  // our own handles; only the server's set holds the children now
  const long destroyed_before = events.destroyed.load();
  stop_server();
  const auto stragglers = server.child_count();
  // The children's last references were the server's set; cancelling it freed them.
  std::printf("after cancelling the server: %zu children registered, %ld contexts freed\n", stragglers,
              events.destroyed.load() - destroyed_before);
  ctxheap::remove_observer(&events);
  return stragglers == 0 ? 0 : 1;
}
