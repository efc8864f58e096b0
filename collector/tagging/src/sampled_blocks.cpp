// Sampled-only mode's slow paths through the collector's own entry points: serving a
// sampled block, recognising and releasing it, realloc (see sampled_blocks.hpp).
#include "sampled_blocks.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "ctxheap/context/current.hpp"

// In the entry points' section: the sampler drops these frames from sampled stacks.
#define CTXHEAP_SAMPLED_PATH [[gnu::section("ctxheap_entry_points"), gnu::noinline]]

namespace ctxheap::collector::sampled {
namespace {

// Frames above the entry-point section in a sampled stack: Sampler::record_alloc.
constexpr int kRecorderFrames = 1;

Header& header_of(void* p) noexcept { return *reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader); }
std::uint64_t magic_for(const void* p) noexcept { return kMagic ^ reinterpret_cast<std::uintptr_t>(p); }

// Sets the entry mode from the number of live sampled blocks without a header.
void count_unmarked(State& s, int delta) noexcept {
  std::lock_guard lock(s.unmarked_lock);
  s.unmarked_live += static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
  set_entry_mode(s.unmarked_live == 0 ? EntryMode::Sampled : EntryMode::SampledFiltered);
}

// A sampled block: with a header at the marked offset when the alignment allows it.
[[gnu::section("ctxheap_entry_points")]] void* serve(State& s, std::size_t size, std::size_t alignment, bool zero) noexcept {
  const ContextId id = current_charge_id();
  const std::uint32_t slot = id == kNoContext ? kNoContextSlot : s.slots.slot_for(id);
  void* p;
  if (alignment <= kHeader) {
    if (size > SIZE_MAX - kHeader) return nullptr;
    char* base = static_cast<char*>(tc_memalign(kMarkModulus, size + kHeader));
    if (base == nullptr) return nullptr;
    p = base + kHeader;
    if (!s.side.insert(reinterpret_cast<std::uintptr_t>(p), {slot, size, true})) {
      tc_free(base);
      return nullptr;
    }
    header_of(p) = {magic_for(p), size};
  } else {
    p = tc_memalign(alignment, size);
    if (p == nullptr) return nullptr;
    if (!s.side.insert(reinterpret_cast<std::uintptr_t>(p), {slot, size, true})) {
      tc_free(p);
      return nullptr;
    }
    s.sampled_filter[filter_cell(p)].fetch_add(1, std::memory_order_relaxed);
    count_unmarked(s, +1);
  }
  if (zero) std::memset(p, 0, size);
  s.sampler.record_alloc(id, reinterpret_cast<std::uintptr_t>(p), size, kRecorderFrames);
  return p;
}

// Removes a header block's side-table entry: false if the block is not a sampled one.
bool take_marked(State& s, void* p, Owner* o) noexcept {
  if (header_of(p).magic != magic_for(p)) return false;
  ThreadState& t = t_state;
  const bool saved = t.in_hook;
  t.in_hook = true;
  const bool found = s.side.erase(reinterpret_cast<std::uintptr_t>(p), o);
  t.in_hook = saved;
  return found;
}

void free_marked(State& s, void* p, const Owner& o) noexcept {
  s.sampler.record_free(reinterpret_cast<std::uintptr_t>(p), o.size);
  header_of(p).magic = 0;
  tc_free(static_cast<char*>(p) - kHeader);
}

}  // namespace

CTXHEAP_SAMPLED_PATH void* allocate(std::size_t size, std::size_t alignment, bool zero) noexcept {
  ThreadState& t = t_state;
  State* s = g_state;
  if (s == nullptr || t.in_hook || t.internal) {
    // The collector's own and re-entrant allocations neither count down nor get sampled.
    t.fast_countdown += static_cast<std::int64_t>(size);
    return nullptr;
  }
  t.in_hook = true;
  // A thread's first call only draws its first gap, so new threads do not all sample
  // their first allocation.
  const bool first = t.rng == 0;
  t.fast_countdown = s->sampler.next_gap(t.rng);
  void* p = nullptr;
  if (!(first && s->sampler.interval() > 1) && (alignment & (alignment - 1)) == 0)
    p = serve(*s, size, alignment, zero);
  t.in_hook = false;
  return p;
}

CTXHEAP_SAMPLED_PATH bool release_marked(void* p) noexcept {
  State* s = g_state;
  Owner o;
  if (s == nullptr || !take_marked(*s, p, &o)) return false;
  free_marked(*s, p, o);
  return true;
}

CTXHEAP_SAMPLED_PATH bool release_filtered(void* p) noexcept {
  if (may_be_marked(p)) return release_marked(p);
  State* s = g_state;
  if (p == nullptr || s == nullptr || s->sampled_filter[filter_cell(p)].load(std::memory_order_relaxed) == 0)
    return false;
  ThreadState& t = t_state;
  const bool saved = t.in_hook;
  t.in_hook = true;
  Owner o;
  if (s->side.erase(reinterpret_cast<std::uintptr_t>(p), &o)) {
    s->sampled_filter[filter_cell(p)].fetch_sub(1, std::memory_order_relaxed);
    s->sampler.record_free(reinterpret_cast<std::uintptr_t>(p), o.size);
    count_unmarked(*s, -1);
  }
  t.in_hook = saved;
  return false;
}

CTXHEAP_SAMPLED_PATH void* marked_base(void* p) noexcept {
  return header_of(p).magic == magic_for(p) ? static_cast<char*>(p) - kHeader : nullptr;
}

// A header block moves out (a fresh block, counted down like any allocation); any other
// block goes through tc_realloc (a sampled one without a header is recorded as freed
// first) and, if its new size runs the countdown out, moves into a sampled block.
CTXHEAP_SAMPLED_PATH void* reallocate(void* old, std::size_t size) noexcept {
  if (old == nullptr) return malloc_counted(size);
  State* s = g_state;
  Owner o;
  if (s != nullptr && may_be_marked(old) && take_marked(*s, old, &o)) {
    if (size == 0) {  // tcmalloc's realloc(p, 0): frees p, returns null
      free_marked(*s, old, o);
      return nullptr;
    }
    void* p = malloc_counted(size);
    if (p == nullptr) {
      // Failed: the old block is still live and still a sample.
      ThreadState& t = t_state;
      const bool saved = t.in_hook;
      t.in_hook = true;
      s->side.insert(reinterpret_cast<std::uintptr_t>(old), o);
      t.in_hook = saved;
      return nullptr;
    }
    const std::size_t usable = tc_malloc_size(static_cast<char*>(old) - kHeader) - kHeader;
    std::memcpy(p, old, std::min(usable, size));
    free_marked(*s, old, o);
    return p;
  }
  if (entry_mode() == EntryMode::SampledFiltered) release_filtered(old);
  void* p = tc_realloc(old, size);
  if (p == nullptr || size == 0) return p;
  if ((t_state.fast_countdown -= static_cast<std::int64_t>(size)) < 0) {
    if (void* moved = allocate(size, 0, false)) {
      std::memcpy(moved, p, size);
      tc_free(p);
      return moved;
    }
  }
  return p;
}

}  // namespace ctxheap::collector::sampled
