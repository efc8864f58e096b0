// Exits while static objects that own contexts and heap blocks are being destroyed, and
// while a detached thread still allocates under a context, with CTXHEAP_SNAPSHOT set:
// the collector's exit snapshot must be written and complete, and the process must exit
// 0 (robustness_test.cpp runs it).
#include <cstdlib>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"

namespace {

void* volatile g_sink;

struct Holder {
  explicit Holder(const char* name) : cc(ctxheap::with_cancel(ctxheap::background(), name)) {
    ctxheap::CurrentScope scope(cc.ctx);
    for (int i = 0; i < 100; ++i) blocks.push_back(std::malloc(256));
  }
  // Frees half, allocates anew, derives a child and cancels, all under its context,
  // during static destruction.
  ~Holder() {
    ctxheap::CurrentScope scope(cc.ctx);
    for (std::size_t i = 0; i < blocks.size(); i += 2) std::free(blocks[i]);
    g_sink = std::malloc(1000);
    auto [child, cancel_child] = ctxheap::with_cancel(cc.ctx, "destructor-child");
    cancel_child();
    cc.cancel();
  }
  ctxheap::CancelableContext cc;
  std::vector<void*> blocks;
};

Holder g_holder("static-holder");

}  // namespace

int main() {
  static Holder function_static("function-static-holder");
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "outliving-thread");
  std::thread([c = ctx] {
    ctxheap::CurrentScope scope(c);
    for (;;) {
      void* p = std::malloc(64);
      g_sink = p;
      std::free(p);
    }
  }).detach();
  { ctxheap::CancelFunc dropped = std::move(cancel); }
  return 0;  // exit(): static destructors and the collector's exit snapshot
}
