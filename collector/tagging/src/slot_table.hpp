// Exact per-context counters, addressed by a small slot number so that the side table can
// name an owner in 20 bits. A context gets a slot on its first tagged allocation and keeps
// it until it is destroyed *and* owns no live block; then the slot is retired (its final
// counters move to the context's record) and reused.
//
// Lookups (context id → slot) are lock-free; inserting and retiring take a SpinLock that
// only the collector uses. Memory comes from mmap only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ctxheap/context/types.hpp"
#include "raw_memory.hpp"

namespace ctxheap::collector {

struct alignas(64) SlotCounters {
  std::atomic<ContextId> context{kNoContext};  ///< owner; kNoContext = free slot
  std::atomic<std::uint64_t> alloc_objects{0};
  std::atomic<std::uint64_t> alloc_bytes{0};
  std::atomic<std::uint64_t> free_objects{0};
  std::atomic<std::uint64_t> free_bytes{0};
  std::atomic<std::int64_t> last_alloc_ns{0};
  std::atomic<bool> destroyed{false};       ///< the runtime freed the context
  std::atomic<bool> retire_queued{false};
  std::atomic<std::uint32_t> next_retired{0};

  std::uint64_t in_use_objects() const noexcept {
    return alloc_objects.load(std::memory_order_relaxed) - free_objects.load(std::memory_order_relaxed);
  }
};

/// A thread's counts for the one slot it charges most recently, kept apart from the shared
/// slot counters so the hook path updates them with plain stores (no locked instruction,
/// no cache line shared between threads). Flushed into the slot when the thread moves on
/// to another slot or exits; readers add them in under a seqlock.
struct alignas(64) ThreadPending {
  std::atomic<std::uint32_t> seq{0};       ///< odd while the owner flushes
  std::atomic<std::uint32_t> slot{~0u};    ///< the slot these counts belong to
  std::atomic<std::uint64_t> alloc_objects{0}, alloc_bytes{0}, free_objects{0}, free_bytes{0};
  std::atomic<bool> active{false};  // the owner updates the counts with single_writer_add
};

struct CounterValues {
  std::uint64_t alloc_objects = 0, alloc_bytes = 0, free_objects = 0, free_bytes = 0;
  std::int64_t last_alloc_ns = 0;
};

class SlotTable {
 public:
  /// Slot 0 collects contexts that found the table full (more than kMaxSlot at once).
  /// The side table's largest slot values are kept free (no-context blocks by thread,
  /// and the collector's own blocks: state.hpp).
  static constexpr std::uint32_t kOverflowSlot = 0;
  static constexpr std::uint32_t kMaxSlot = (1u << 20) - 128;

  SlotTable() noexcept;
  ~SlotTable();
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;

  /// The slot of a context, assigning one if it has none. Never allocates through malloc.
  std::uint32_t slot_for(ContextId id) noexcept;
  /// The slot of a context if it has one, else kNoSlot.
  static constexpr std::uint32_t kNoSlot = ~0u;
  std::uint32_t find(ContextId id) const noexcept;

  SlotCounters& at(std::uint32_t slot) noexcept { return slots_[slot]; }
  const SlotCounters& at(std::uint32_t slot) const noexcept { return slots_[slot]; }
  /// The slot's counters plus every thread's pending counts for it.
  CounterValues read(std::uint32_t slot) const noexcept;

  /// Marks a context destroyed; queues its slot for retirement once nothing it owns is live.
  void mark_destroyed(ContextId id) noexcept;
  /// Called after a free: queues a destroyed context's slot when its last block is gone.
  void maybe_queue_retire(std::uint32_t slot) noexcept;
  /// Hands every queued slot whose context owns nothing (threads' pending counts
  /// included) to `fold(context_id, final counters)` and frees the slot.
  template <class Fold>
  void retire_queued(Fold&& fold) noexcept {
    std::uint32_t link = retired_head_.exchange(0, std::memory_order_acq_rel);
    while (link != 0) {
      const std::uint32_t slot = link - 1;
      link = slots_[slot].next_retired.load(std::memory_order_relaxed);
      const CounterValues v = read(slot);
      if (v.alloc_objects != v.free_objects || pending_counts_for(slot)) {
        // A thread still holds counts for the slot: its flush will queue the slot again.
        slots_[slot].retire_queued.store(false, std::memory_order_release);
        continue;
      }
      fold(slots_[slot].context.load(std::memory_order_relaxed), v);
      release(slot);
    }
  }

  // --- per-thread pending counts ------------------------------------------------------
  /// A block for the calling thread, or nullptr when all kMaxThreads are taken.
  ThreadPending* acquire_pending() noexcept;
  /// Owner: moves the block's counts into its slot and points it at `slot`.
  void retarget(ThreadPending& p, std::uint32_t slot) noexcept;
  /// Owner, at thread exit: flushes and frees the block for another thread.
  void release_pending(ThreadPending& p) noexcept;

  std::size_t slots_in_use() const noexcept;
  void lock_all() noexcept { lock_.lock(); }
  void unlock_all() noexcept { lock_.unlock(); }

 private:
  struct Map {
    std::size_t mask;
    std::atomic<ContextId>* keys;
    std::atomic<std::uint32_t>* vals;
    std::size_t used = 0;  // including tombstones
  };
  static constexpr ContextId kTombstone = ~ContextId{0};

  Map* new_map(std::size_t capacity) noexcept;
  static std::uint32_t map_find(const Map& m, ContextId id) noexcept;
  void map_insert(ContextId id, std::uint32_t slot) noexcept;  // lock held
  void map_erase(ContextId id) noexcept;                       // lock held
  void release(std::uint32_t slot) noexcept;
  /// True if some thread holds unflushed counts for the slot (they must not outlive it).
  bool pending_counts_for(std::uint32_t slot) const noexcept;

  static constexpr std::uint32_t kMaxThreads = 4096;
  ThreadPending* pending_;
  std::atomic<std::uint32_t> pending_high_{0};

  SlotCounters* slots_;
  std::atomic<Map*> map_{nullptr};
  SpinLock lock_;
  std::uint32_t high_water_ = 1;   // slot 0 is the overflow slot
  std::uint32_t free_head_ = 0;    // 1 + slot, chained through next_retired
  std::size_t in_use_ = 0;
  std::atomic<std::uint32_t> retired_head_{0};
};

}  // namespace ctxheap::collector
