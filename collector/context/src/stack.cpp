// Creation stacks: raw return addresses, captured by ctxheap::stacks (cached unwind
// rules; libunwind where a frame has none), up to CTXHEAP_STACK_DEPTH frames.
#include <atomic>
#include <cstdlib>

#include "ctxheap/context/context.hpp"
#include "ctxheap/stacks/stack_walk.hpp"

namespace ctxheap {
namespace {

constexpr int kMaxDepth = detail::kMaxStackFrames;

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

[[gnu::noinline]] void capture_stack(CreationStack& stack) noexcept {
  const int max = creation_stack_depth();
  if (max <= 0) return;
  const int n = stacks::capture_stack(stack.raw, max + kRuntimeFrames);
  stack.depth = n > kRuntimeFrames ? n - kRuntimeFrames : 0;
}

}  // namespace detail
}  // namespace ctxheap
