// Findings: facts about single contexts (stale child entries, memory retained after
// cancel, blocked waiters) and, across a series, about children sets that keep growing.
// Each finding carries its reason and the evidence as fields; describe() in analysis.hpp
// turns one into a sentence on demand (so a million findings cost no strings).
#pragma once

#include <cstdint>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/retention.hpp"

namespace ctxheap::analyzer {

/// Every threshold of the findings stage. Defaults are documented in docs/analysis.md.
struct FindingOptions {
  /// A registered, live child with no allocation in its subtree for this long and no
  /// waiter is idle. Idle is information, never a verdict on its own: an idle entry whose
  /// cancel is kept (not dropped) is listed in Findings::idle, and is stale only when its
  /// registrar's children set grows over a series (growing_registrars). 0 disables it.
  std::uint64_t idle_threshold_ns = 60'000'000'000ull;
  /// A live child whose (effective) deadline falls at most this long after the snapshot
  /// is not stale: its timer will cancel it and remove the entry soon.
  std::uint64_t expiry_grace_ns = 60'000'000'000ull;
  /// An ended context owning at least this many in-use bytes is "retained after
  /// cancel". The default, 1 KiB, is above a context's own node and set entry (~300 B),
  /// so a cancelled context merely still referenced by a handle is not reported.
  std::uint64_t retained_after_cancel_min_bytes = 1024;
  /// Registrars whose children set grows over the series (filled by analyze_series from
  /// the growth verdicts, sorted): their idle entries with a kept cancel are stale.
  std::vector<ContextId> growing_registrars{};
  /// A children set inferred from an allocation-site profile (a Go heap profile) whose
  /// count is below this is ambiguous: a busy server keeps that many requests in flight.
  /// Such a set is not stale but InFlightSet (`check` warns); at or above it (for a
  /// sampled count, its range's low end) it is stale. 0 = every inferred set is stale.
  std::uint64_t in_flight_bound = kDefaultInFlightBound;
  static constexpr std::uint64_t kDefaultInFlightBound = 2000;
  /// Inferred sets (their child's id, sorted) that grew over the series beyond the
  /// previous snapshot's range (filled by analyze_series): stale even below the bound.
  std::vector<ContextId> grown_sets{};
  /// Inferred sets whose count did not grow beyond the previous snapshot's range (within
  /// it, or below it): in flight, and `check` passes them (InFlightSet::flat).
  std::vector<ContextId> flat_sets{};
  /// Inferred deadline sets that grew over the series by far less than their sites
  /// allocated in between (SetChange::Lingering): cancelled children lingering in Go's
  /// timer heap, not stale; `check` passes them (InFlightSet::lingering).
  std::vector<ContextId> lingering_sets{};
};

/// What an inferred set's allocation stacks allocated between two snapshots of a series,
/// and how much more of it is in use at the latest (estimated bytes; pipeline set_turnover).
struct SetTurnover {
  std::uint64_t allocated_bytes = 0;
  std::uint64_t kept_bytes = 0;
};

/// A deadline set that grew while its stacks kept less than 1 / kLingeringShareDivisor of
/// what they allocated in between is lingering, not growing (docs/interop.md, "In flight
/// or leaked"): before Go 1.23 a stopped timer stays in the runtime's timer heap, keeping
/// its cancelled timerCtx and what it references, until it would have fired or the heap is
/// cleaned (when deleted timers pass a quarter of it); that residue is bounded, while a
/// leak keeps every child whose cancel it drops.
inline constexpr std::uint64_t kLingeringShareDivisor = 4;

/// Over a series: whether an inferred set's count at the latest snapshot lies beyond the
/// previous snapshot's (Grown: its low end above the previous high end; a set absent
/// before had `samples_before` samples at the set's stacks there, so its high end is what
/// that many samples allow), or not (Flat: within it or below it, the set present in both
/// or absent before with samples there; a set that shrank is work that finished). Exact
/// counts compare as points. Neither: absent before with no sample there to compare.
/// Lingering: it would be Grown, but it is a deadline set (timerCtx children) whose stacks
/// kept less than a quarter of what they allocated in between (`turnover`; see
/// kLingeringShareDivisor) and it did not also grow over the step before (`grew_before`:
/// a set that keeps growing is a leak whatever it frees).
enum class SetChange : std::uint8_t { Grown, Flat, Neither, Lingering };
SetChange inferred_set_change(const Context& latest, const Context* previous,
                              std::uint64_t samples_before = 0, SetTurnover turnover = {},
                              bool grew_before = false) noexcept;

enum class FindingKind : std::uint8_t { StaleChild, RetainedAfterCancel, UnboundedChildren, BlockedWaiters };
std::string_view to_string(FindingKind kind) noexcept;

/// Why an entry is stale. cancel_dropped and idle may both hold; idle alone never is.
struct StaleReasons {
  bool cancel_dropped = false;  ///< its cancel handle was destroyed uncalled
  bool idle = false;            ///< no allocation in its subtree for idle_threshold, no waiter
  /// Idle with its cancel kept but never called, in a children set that grows over the
  /// series: the evidence that nobody will cancel it.
  bool growing_set = false;
  /// Inferred from an allocation-site profile: still in memory after GC while its
  /// registrar (or timer) holds it, so its cancel was never called.
  bool never_cancelled = false;
  /// Registered nowhere; only its pending timer keeps it until the deadline.
  bool timer_held = false;
};
/// "cancel_dropped", "cancel_dropped+idle", "growing_set", "never_cancelled" or
/// "never_cancelled+timer_held" (a timer-held observed entry: "cancel_dropped+timer_held").
std::string_view to_string(StaleReasons reasons) noexcept;

/// A context registered in a live parent's children set, not cancelled, whose entry
/// nobody will remove: its cancel was dropped, or (over a series) it sits idle with its
/// cancel kept in a set that keeps growing.
/// Its timer (if any) is not due within expiry_grace.
struct StaleChild {
  Index context = kNoIndex;
  Index registrar = kNoIndex;  ///< kNoIndex when the registrar is absent from the profile
  ContextId registrar_id = 0;
  StaleReasons reasons{};
  std::uint64_t entries = 1;   ///< contexts it stands for (Context::count; > 1 only when inferred)
  std::uint64_t idle_ns = 0;   ///< snapshot time - latest activity in its subtree; 0 if unknown
  std::int32_t waiters = 0;
  Retained retained{};         ///< retained_if_cancelled
  Index site = kNoIndex;       ///< its creation site (Analysis::sites)
  Index group = kNoIndex;      ///< its stale group (Analysis::stale_groups)
};

/// A live registered child idle for idle_threshold with no waiter whose cancel is kept
/// (not dropped) but was never called: a cache entry cancelled on eviction looks like
/// this, and so does a forgotten one. Not stale on one snapshot: a warning with its age;
/// stale (StaleReasons::growing_set) when its set grows over a series.
struct IdleEntry {
  Index context = kNoIndex;
  Index registrar = kNoIndex;  ///< kNoIndex when the registrar is absent from the profile
  ContextId registrar_id = 0;
  std::uint64_t age_ns = 0;    ///< snapshot time - creation; 0 if unknown
  std::uint64_t idle_ns = 0;   ///< snapshot time - latest activity in its subtree
  Index site = kNoIndex;       ///< its creation site (Analysis::sites)
};

/// A children set inferred from one profile that is below the in-flight bound (or whose
/// sampled range reaches below it): work in flight or a leak, one profile cannot tell.
/// `check` warns; a series where the set grows, or a larger set, decides.
struct InFlightSet {
  Index context = kNoIndex;   ///< the inferred child standing for the set
  std::uint64_t count = 0;    ///< its (estimated) count
  std::uint64_t low = 0;      ///< range of a sampled count (= count when exact)
  std::uint64_t high = 0;
  std::uint64_t samples = 0;  ///< raw samples behind a sampled count; 0 when exact
  bool sampled = false;
  bool flat = false;          ///< its count stayed flat over the series: in flight, passes
  /// It grew over the series by far less than its stacks allocated (SetChange::Lingering):
  /// cancelled deadline children lingering in Go's timer heap; passes. Such a set is in
  /// flight even over the bound when it was below it at the previous snapshot.
  bool lingering = false;
  /// For a lingering set (filled by analyze_series): its count at the previous snapshot
  /// (a sampled count's high end; 0 when no set was inferred there) and what its stacks
  /// allocated and kept over that step.
  std::uint64_t count_before = 0;
  SetTurnover turnover{};
  /// The series decided it is not a leak (flat, or lingering): `check` passes it.
  bool passes() const noexcept { return flat || lingering; }
  std::uint64_t bound = 0;    ///< the in-flight bound it was judged by
  Index site = kNoIndex;      ///< its creation site (Analysis::sites)
};

/// An ended (cancelled or expired) context that still owns in-use memory.
struct RetainedAfterCancel {
  Index context = kNoIndex;
  ContextState state = ContextState::Cancelled;
  std::uint64_t ended_ago_ns = 0;  ///< 0 if unknown
  std::uint64_t inuse_objects = 0;
  std::uint64_t inuse_bytes = 0;
  bool node_destroyed = false;     ///< the context itself is gone; its allocations outlived it
};

/// Threads blocked on done() of a stale child: nobody will cancel it, so they wait until
/// the registrar is cancelled (Go's goroutine leak).
struct BlockedWaiters {
  Index context = kNoIndex;    ///< the stale child
  Index registrar = kNoIndex;
  std::int32_t waiters = 0;
};

enum class GrowthVerdict : std::uint8_t {
  Growing,      ///< grew significantly over the series, never fell, and grew in the last interval
  Plateau,      ///< grew significantly over the series, then levelled off (flat last interval)
  Stable,       ///< no significant change anywhere
  Shrinking,    ///< significantly smaller at the end than at the start
  Transient,    ///< rose significantly, then came back to where it started (0 -> X -> 0)
  Fluctuating,  ///< larger at the end, but it also fell on the way: no steady growth
};
std::string_view to_string(GrowthVerdict verdict) noexcept;

/// A live parent whose registered children grew across a series (series.hpp).
struct UnboundedChildren {
  Index growth = kNoIndex;  ///< index into Analysis::growth
};

struct Findings {
  std::vector<StaleChild> stale;                     ///< by retained bytes, largest first
  std::vector<RetainedAfterCancel> retained_after_cancel;  ///< by in-use bytes, largest first
  std::vector<BlockedWaiters> blocked_waiters;       ///< by waiters, most first
  std::vector<IdleEntry> idle;                       ///< idle, cancel kept: warnings; by idle time
  std::vector<InFlightSet> in_flight;                ///< ambiguous inferred sets: warnings
  std::vector<UnboundedChildren> unbounded_children; ///< only from a series; by growth
  /// Index into `stale` for each node, kNoIndex if not stale (parallel to contexts).
  std::vector<Index> stale_of_context;
};

}  // namespace ctxheap::analyzer
