// The rule cache: return address → packed FrameRule, open addressing, insert-only, shared
// by all threads without a lock. A slot's address is claimed with one compare-and-swap and
// its rule published after it (0 = not yet published, read as a miss), so a reader never
// pairs an address with another address's rule. A full neighbourhood only stops caching.
#include "frame_rules.hpp"

namespace ctxheap::stacks::rule_cache {
namespace {
constexpr int kProbes = 16;
}  // namespace

constinit Slot g_slots[kSlots];

[[gnu::noinline]] std::uint64_t miss(std::uintptr_t ra) noexcept {
  const std::size_t h = home(ra);
  for (int i = 1; i < kProbes; ++i) {  // the home slot was checked inline
    Slot& s = g_slots[(h + i) & (kSlots - 1)];
    const std::uintptr_t key = s.ra.load(std::memory_order_acquire);
    if (key == ra) {
      if (const std::uint64_t v = s.rule.load(std::memory_order_acquire)) return v;
      break;  // being published by another thread
    }
    if (key == 0) break;
  }
  FrameRule rule = rule_from_unwind_tables(ra);
  if (rule.cfa_offset < 0 || rule.cfa_offset > 0xffffff) rule = FrameRule{};
  const std::uint64_t packed = rule.packed();
  for (int i = 0; i < kProbes; ++i) {
    Slot& s = g_slots[(h + i) & (kSlots - 1)];
    std::uintptr_t key = s.ra.load(std::memory_order_relaxed);
    if (key == 0 && s.ra.compare_exchange_strong(key, ra, std::memory_order_acq_rel)) {
      s.rule.store(packed, std::memory_order_release);
      break;
    }
    if (key == ra) break;
  }
  return packed;
}

}  // namespace ctxheap::stacks::rule_cache
