// How to step from a frame to its caller's, for one return address: read from the unwind
// tables (.eh_frame) once, then kept in a lock-free, insert-only cache shared by all
// threads, emptied when code is unloaded. The hit path is inline: a hash, two loads and a
// compare.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ctxheap::stacks {

/// x86-64 unwind rule at one code address, in the only shapes the fast walk follows.
struct FrameRule {
  enum Kind : std::uint8_t {
    Step = 1,         ///< CFA = (rbp or rsp) + cfa_offset; return address at CFA - 8
    Outermost = 2,    ///< the return address is undefined: the thread's first frame
    Unsupported = 3,  ///< anything else (signal frame, realignment, no unwind table)
  };
  Kind kind = Unsupported;
  bool cfa_from_rbp = false;   ///< CFA is rbp-based (a frame pointer) rather than rsp-based
  std::int32_t cfa_offset = 0;
  std::int32_t rbp_offset = 0;  ///< the caller's rbp is at CFA + rbp_offset (< 0); 0: unchanged

  /// The cache's form: kind in bits 0-1, cfa_from_rbp bit 2, cfa_offset bits 8-31,
  /// rbp_offset bits 32-63. Never 0 (0 marks a slot whose rule is not published yet).
  std::uint64_t packed() const noexcept {
    return std::uint64_t{kind} | std::uint64_t{cfa_from_rbp} << 2 |
           (static_cast<std::uint64_t>(cfa_offset) & 0xffffff) << 8 |
           static_cast<std::uint64_t>(static_cast<std::uint32_t>(rbp_offset)) << 32;
  }
};

namespace packed_rule {
/// A frame-pointer frame's rule: CFA = rbp + 16, the caller's rbp at CFA - 16.
inline constexpr std::uint64_t kFramePointer =
    FrameRule::Step | std::uint64_t{1} << 2 | std::uint64_t{16} << 8 | std::uint64_t{0xfffffff0u} << 32;
inline unsigned kind(std::uint64_t v) noexcept { return v & 3; }
inline bool cfa_from_rbp(std::uint64_t v) noexcept { return (v >> 2) & 1; }
inline std::uintptr_t cfa_offset(std::uint64_t v) noexcept { return (v >> 8) & 0xffffff; }
inline std::int32_t rbp_offset(std::uint64_t v) noexcept { return static_cast<std::int32_t>(v >> 32); }
}  // namespace packed_rule

/// Reads the rule from the unwind tables, without the cache.
FrameRule rule_from_unwind_tables(std::uintptr_t ra) noexcept;

namespace rule_cache {
constexpr int kSlotBits = 14;  // 16,384 return addresses, 256 KiB, touched as used
constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;
struct Slot {
  std::atomic<std::uintptr_t> ra{0};
  std::atomic<std::uint64_t> rule{0};
};
/// Two tables: the active one, and the one emptied for when code is unloaded (dlclose):
/// then the emptied one becomes active, and a walk that is still on the old one finishes
/// there (forget_unloaded_code).
extern Slot g_tables[2][kSlots];
extern std::atomic<unsigned> g_active;
/// The table a walk uses, looked up once per walk.
inline Slot* active_table() noexcept { return g_tables[g_active.load(std::memory_order_acquire)]; }

// The low bits of a return address spread call sites well and cost one instruction on the
// walk's critical path (a multiplicative hash costs four cycles per frame).
inline std::size_t home(std::uintptr_t ra) noexcept { return static_cast<std::size_t>(ra) & (kSlots - 1); }
/// The slow path: probes further, reads the unwind tables, publishes the rule.
std::uint64_t miss(Slot* table, std::uintptr_t ra) noexcept;
/// Whether `table` holds a published rule for ra (tests).
bool holds(const Slot* table, std::uintptr_t ra) noexcept;
}  // namespace rule_cache

/// The packed rule for the frame whose return address is `ra`, from `table`
/// (rule_cache::active_table()); never allocates.
inline std::uint64_t packed_rule_for(rule_cache::Slot* table, std::uintptr_t ra) noexcept {
  rule_cache::Slot& s = table[rule_cache::home(ra)];
  if (s.ra.load(std::memory_order_acquire) == ra) {
    if (const std::uint64_t v = s.rule.load(std::memory_order_acquire)) return v;
  }
  return rule_cache::miss(table, ra);
}

}  // namespace ctxheap::stacks
