// Creation stacks: raw return addresses, captured with libunwind's cached fast trace
// (tens of nanoseconds for a typical depth; glibc's backtrace() costs ~1 µs here).
#if defined(__SANITIZE_THREAD__)
#include <execinfo.h>
#else
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#endif

#include <atomic>
#include <cstdlib>

#include "ctxheap/context/context.hpp"

namespace ctxheap {
namespace {

constexpr int kMaxDepth = 64;
// Frames to drop: capture_stack itself and the public creator that called it.
constexpr int kSkip = 2;

int initial_depth() noexcept {
#if !defined(__SANITIZE_THREAD__)
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
#endif
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
  void* raw[kMaxDepth + kSkip];
#if defined(__SANITIZE_THREAD__)
  // Under ThreadSanitizer, libunwind's per-thread cache is freed by a thread-exit
  // destructor after TSan has torn the thread down, which crashes (google/sanitizers#943).
  // glibc's backtrace() (libgcc's unwinder, no per-thread cache) is slower but safe there.
  // Its first frame is backtrace() itself: one more to skip.
  void* with_self[kMaxDepth + kSkip + 1];
  const int m = backtrace(with_self, max + kSkip + 1);
  for (int i = 1; i < m; ++i) raw[i - 1] = with_self[i];
  const int n = m > 0 ? m - 1 : 0;
#else
  const int n = unw_backtrace(raw, max + kSkip);
#endif
  int out = 0;
  for (int i = kSkip; i < n; ++i) buf[out++] = raw[i];
  return out;
}

}  // namespace detail
}  // namespace ctxheap
