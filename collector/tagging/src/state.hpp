// The collector's process-wide state, shared by the tagging path and the snapshot writer.
// Created once (in mmap'd memory, never freed) before the hooks are installed.
#pragma once

#include <atomic>
#include <cstdint>

#include "ctxheap/context/types.hpp"
#include "side_table.hpp"
#include "slot_table.hpp"
#include "sampler.hpp"

namespace ctxheap::collector {

/// Marks side-table entries of the collector's own blocks (made under InternalScope), so
/// that the profiler's bookkeeping is counted apart from the program's heap.
inline constexpr std::uint32_t kInternalSlot = SideTable::kMaxSlot;

/// No-context counters of one thread (or of a group of threads beyond the first
/// kNamedStripes), each on its own cache line so threads don't share one. A block made
/// with no current context is recorded under its stripe's slot value (kFirstNoContextSlot
/// + stripe), so its free, on any thread, is charged back to the thread that allocated it.
struct alignas(64) NoContextStripe {
  std::atomic<std::uint64_t> alloc_objects{0}, alloc_bytes{0}, free_objects{0}, free_bytes{0};
  std::atomic<std::int32_t> tid{0};  ///< the owning thread (named stripes), set once; 0 = unowned
  char name[16];  ///< its name when it took the stripe (written before tid), and again at its exit
};

inline constexpr int kNamedStripes = 64;   ///< the first 64 threads that allocate with no context
inline constexpr int kSharedStripes = 16;  ///< later threads, spread over these
inline constexpr int kStripeCount = kNamedStripes + kSharedStripes;
inline constexpr std::uint32_t kFirstNoContextSlot = kInternalSlot - kStripeCount;
/// The slot value of sampled-only mode's no-context samples (their counters are not kept).
inline constexpr std::uint32_t kNoContextSlot = kFirstNoContextSlot;
static_assert(SlotTable::kMaxSlot < kFirstNoContextSlot);

struct State {
  SideTable side;
  SlotTable slots;
  Sampler sampler;
  NoContextStripe no_context[kStripeCount];
  NoContextStripe internal;                      ///< the collector's own blocks (exact bytes)
  std::atomic<std::int64_t> coarse_now_ns{0};   ///< refreshed by the collector thread
  std::atomic<std::uint64_t> hook_reentries{0};
  std::atomic<std::uint64_t> untracked{0};
  std::atomic<std::uint32_t> next_stripe{0};
  /// Exact tagging (default) counts every allocation; sampled-only mode
  /// (CTXHEAP_MODE=sampled) only records sampled allocations, at a fraction of the cost.
  bool exact = true;
  /// Sampled-only mode: a counting filter of sampled live blocks, so a free can skip the
  /// side table unless its block may have been sampled.
  static constexpr std::size_t kFilterCells = std::size_t{1} << 15;  // 128 KiB: stays in cache
  std::atomic<std::uint32_t> sampled_filter[kFilterCells];
  /// Interposed sampled-only mode: live sampled blocks served without a header (alignment
  /// above 16), which frees find through sampled_filter only while there are any.
  SpinLock unmarked_lock;
  std::uint64_t unmarked_live = 0;  ///< under unmarked_lock
};

inline std::size_t filter_cell(const void* p) noexcept {
  return fold_hash(reinterpret_cast<std::uintptr_t>(p)) & (State::kFilterCells - 1);
}

/// Null until install(); the hooks check it.
[[gnu::visibility("hidden")]] extern State* g_state;

inline constexpr std::int64_t kNeverFast = INT64_MIN / 2;

/// Per-thread hook state: plain data, so access is one TLS offset.
struct ThreadState {
  bool in_hook;         ///< re-entry guard
  bool internal;        ///< collector code running: charge nothing, sample nothing
  bool stripe_set;
  std::uint8_t stripe;
  bool pending_done;     ///< the thread is exiting: update slot counters directly
  ContextId cached_id;  ///< last context charged on this thread ...
  std::uint32_t cached_slot;  ///< ... and its slot
  ThreadPending* pending;     ///< this thread's counts for cached_slot (nullptr: none)
  std::int64_t bytes_until_sample;
  std::uint64_t rng;
  /// The entry points' countdown: in sampled-only mode (interposed) the bytes until the
  /// next sample; in every other mode, and in a new thread, far below zero, so that each
  /// allocation leaves the fast path (interposer.cpp). (A non-zero initial value still
  /// needs no dynamic initialisation: it is in the TLS image.)
  std::int64_t fast_countdown = kNeverFast;
};
/// constinit here too, so that every use is one %fs-relative access, with no call to a
/// TLS init wrapper.
[[gnu::visibility("hidden")]] extern constinit thread_local ThreadState t_state;

/// While alive, the thread's allocations are the collector's own: charged to no context
/// and never sampled (the snapshot writer uses it; so do observer callbacks).
class InternalScope {
 public:
  InternalScope() noexcept : saved_(t_state.internal) { t_state.internal = true; }
  ~InternalScope() { t_state.internal = saved_; }
  InternalScope(const InternalScope&) = delete;
  InternalScope& operator=(const InternalScope&) = delete;

 private:
  bool saved_;
};

std::int64_t monotonic_ns() noexcept;

}  // namespace ctxheap::collector
