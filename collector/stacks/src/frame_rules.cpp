// The rule cache: return address → packed FrameRule, open addressing, insert-only, shared
// by all threads without a lock. A slot's address is claimed with one compare-and-swap and
// its rule published after it (0 = not yet published, read as a miss), so a reader never
// pairs an address with another address's rule. A full neighbourhood only stops caching.
//
// Unloaded code: a table is only emptied while it is not the active one, and becomes
// active once empty. A walk that looked the active table up before the switch finishes on
// the old one (its rules were right when it started); only a walk that spans two unloads
// could meet a slot being emptied.
#include "frame_rules.hpp"

#include <link.h>

#include <cstddef>

#include "ctxheap/stacks/stack_walk.hpp"

namespace ctxheap::stacks::rule_cache {
namespace {
constexpr int kProbes = 16;
}  // namespace

constinit Slot g_tables[2][kSlots];
constinit std::atomic<unsigned> g_active{0};

bool holds(const Slot* table, std::uintptr_t ra) noexcept {
  const std::size_t h = home(ra);
  for (int i = 0; i < kProbes; ++i) {
    const Slot& s = table[(h + i) & (kSlots - 1)];
    const std::uintptr_t key = s.ra.load(std::memory_order_acquire);
    if (key == ra) return s.rule.load(std::memory_order_acquire) != 0;
    if (key == 0) return false;
  }
  return false;
}

[[gnu::noinline]] std::uint64_t miss(Slot* table, std::uintptr_t ra) noexcept {
  const std::size_t h = home(ra);
  for (int i = 1; i < kProbes; ++i) {  // the home slot was checked inline
    Slot& s = table[(h + i) & (kSlots - 1)];
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
    Slot& s = table[(h + i) & (kSlots - 1)];
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

namespace ctxheap::stacks {
namespace {

// The loader's count of objects unmapped so far (glibc's dlpi_subs), as last acted on.
constinit std::atomic<unsigned long long> g_seen_unloads{0};
constinit std::atomic<bool> g_emptying{false};

int read_unloads(dl_phdr_info* info, std::size_t size, void* out) noexcept {
  if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
    *static_cast<unsigned long long*>(out) = info->dlpi_subs;
  return 1;  // every object reports the same counts: the first is enough
}

}  // namespace

void forget_unloaded_code() noexcept {
  unsigned long long unloads = 0;
  dl_iterate_phdr(read_unloads, &unloads);
  if (unloads == g_seen_unloads.load(std::memory_order_acquire)) return;
  if (g_emptying.exchange(true, std::memory_order_acquire)) return;  // another thread is at it
  const unsigned spare = 1 - rule_cache::g_active.load(std::memory_order_relaxed);
  for (rule_cache::Slot& s : rule_cache::g_tables[spare]) {
    s.ra.store(0, std::memory_order_relaxed);
    s.rule.store(0, std::memory_order_relaxed);
  }
  rule_cache::g_active.store(spare, std::memory_order_release);  // publishes the empty table
  g_seen_unloads.store(unloads, std::memory_order_release);
  g_emptying.store(false, std::memory_order_release);
}

}  // namespace ctxheap::stacks
