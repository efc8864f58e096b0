#include "slot_table.hpp"

#include <mutex>

namespace ctxheap::collector {

SlotTable::SlotTable() noexcept
    : pending_(static_cast<ThreadPending*>(reserve_zeroed(sizeof(ThreadPending) * kMaxThreads))),
      slots_(static_cast<SlotCounters*>(reserve_zeroed(sizeof(SlotCounters) * (std::size_t{kMaxSlot} + 1)))) {
  // mmap'd memory is zero, which is every SlotCounters member's initial value.
  map_.store(new_map(1024), std::memory_order_release);
}

SlotTable::~SlotTable() {
  // Maps are never unmapped while the process runs (lock-free readers may hold an old
  // one); this destructor only runs for tables owned by tests.
  unreserve(slots_, sizeof(SlotCounters) * (std::size_t{kMaxSlot} + 1));
  unreserve(pending_, sizeof(ThreadPending) * kMaxThreads);
}

SlotTable::Map* SlotTable::new_map(std::size_t capacity) noexcept {
  const std::size_t bytes = sizeof(Map) + capacity * (sizeof(ContextId) + sizeof(std::uint32_t));
  auto* raw = static_cast<char*>(reserve_zeroed(bytes));
  if (raw == nullptr) return nullptr;
  auto* m = reinterpret_cast<Map*>(raw);
  m->mask = capacity - 1;
  m->keys = reinterpret_cast<std::atomic<ContextId>*>(raw + sizeof(Map));
  m->vals = reinterpret_cast<std::atomic<std::uint32_t>*>(raw + sizeof(Map) + capacity * sizeof(ContextId));
  m->used = 0;
  return m;
}

std::uint32_t SlotTable::map_find(const Map& m, ContextId id) noexcept {
  for (std::size_t i = mix64(id) & m.mask;; i = (i + 1) & m.mask) {
    const ContextId k = m.keys[i].load(std::memory_order_acquire);
    if (k == id) return m.vals[i].load(std::memory_order_relaxed);
    if (k == kNoContext) return kNoSlot;
  }
}

std::uint32_t SlotTable::find(ContextId id) const noexcept {
  const Map* m = map_.load(std::memory_order_acquire);
  return m ? map_find(*m, id) : kNoSlot;
}

void SlotTable::map_insert(ContextId id, std::uint32_t slot) noexcept {
  Map* m = map_.load(std::memory_order_relaxed);
  if ((m->used + 1) * 2 > m->mask + 1) {
    // Grow (dropping tombstones) into a fresh map; readers of the old one stay valid,
    // because an id is only looked up while its context is alive and its entry is stable.
    Map* bigger = new_map((m->mask + 1) * 2);
    if (bigger == nullptr) return;
    for (std::size_t i = 0; i <= m->mask; ++i) {
      const ContextId k = m->keys[i].load(std::memory_order_relaxed);
      if (k == kNoContext || k == kTombstone) continue;
      std::size_t j = mix64(k) & bigger->mask;
      while (bigger->keys[j].load(std::memory_order_relaxed) != kNoContext) j = (j + 1) & bigger->mask;
      bigger->vals[j].store(m->vals[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
      bigger->keys[j].store(k, std::memory_order_relaxed);
      ++bigger->used;
    }
    map_.store(bigger, std::memory_order_release);
    m = bigger;
  }
  std::size_t i = mix64(id) & m->mask;
  while (m->keys[i].load(std::memory_order_relaxed) != kNoContext) i = (i + 1) & m->mask;
  m->vals[i].store(slot, std::memory_order_relaxed);
  m->keys[i].store(id, std::memory_order_release);
  ++m->used;
}

void SlotTable::map_erase(ContextId id) noexcept {
  Map* m = map_.load(std::memory_order_relaxed);
  for (std::size_t i = mix64(id) & m->mask;; i = (i + 1) & m->mask) {
    const ContextId k = m->keys[i].load(std::memory_order_relaxed);
    if (k == kNoContext) return;
    if (k == id) {
      m->keys[i].store(kTombstone, std::memory_order_release);
      return;
    }
  }
}

std::uint32_t SlotTable::slot_for(ContextId id) noexcept {
  const std::uint32_t found = find(id);
  if (found != kNoSlot) return found;
  std::lock_guard lock(lock_);
  if (const std::uint32_t again = find(id); again != kNoSlot) return again;
  std::uint32_t slot;
  if (free_head_ != 0) {
    slot = free_head_ - 1;
    free_head_ = slots_[slot].next_retired.load(std::memory_order_relaxed);
  } else if (high_water_ <= kMaxSlot && slots_ != nullptr) {
    slot = high_water_++;
  } else {
    return kOverflowSlot;
  }
  SlotCounters& c = slots_[slot];
  c.alloc_objects.store(0, std::memory_order_relaxed);
  c.alloc_bytes.store(0, std::memory_order_relaxed);
  c.free_objects.store(0, std::memory_order_relaxed);
  c.free_bytes.store(0, std::memory_order_relaxed);
  c.last_alloc_ns.store(0, std::memory_order_relaxed);
  c.destroyed.store(false, std::memory_order_relaxed);
  c.retire_queued.store(false, std::memory_order_relaxed);
  c.next_retired.store(0, std::memory_order_relaxed);
  c.context.store(id, std::memory_order_release);
  map_insert(id, slot);
  ++in_use_;
  return slot;
}

CounterValues SlotTable::read(std::uint32_t slot) const noexcept {
  const SlotCounters& c = slots_[slot];
  CounterValues v;
  const std::uint32_t threads = pending_ ? pending_high_.load(std::memory_order_acquire) : 0;
  // Seqlock over every thread block: retry while a flush moves counts from a block into
  // the slot, so nothing is counted twice or missed. Flushes are rare; give up after a few.
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uint32_t seq_sum = 0;
    bool flushing = false;
    for (std::uint32_t i = 0; i < threads; ++i) {
      const std::uint32_t seq = pending_[i].seq.load(std::memory_order_acquire);
      flushing |= (seq & 1) != 0;
      seq_sum += seq;
    }
    // Frees first: a concurrent alloc+free then never makes in-use look negative.
    v.free_objects = c.free_objects.load(std::memory_order_acquire);
    v.free_bytes = c.free_bytes.load(std::memory_order_acquire);
    v.alloc_objects = c.alloc_objects.load(std::memory_order_acquire);
    v.alloc_bytes = c.alloc_bytes.load(std::memory_order_acquire);
    v.last_alloc_ns = c.last_alloc_ns.load(std::memory_order_relaxed);
    for (std::uint32_t i = 0; i < threads; ++i) {
      const ThreadPending& p = pending_[i];
      if (!p.active.load(std::memory_order_acquire) || p.slot.load(std::memory_order_acquire) != slot) continue;
      v.free_objects += p.free_objects.load(std::memory_order_relaxed);
      v.free_bytes += p.free_bytes.load(std::memory_order_relaxed);
      v.alloc_objects += p.alloc_objects.load(std::memory_order_relaxed);
      v.alloc_bytes += p.alloc_bytes.load(std::memory_order_relaxed);
    }
    std::uint32_t seq_after = 0;
    for (std::uint32_t i = 0; i < threads; ++i) seq_after += pending_[i].seq.load(std::memory_order_acquire);
    if (!flushing && seq_after == seq_sum) break;
  }
  return v;
}

bool SlotTable::pending_counts_for(std::uint32_t slot) const noexcept {
  const std::uint32_t threads = pending_ ? pending_high_.load(std::memory_order_acquire) : 0;
  for (std::uint32_t i = 0; i < threads; ++i) {
    const ThreadPending& p = pending_[i];
    if (!p.active.load(std::memory_order_acquire) || p.slot.load(std::memory_order_acquire) != slot) continue;
    if (p.alloc_objects.load(std::memory_order_relaxed) != 0 || p.free_objects.load(std::memory_order_relaxed) != 0)
      return true;
  }
  return false;
}

ThreadPending* SlotTable::acquire_pending() noexcept {
  if (pending_ == nullptr) return nullptr;
  for (;;) {
    std::uint32_t high = pending_high_.load(std::memory_order_acquire);
    for (std::uint32_t i = 0; i < high; ++i) {
      bool expected = false;
      if (pending_[i].active.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return &pending_[i];
    }
    if (high >= kMaxThreads) return nullptr;
    pending_high_.compare_exchange_strong(high, high + 1, std::memory_order_acq_rel);  // one more block; scan again
  }
}

void SlotTable::retarget(ThreadPending& p, std::uint32_t slot) noexcept {
  const std::uint32_t old = p.slot.load(std::memory_order_relaxed);
  if (old == slot) return;
  p.seq.fetch_add(1, std::memory_order_acq_rel);  // odd: readers wait
  if (old != ~0u) {
    SlotCounters& c = slots_[old];
    c.alloc_objects.fetch_add(p.alloc_objects.load(std::memory_order_relaxed), std::memory_order_relaxed);
    c.alloc_bytes.fetch_add(p.alloc_bytes.load(std::memory_order_relaxed), std::memory_order_relaxed);
    c.free_objects.fetch_add(p.free_objects.load(std::memory_order_relaxed), std::memory_order_relaxed);
    c.free_bytes.fetch_add(p.free_bytes.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
  p.alloc_objects.store(0, std::memory_order_relaxed);
  p.alloc_bytes.store(0, std::memory_order_relaxed);
  p.free_objects.store(0, std::memory_order_relaxed);
  p.free_bytes.store(0, std::memory_order_relaxed);
  p.slot.store(slot, std::memory_order_release);
  p.seq.fetch_add(1, std::memory_order_acq_rel);  // even again
  if (old != ~0u) maybe_queue_retire(old);        // its last counts may have just arrived
}

void SlotTable::release_pending(ThreadPending& p) noexcept {
  retarget(p, ~0u);
  p.active.store(false, std::memory_order_release);
}

void SlotTable::mark_destroyed(ContextId id) noexcept {
  const std::uint32_t slot = find(id);
  if (slot == kNoSlot || slot == kOverflowSlot) return;
  slots_[slot].destroyed.store(true, std::memory_order_release);
  maybe_queue_retire(slot);
}

void SlotTable::maybe_queue_retire(std::uint32_t slot) noexcept {
  if (slot > kMaxSlot) return;
  SlotCounters& c = slots_[slot];
  if (slot == kOverflowSlot || !c.destroyed.load(std::memory_order_acquire) || c.in_use_objects() != 0) return;
  if (c.retire_queued.exchange(true, std::memory_order_acq_rel)) return;
  // Lock-free push onto the retire list (1 + slot; 0 ends it).
  std::uint32_t head = retired_head_.load(std::memory_order_relaxed);
  do {
    c.next_retired.store(head, std::memory_order_relaxed);
  } while (!retired_head_.compare_exchange_weak(head, slot + 1, std::memory_order_acq_rel));
}

void SlotTable::release(std::uint32_t slot) noexcept {
  std::lock_guard lock(lock_);
  map_erase(slots_[slot].context.load(std::memory_order_relaxed));
  slots_[slot].context.store(kNoContext, std::memory_order_release);
  slots_[slot].next_retired.store(free_head_, std::memory_order_relaxed);
  free_head_ = slot + 1;
  --in_use_;
}

std::size_t SlotTable::slots_in_use() const noexcept { return in_use_; }

}  // namespace ctxheap::collector
