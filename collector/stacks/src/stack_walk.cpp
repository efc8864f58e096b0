// The walk: from capture_stack's own frame (built with a frame pointer), step from each
// return address to its caller's with the cached rule for that address, checking every
// read against the thread's stack. A frame with no usable rule hands the whole capture to
// libunwind (glibc's backtrace() under ThreadSanitizer, whose thread-exit teardown
// libunwind's per-thread cache crashes: google/sanitizers#943).
#include "ctxheap/stacks/stack_walk.hpp"

#if defined(__SANITIZE_THREAD__)
#include <execinfo.h>
#else
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#endif

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "frame_rules.hpp"
#include "stack_bounds.hpp"

namespace ctxheap::stacks {
namespace {


// Frames on the stack above the walk's first frame, in the libunwind fallback: the
// fallback function itself and capture_stack/capture_stack_with (this file is built with
// -fno-optimize-sibling-calls, so neither call is a tail call that would drop a frame).
// Under ThreadSanitizer, backtrace() is TSan's interceptor, whose own frame comes first.
#if defined(__SANITIZE_THREAD__)
constexpr int kFallbackFrames = 3;
#else
constexpr int kFallbackFrames = 2;
#endif

// Frames a thread's walk memo keeps: the deepest capture the collector and the runtime ask
// for (64 frames plus the ones they drop) fits.
constexpr int kMemoFrames = 80;

// Any word between the stack pointer and the top of the stack may be read, including ones
// AddressSanitizer poisons (other frames' red zones): the reads are checked against the
// thread's stack bounds instead.
__attribute__((no_sanitize("address"))) std::uintptr_t load(std::uintptr_t at) noexcept {
  return *reinterpret_cast<const std::uintptr_t*>(at);
}

/// The walk's per-frame state, as WalkMemo keeps it.
struct Frames {
  std::uintptr_t ra[kMemoFrames], sp[kMemoFrames], rbp[kMemoFrames], rbp_from[kMemoFrames];
  bool cfa_from_rbp[kMemoFrames];  ///< the step from frame k used rbp
  bool rbp_matters[kMemoFrames];   ///< rbp at frame k is used before it is read from the stack again
  void set(int k, std::uintptr_t ra_, std::uintptr_t sp_, std::uintptr_t rbp_, std::uintptr_t from) noexcept {
    ra[k] = ra_;
    sp[k] = sp_;
    rbp[k] = rbp_;
    rbp_from[k] = from;
  }
  void move(int to, const Frames& src, int from, int count) noexcept {
    std::memmove(ra + to, src.ra + from, count * sizeof(std::uintptr_t));
    std::memmove(sp + to, src.sp + from, count * sizeof(std::uintptr_t));
    std::memmove(rbp + to, src.rbp + from, count * sizeof(std::uintptr_t));
    std::memmove(rbp_from + to, src.rbp_from + from, count * sizeof(std::uintptr_t));
    std::memmove(cfa_from_rbp + to, src.cfa_from_rbp + from, count * sizeof(bool));
    std::memmove(rbp_matters + to, src.rbp_matters + from, count * sizeof(bool));
  }
  /// Fills rbp_matters for frames [0, last], backwards; the last frame's rbp counts.
  void find_rbp_uses(int last, bool last_matters) noexcept {
    if (last < 0) return;
    rbp_matters[last] = last_matters;
    for (int k = last - 1; k >= 0; --k) rbp_matters[k] = cfa_from_rbp[k] || (rbp_from[k + 1] == 0 && rbp_matters[k + 1]);
  }
};

/// This thread's last walk. A frame's caller is a function of the frame's state (return
/// address, stack pointer, rbp) and of the stack words the walk reads from there on: when
/// a new walk reaches a state the last walk had and every word the last walk read from that
/// frame on still holds the value it read, the rest of the stack is the same, and is copied
/// instead of walked. The words are re-read independently of each other, so checking a
/// frame costs a load and a compare off the chain of dependent loads a walk is.
struct WalkMemo {
  std::uintptr_t high = 0;      ///< the stack bounds it was taken under
  int n = 0;                    ///< frames kept
  bool complete = false;        ///< the walk ended there (not at its maximum)
  std::uintptr_t end_read = 0;  ///< where it read the null return address that ended it, or 0
  Frames frames;                ///< frame k's return address was read at sp[k] - 8 (k > 0)

