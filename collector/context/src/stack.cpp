// Creation stacks: raw return addresses, captured with libunwind's cached fast trace
// (tens of nanoseconds for a typical depth; glibc's backtrace() costs ~1 µs here).
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <atomic>
#include <cstdlib>

#include "ctxheap/context/context.hpp"

namespace ctxheap {
namespace {

constexpr int kMaxDepth = 64;
// Frames to drop: capture_stack itself and the public creator that called it.
constexpr int kSkip = 2;

int initial_depth() noexcept {
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
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

#if defined(__SANITIZE_THREAD__)
// Under ThreadSanitizer, libunwind's per-thread cache is freed by a thread-exit destructor
// after TSan has torn the thread down, which crashes (google/sanitizers#943). TSan builds
// keep frame pointers, so walk them instead, staying within plausible stack bounds.
[[gnu::noinline]] int walk_frame_pointers(void** out, int max) noexcept {
  auto* frame = static_cast<void**>(__builtin_frame_address(0));
  int n = 0;
  while (frame != nullptr && n < max) {
    void* ret = frame[1];
    if (ret == nullptr) break;
    out[n++] = ret;
    auto* next = static_cast<void**>(frame[0]);
    if (next <= frame || reinterpret_cast<char*>(next) - reinterpret_cast<char*>(frame) > (1 << 20)) break;
    frame = next;
  }
  return n;
}
#endif

[[gnu::noinline]] int capture_stack(void** buf, int max) noexcept {
  if (max <= 0) return 0;
  void* raw[kMaxDepth + kSkip];
#if defined(__SANITIZE_THREAD__)
  // Like unw_backtrace, the walk's first frame is in capture_stack itself.
  const int n = walk_frame_pointers(raw, max + kSkip);
#else
  const int n = unw_backtrace(raw, max + kSkip);
#endif
  int out = 0;
  for (int i = kSkip; i < n; ++i) buf[out++] = raw[i];
  return out;
}

}  // namespace detail
}  // namespace ctxheap
