// Creation stacks: raw return addresses, captured by ctxheap::stacks (cached unwind
// rules; libunwind where a frame has none), up to CTXHEAP_STACK_DEPTH frames.
#include <atomic>
#include <cstdlib>

#include "ctxheap/context/context.hpp"
#include "ctxheap/stacks/stack_walk.hpp"

namespace ctxheap {
namespace {

constexpr int kMaxDepth = 64;
// Frames to drop: capture_stack itself and the public creator that called it.
constexpr int kSkip = 2;

int initial_depth() noexcept {
  if (const char* env = std::getenv("CTXHEAP_STACK_DEPTH")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 0) return v > kMaxDepth ? kMaxDepth : static_cast<int>(v);
  }
  return 16;
}

std::atomic<int>& depth_setting() noexcept {
  static std::atomic<int> depth{initial_depth()};
  return depth;
}

}  // namespace

void set_creation_stack_depth(int depth) noexcept {
  depth_setting().store(depth < 0 ? 0 : (depth > kMaxDepth ? kMaxDepth : depth));
}

int creation_stack_depth() noexcept { return depth_setting().load(std::memory_order_relaxed); }

namespace detail {

int stack_capacity() noexcept { return creation_stack_depth(); }

[[gnu::noinline]] int capture_stack(void** buf, int max) noexcept {
  if (max <= 0) return 0;
  if (max > kMaxDepth) max = kMaxDepth;
  void* raw[kMaxDepth + kSkip];
  const int n = stacks::capture_stack(raw, max + kSkip);
  int out = 0;
  for (int i = kSkip; i < n; ++i) buf[out++] = raw[i];
  return out;
}

}  // namespace detail
}  // namespace ctxheap