  /// Whether frames (j, j + count) and, when they reach the end, the end still read the same.
  __attribute__((no_sanitize("address"))) bool still_holds(int j, int count) const noexcept {
    bool same = true;
    for (int k = j + 1; k < j + count; ++k) {
      same &= load(frames.sp[k] - 8) == frames.ra[k];
      // An rbp no frame uses (code without frame pointers keeps any value there) may change.
      if (frames.rbp_from[k] != 0 && frames.rbp_matters[k]) same &= load(frames.rbp_from[k]) == frames.rbp[k];
    }
    if (j + count == n && complete && end_read != 0) same &= load(end_read) == 0;
    return same;
  }
};

// One thread-local block (one TLS lookup in a shared library: the default TLS model, so
// that a library linking the context runtime can still be dlopen'ed).
struct ThreadWalks {
  WalkMemo memo;
  bool walking = false;  // a signal handler's capture inside a capture
  unsigned long fallbacks = 0;
  unsigned until_unload_check = 0;  // captures left before asking the loader again
};
constinit thread_local ThreadWalks t_walks{};

/// Walks from `frame`, the frame-pointer frame of the public function that called it.
/// Returns -1 when a frame needs the fallback.
/// `walks` is this thread's block, looked up once by the caller: with the default TLS model
/// every access is a call the compiler spills registers around (noipa: no clone of this
/// function with the thread-local block propagated into it).
#if defined(__clang__)
#define CTXHEAP_NO_IPA [[gnu::noinline]]
#else
#define CTXHEAP_NO_IPA [[gnu::noipa]]
#endif
CTXHEAP_NO_IPA __attribute__((no_sanitize("address"))) int walk_frames(ThreadWalks& walks, void* const* frame,
                                                                   void** out, int max) noexcept {
  const auto frame_at = reinterpret_cast<std::uintptr_t>(frame);
  const StackBounds bounds = stack_bounds(frame_at);
  if (bounds.high == 0) return -1;
  WalkMemo& memo = walks.memo;
  struct Busy {  // restores the flag on every return
    bool& flag;
    bool nested = flag;
    explicit Busy(bool& f) noexcept : flag(f) { flag = true; }
    ~Busy() { flag = nested; }
  } busy(walks.walking);
  const bool use_memo = !busy.nested && max <= kMemoFrames;
  bool memo_live = use_memo && memo.high == bounds.high && memo.n > 0;
  rule_cache::Slot* const rules = rule_cache::active_table();
  Frames walked;  // this walk's frames until it meets the memo
  int j = 0;      // the memo's first frame at or above sp

  std::uintptr_t sp = frame_at + 16;  // the caller's stack pointer once we return
  std::uintptr_t rbp = reinterpret_cast<std::uintptr_t>(frame[0]);
  std::uintptr_t ra = reinterpret_cast<std::uintptr_t>(frame[1]);
  std::uintptr_t rbp_from = 0, last_read = 0, end_read = 0;
  bool complete = true;
  int n = 0;
  for (;;) {
    if (ra == 0) {
      end_read = last_read;
      break;
    }
    if (memo_live) {
      while (j < memo.n && memo.frames.sp[j] < sp) ++j;
      const int take = memo.n - j < max - n ? memo.n - j : max - n;
      // rbp only has to match where a frame from here on uses it before reloading it
      // (code without frame pointers keeps any value there).
      if (j < memo.n && memo.frames.sp[j] == sp && memo.frames.ra[j] == ra &&
          (memo.frames.rbp[j] == rbp || !memo.frames.rbp_matters[j]) &&
          (memo.complete || take == max - n) && memo.still_holds(j, take)) {
        for (int k = 0; k < take; ++k) out[n + k] = reinterpret_cast<void*>(memo.frames.ra[j + k]);
        if (n + (memo.n - j) <= kMemoFrames) {  // the memo becomes this walk's prefix + its tail
          if (n != j) memo.frames.move(n, memo.frames, j, memo.n - j);
          if (n > 0) memo.frames.move(0, walked, 0, n);
          memo.n = n + (memo.n - j);
          memo.frames.rbp[n] = rbp;  // this walk's, and where it read it
          memo.frames.rbp_from[n] = rbp_from;
          if (n > 0) memo.frames.find_rbp_uses(n, memo.frames.rbp_matters[n]);
        }
        return n + take;
      }
      if (j == memo.n || memo.frames.sp[j] == sp) memo_live = false;  // past it, or diverged
    }
    out[n] = reinterpret_cast<void*>(ra);
    walked.set(n < kMemoFrames ? n : kMemoFrames - 1, ra, sp, rbp, rbp_from);
    if (++n == max) {
      complete = false;
      break;
    }
    const std::uint64_t rule = packed_rule_for(rules, ra);
    std::uintptr_t cfa;
    rbp_from = 0;
    walked.cfa_from_rbp[n <= kMemoFrames ? n - 1 : kMemoFrames - 1] = packed_rule::cfa_from_rbp(rule);
    if (rule == packed_rule::kFramePointer) {
      // The common rule gets its own branch: predicted, it keeps the rule lookup off the
      // chain of dependent loads (rbp → [rbp] → ...), so frames walk at frame-pointer speed.
      cfa = rbp + 16;
      if (cfa < sp + 8 || cfa > bounds.high || (cfa & 7) != 0) break;
      rbp_from = cfa - 16;
    } else {
      const unsigned kind = packed_rule::kind(rule);
      if (kind == FrameRule::Outermost) break;
      if (kind != FrameRule::Step) return -1;
      cfa = (packed_rule::cfa_from_rbp(rule) ? rbp : sp) + packed_rule::cfa_offset(rule);
      // A frame must lie above the one before it, inside the stack: else stop here.
      if (cfa < sp + 8 || cfa > bounds.high || (cfa & 7) != 0) break;
      if (const std::int32_t off = packed_rule::rbp_offset(rule)) {
        const std::uintptr_t at = cfa + static_cast<std::uintptr_t>(static_cast<std::intptr_t>(off));
        if (at < sp || at + 8 > cfa || (at & 7) != 0) break;
        rbp_from = at;
      }
    }
    if (rbp_from != 0) rbp = load(rbp_from);
    last_read = cfa - 8;
    ra = load(last_read);
    sp = cfa;
  }
  if (use_memo) {
    memo.high = bounds.high;
    memo.n = n;
    memo.complete = complete;
    memo.end_read = end_read;
    memo.frames.move(0, walked, 0, n);
    memo.frames.find_rbp_uses(n - 1, true);
  }
  return n;
}

[[gnu::noinline]] int libunwind_capture(void** out, int max) noexcept {
  void* raw[256];
  const int want = max + kFallbackFrames < 256 ? max + kFallbackFrames : 256;
#if defined(__SANITIZE_THREAD__)
  const int n = backtrace(raw, want);
#else
  const int n = unw_backtrace(raw, want);
#endif
  int written = 0;
  for (int i = kFallbackFrames; i < n; ++i) out[written++] = raw[i];
  return written;
}

/// Every kCapturesBetweenUnloadChecks captures (the first included), asks whether code
/// was unloaded; not from a capture inside a capture (a signal handler's).
inline void check_for_unloads(ThreadWalks& walks) noexcept {
  if (walks.walking) return;
  if (walks.until_unload_check != 0) {
    --walks.until_unload_check;
    return;
  }
  walks.until_unload_check = kCapturesBetweenUnloadChecks - 1;
  forget_unloaded_code();
}

Unwinder read_default() noexcept {
  const char* env = std::getenv("CTXHEAP_UNWIND");
  return env != nullptr && std::string_view(env) == "libunwind" ? Unwinder::Libunwind : Unwinder::FrameRules;
}

std::atomic<int> g_default{-1};

}  // namespace

Unwinder default_unwinder() noexcept {
  int v = g_default.load(std::memory_order_relaxed);
  if (v < 0) {
#if !defined(__SANITIZE_THREAD__)
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
#endif
    v = static_cast<int>(read_default());
    g_default.store(v, std::memory_order_relaxed);
  }
  return static_cast<Unwinder>(v);
}

[[gnu::noinline]] int capture_stack_with(Unwinder unwinder, void** out, int max) noexcept {
  if (max <= 0) return 0;
  if (unwinder == Unwinder::FrameRules) {
    ThreadWalks& walks = t_walks;
    check_for_unloads(walks);
    const int n = walk_frames(walks, static_cast<void* const*>(__builtin_frame_address(0)), out, max);
    if (n >= 0) return n;
    ++walks.fallbacks;
  }
  return libunwind_capture(out, max);
}

[[gnu::noinline]] int capture_stack(void** out, int max) noexcept {
  if (max <= 0) return 0;
  if (default_unwinder() == Unwinder::FrameRules) {
    ThreadWalks& walks = t_walks;
    check_for_unloads(walks);
    const int n = walk_frames(walks, static_cast<void* const*>(__builtin_frame_address(0)), out, max);
    if (n >= 0) return n;
    ++walks.fallbacks;
  }
  return libunwind_capture(out, max);
}

unsigned long fallbacks_on_this_thread() noexcept { return t_walks.fallbacks; }

bool has_cached_rule(const void* return_address) noexcept {
  return rule_cache::holds(rule_cache::active_table(), reinterpret_cast<std::uintptr_t>(return_address));
}

}  // namespace ctxheap::stacks
