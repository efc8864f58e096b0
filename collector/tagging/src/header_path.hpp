// The tagging path of exact mode with block headers (block_headers.hpp): the same charges
// as tag_path.hpp's on_alloc/on_free, with the owner written into, and read back from, the
// header in front of the block instead of the side table. Same rules: no allocation
// through malloc, no lock user code can hold, a re-entry guard, correct with no current
// context, in fork() children and during static destruction.
#pragma once

#include "block_headers.hpp"
#include "tag_path.hpp"

namespace ctxheap::collector::tagging {

/// The common case of on_alloc_headed, with no call and no register to save: the thread
/// charges the context it charged last (its pending counts point at that slot), the
/// sampling countdown does not run out, and the block can carry a header. Returns the
/// address the program gets, or nullptr when on_alloc_headed must run instead.
[[gnu::always_inline]] inline void* try_alloc_headed_fast(void* base, std::size_t size) noexcept {
  using namespace headers;
  ThreadState& t = t_state;
  ThreadPending* pending = t.pending;  // non-null only after refresh_slot: cached_id is a context
  const auto left = t.bytes_until_sample - static_cast<std::int64_t>(size);
  if (pending == nullptr || current_charge_id() != t.cached_id || left < 0 || t.in_hook || t.internal ||
      base == nullptr || !can_head(base)) [[unlikely]]
    return nullptr;
  t.bytes_until_sample = left;
  const std::uint32_t slot = t.cached_slot;
  charge_context_alloc(*g_state, t, slot, size);  // pending is set: two plain adds
  void* p = static_cast<char*>(base) + kHeader;
  *static_cast<Header*>(base) = {check_for(p), encode(slot, size, false)};
  return p;
}

/// Tags a new tcmalloc block of `size` + kHeader bytes at `base` and returns the address
/// the program gets: base + kHeader with the owner in the header, or — re-entrant, or a
/// block that would start a page — `base` itself, without a header, through the side
/// table (on_alloc). Null stays null.
[[gnu::always_inline]] inline void* on_alloc_headed(void* base, std::size_t size, int skip) noexcept {
  using namespace headers;
  ThreadState& t = t_state;
  if (base == nullptr) [[unlikely]] return nullptr;
  if (t.in_hook || !can_head(base)) [[unlikely]] {
    on_alloc(base, size, skip);
    return base;
  }
  State& s = *g_state;  // set before the entry mode that leads here
  void* p = static_cast<char*>(base) + kHeader;
  Header& h = *static_cast<Header*>(base);
  if (t.internal) [[unlikely]] {
    // The collector's own memory: kept apart from the program's heap.
    s.internal.alloc_objects.fetch_add(1, std::memory_order_relaxed);
    s.internal.alloc_bytes.fetch_add(size, std::memory_order_relaxed);
    h = {check_for(p), encode(kInternalSlot, size, false)};
    return p;
  }
  t.in_hook = true;
  const ContextId id = current_charge_id();
  bool sampled = false;
  if ((t.bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) [[unlikely]]
    sampled = sample_slow(s, t, id, p, size, skip);
  std::uint32_t slot;
  if (id == kNoContext) {
    slot = charge_no_context_alloc(s, t, size);
  } else {
    slot = t.cached_id == id ? t.cached_slot : refresh_slot(s, t, id);
    charge_context_alloc(s, t, slot, size);
  }
  h = {check_for(p), encode(slot, size, sampled)};
  t.in_hook = false;
  return p;
}

/// Charges a freed headed block's owner (out of line: tag_path.cpp).
void charge_free_headed(const void* p, std::uint64_t owner) noexcept;

/// The common case of a headed block's free, with no call: a block of the context this
/// thread charges, not sampled, is two plain adds to the thread's pending counts. Returns
/// false when charge_free_headed must run instead.
[[gnu::always_inline]] inline bool try_free_headed_fast(std::uint64_t owner) noexcept {
  ThreadState& t = t_state;
  ThreadPending* pending = t.pending;
  // owner >> kSlotShift is the slot only when the sampled bit is clear.
  if (pending == nullptr || (owner >> headers::kSlotShift) != t.cached_slot || t.in_hook) [[unlikely]] return false;
  single_writer_add(pending->free_objects, 1);
  single_writer_add(pending->free_bytes, headers::size_of(owner));
  return true;
}

/// Untags a headed block (is_headed(p) holds) about to be freed and returns its tcmalloc
/// block. The header's check word is cleared first, so the address can never pass for a
/// headed block again once tcmalloc reuses it.
[[gnu::always_inline]] inline void* on_free_headed(void* p) noexcept {
  using namespace headers;
  Header& h = header_of(p);
  const std::uint64_t owner = h.owner;
  h.check = 0;
  if (!try_free_headed_fast(owner)) charge_free_headed(p, owner);
  return &h;
}

}  // namespace ctxheap::collector::tagging
