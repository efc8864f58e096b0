// The tagging path: what every allocation and free does, whoever calls it — the collector's
// own malloc/operator new entry points (interposer.cpp, the default) or tcmalloc's malloc
// hooks (hooks.cpp, the fallback; also what sanitizer builds and tests drive directly).
// Rules (checked by tests/collector):
//   - never allocate through malloc, never take a lock user code can hold (only the
//     collector's SpinLocks, never while running user code);
//   - re-entry guard: an allocation made inside the tagging path is counted, not recorded;
//   - correct with no current context, in fork() children, and during static destruction
//     (the state is never destroyed).
// The common path is a TLS read, a few plain per-thread counter updates and one insert
// into, or erase from, the thread's own side table; sampling, slot assignment and frees of
// other threads' blocks are separate, slower paths (tag_path.cpp). With block headers (the
// interposed default) header_path.hpp does the same charges with the owner kept in front of
// the block; this path then serves only blocks without a header.
#pragma once

#include <gperftools/nallocx.h>
#include <gperftools/tcmalloc.h>

#include <cstddef>
#include <cstdint>

#include "ctxheap/context/current.hpp"
#include "state.hpp"

namespace ctxheap::collector::tagging {

// Out-of-line slow paths (tag_path.cpp). `skip` is the number of the collector's own
// frames above the user's call, dropped from sampled stacks.
bool sample_slow(State& s, ThreadState& t, ContextId id, const void* ptr, std::size_t size, int skip) noexcept;
void sampled_only_alloc(State& s, ThreadState& t, const void* ptr, std::size_t size, int skip) noexcept;
void sampled_only_free(State& s, ThreadState& t, const void* ptr) noexcept;
std::uint32_t refresh_slot(State& s, ThreadState& t, ContextId id) noexcept;
NoContextStripe& stripe_slow(State& s, ThreadState& t) noexcept;

inline NoContextStripe& stripe(State& s, ThreadState& t) noexcept {
  if (!t.stripe_set) [[unlikely]] return stripe_slow(s, t);
  return s.no_context[t.stripe];
}

/// Charges one allocation made with no current context to the allocating thread's stripe
/// (in tcmalloc's size-class bytes) and returns the owner slot that names that stripe.
[[gnu::always_inline]] inline std::uint32_t charge_no_context_alloc(State& s, ThreadState& t, std::size_t size) noexcept {
  NoContextStripe& n = stripe(s, t);
  n.alloc_objects.fetch_add(1, std::memory_order_relaxed);
  n.alloc_bytes.fetch_add(nallocx(size, 0), std::memory_order_relaxed);
  return kFirstNoContextSlot + t.stripe;
}

/// Charges one allocation of `size` bytes to the context counted at `slot` (the thread's
/// cached slot: refresh_slot has run): the thread's pending counts when it has them, the
/// slot's shared counters otherwise; and the slot's last-allocation time.
[[gnu::always_inline]] inline void charge_context_alloc(State& s, ThreadState& t, std::uint32_t slot, std::size_t size) noexcept {
  SlotCounters& c = s.slots.at(slot);
  if (ThreadPending* p = t.pending) {
    single_writer_add(p->alloc_objects, 1);
    single_writer_add(p->alloc_bytes, size);
  } else {
    c.alloc_objects.fetch_add(1, std::memory_order_relaxed);
    c.alloc_bytes.fetch_add(size, std::memory_order_relaxed);
  }
  const std::int64_t now = s.coarse_now_ns.load(std::memory_order_relaxed);
  if (c.last_alloc_ns.load(std::memory_order_relaxed) != now) c.last_alloc_ns.store(now, std::memory_order_relaxed);
}

/// Charges a new block of `size` requested bytes to the current context.
[[gnu::always_inline]] inline void on_alloc(const void* ptr, std::size_t size, int skip) noexcept {
  ThreadState& t = t_state;
  State* s = g_state;
  if (ptr == nullptr || s == nullptr) return;
  if (!s->exact) {
    // The collector's own and re-entrant allocations neither count down nor get sampled.
    if (!t.in_hook && !t.internal && (t.bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) [[unlikely]]
      sampled_only_alloc(*s, t, ptr, size, skip);
    return;
  }
  if (t.in_hook) [[unlikely]] {
    s->hook_reentries.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  t.in_hook = true;
  if (t.internal) [[unlikely]] {
    // The collector's own memory: remembered, so its free is recognised, and kept apart.
    if (s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {kInternalSlot, size, false})) {
      s->internal.alloc_objects.fetch_add(1, std::memory_order_relaxed);
      s->internal.alloc_bytes.fetch_add(size, std::memory_order_relaxed);
    }
    t.in_hook = false;
    return;
  }
  const ContextId id = current_charge_id();
  bool sampled = false;
  if ((t.bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) [[unlikely]]
    sampled = sample_slow(*s, t, id, ptr, size, skip);
  if (id == kNoContext) {
    // Recorded too, so that its free, on any thread, is found in a side table instead of
    // being searched for in all of them.
    s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {charge_no_context_alloc(*s, t, size), size, sampled});
  } else {
    const std::uint32_t slot = t.cached_id == id ? t.cached_slot : refresh_slot(*s, t, id);
    if (s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {slot, size, sampled})) [[likely]] {
      charge_context_alloc(*s, t, slot, size);
    } else {
      s->untracked.fetch_add(1, std::memory_order_relaxed);  // owner unknown: not counted at all
    }
  }
  t.in_hook = false;
}

/// Charges a freed block back to whoever allocated it, given its side-table entry.
inline void charge_free(State& s, ThreadState& t, const void* ptr, const Owner& o) noexcept {
  if (o.slot == kInternalSlot) [[unlikely]] {
    s.internal.free_objects.fetch_add(1, std::memory_order_relaxed);
    s.internal.free_bytes.fetch_add(o.size, std::memory_order_relaxed);
  } else if (o.slot >= kFirstNoContextSlot) {
    NoContextStripe& n = s.no_context[o.slot - kFirstNoContextSlot];  // the allocating thread's
    n.free_objects.fetch_add(1, std::memory_order_relaxed);
    n.free_bytes.fetch_add(nallocx(o.size, 0), std::memory_order_relaxed);
  } else {
    ThreadPending* p = t.pending;
    if (p != nullptr && o.slot == t.cached_slot) {
      single_writer_add(p->free_objects, 1);
      single_writer_add(p->free_bytes, o.size);
    } else {
      SlotCounters& c = s.slots.at(o.slot);
      c.free_objects.fetch_add(1, std::memory_order_relaxed);
      c.free_bytes.fetch_add(o.size, std::memory_order_relaxed);
      if (c.destroyed.load(std::memory_order_relaxed)) [[unlikely]] s.slots.maybe_queue_retire(o.slot);
    }
  }
  if (o.sampled) [[unlikely]] s.sampler.record_free(reinterpret_cast<std::uintptr_t>(ptr), o.size);
}

/// A block the side table never saw (allocated before the collector was installed).
inline void charge_unknown_free(State& s, ThreadState& t, const void* ptr) noexcept {
  NoContextStripe& n = stripe(s, t);
  n.free_objects.fetch_add(1, std::memory_order_relaxed);
  n.free_bytes.fetch_add(tc_malloc_size(const_cast<void*>(ptr)), std::memory_order_relaxed);
}

/// Charges a block about to be freed. Must run before the allocator reuses the address.
[[gnu::always_inline]] inline void on_free(const void* ptr) noexcept {
  ThreadState& t = t_state;
  State* s = g_state;
  if (ptr == nullptr || s == nullptr) return;
  if (t.in_hook) [[unlikely]] return;
  if (!s->exact) {
    if (s->sampled_filter[filter_cell(ptr)].load(std::memory_order_relaxed) != 0) [[unlikely]]
      sampled_only_free(*s, t, ptr);
    return;
  }
  t.in_hook = true;
  Owner o;
  if (s->side.erase(reinterpret_cast<std::uintptr_t>(ptr), &o)) [[likely]] charge_free(*s, t, ptr, o);
  else charge_unknown_free(*s, t, ptr);
  t.in_hook = false;
}

}  // namespace ctxheap::collector::tagging
