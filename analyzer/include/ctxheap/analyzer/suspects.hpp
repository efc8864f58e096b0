// Leak suspects: stale entries grouped by (registrar, creation site), ranked by what they
// retain — MAT's leak-suspects report for context trees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

/// When a stale group becomes a suspect. A group qualifies when it retains at least
/// min_heap_share of the in-use heap, or when it has at least min_entries entries (many
/// small entries grow with traffic). Set min_heap_share above 1 and min_entries to
/// UINT64_MAX to turn either rule off.
/// How stale groups and suspects are ranked: by what they retain (the default), or by
/// how many entries they hold (`ctxheap --sort count`); the other figure breaks ties.
enum class SuspectRanking : std::uint8_t { RetainedBytes, Count };
/// "bytes" or "count", as the CLI's --sort and the JSON's "ranked_by" spell it.
std::string_view to_string(SuspectRanking ranking) noexcept;

struct SuspectOptions {
  double min_heap_share = 0.01;        ///< 1 % of the in-use heap
  std::uint64_t min_entries = 100;     ///< entries in one group
  std::size_t max_suspects = 20;       ///< the ranking is cut here (0 = no limit)
  SuspectRanking rank_by = SuspectRanking::RetainedBytes;
};

/// How a group changed across the series it was analysed in (filled by analyze_series).
struct GroupGrowth {
  std::uint64_t previous_entries = 0;  ///< in the snapshot before this one
  std::int64_t delta_entries = 0;      ///< this - previous
  std::int64_t delta_retained_bytes = 0;
  std::uint32_t snapshots = 0;         ///< how many snapshots the verdict looked at (≥ 2)
  GrowthVerdict verdict = GrowthVerdict::Stable;
  double entries_per_second = 0;       ///< least-squares slope over the series
  double bytes_per_second = 0;
  double entries_per_snapshot = 0;     ///< (last - first) / (snapshots - 1)
  double bytes_per_snapshot = 0;
};

/// All stale entries of one registrar created at one site. Ranked (Analysis::stale_groups)
/// by SuspectOptions::rank_by.
struct StaleGroup {
  Index registrar = kNoIndex;   ///< kNoIndex when absent from the profile
  ContextId registrar_id = 0;
  Index site = kNoIndex;        ///< the children's creation site (Analysis::sites)
  std::uint64_t entries = 0;
  std::uint64_t cancel_dropped = 0;  ///< entries whose cancel was dropped
  std::uint64_t growing_set = 0;     ///< entries stale because idle, cancel kept, in a growing set
  std::uint64_t never_cancelled = 0; ///< inferred entries (allocation-site profiles)
  std::uint64_t timer_held = 0;      ///< entries registered nowhere, held by their timer
  std::uint64_t waiters = 0;         ///< threads blocked on the entries' done()
  Retained retained{};
  double heap_share = 0;        ///< retained bytes / in-use heap
  Index first_entry = kNoIndex; ///< a representative stale child (context index)
  bool suspect = false;
  std::optional<GroupGrowth> growth{};
};

struct LeakSuspect {
  Index group = kNoIndex;  ///< index into Analysis::stale_groups
  std::uint32_t rank = 0;  ///< 1 = retains the most
  /// One plain sentence, e.g. Context #16 "server" (created at main handler_leak.cpp:37)
  /// holds 20,000 uncancelled children created at handle_request(...) handler_leak.cpp:25
  /// whose cancel was dropped; they retain 86.7 MiB (67 % of in-use heap); the set grew
  /// by 10,000 since the previous snapshot.
  std::string sentence{};
};

}  // namespace ctxheap::analyzer
