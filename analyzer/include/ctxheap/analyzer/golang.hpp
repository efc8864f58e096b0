// Go context leaks named from a standard pprof heap profile (no ctxheap runtime in the
// program). The recognizer reads the allocation stacks that run through Go's context
// package — context.WithCancel, WithDeadline/WithTimeout, propagateCancel,
// (*cancelCtx).Done, WithValue, time.AfterFunc — groups them by creation site (the
// first frame outside context, runtime and time) and turns what is still in use after
// GC into inferred contexts of the model (Context::inferred, with a count), so the one
// analysis path (findings, suspects, the check gate, reports) applies. Rules and
// estimates: docs/interop.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer::golang {

/// What keeps a creation site's children alive.
enum class Retention : std::uint8_t {
  ChildrenMap,          ///< registered in a cancelable parent's children map
  PendingTimers,        ///< WithTimeout/WithDeadline children registered nowhere (Background parent)
  LeftoverMapCapacity,  ///< map memory at propagateCancel with about no live children: not a leak
  NotEnoughSamples,     ///< as LeftoverMapCapacity, but a sampled profile holds too few samples of
                        ///< the children to tell that from a leak of them
};
std::string_view to_string(Retention retention) noexcept;

/// One creation site's evidence and verdict.
struct SiteEstimate {
  std::string function{};              ///< the creation site's function
  Retention retention = Retention::ChildrenMap;
  std::uint64_t cancel_contexts = 0;   ///< cancelCtx objects in use
  std::uint64_t timer_contexts = 0;    ///< timerCtx objects in use
  std::uint64_t pending_timers = 0;    ///< time.Timer objects in use (from WithDeadline)
  std::uint64_t map_bytes = 0;         ///< children-map memory in use (propagateCancel)
  std::uint64_t map_slots = 0;         ///< estimated capacity of that map memory (entries)
  std::uint64_t child_samples = 0;     ///< raw samples behind the children counts (= counts when unsampled)
  /// The children's count range (95 %) when sampled: all their allocating statements'
  /// samples pooled (estimate_calls); = cancel_contexts + timer_contexts when exact.
  std::uint64_t children_low = 0;
  std::uint64_t children_high = 0;
  std::uint64_t retained_objects = 0;  ///< in use under the creation site, charged to its children
  std::uint64_t retained_bytes = 0;
  /// Their 95 % range (estimate_attributed_sum): the sampling of every charged site, and
  /// the request path's attribution as far as sampling could change it; = retained_bytes
  /// when exact.
  std::uint64_t retained_low = 0;
  std::uint64_t retained_high = 0;
  /// Of those, sites on the same request path (under `attributed_via`, the creation
  /// function's caller) whose in-use counts match the children's.
  std::uint64_t attributed_sites = 0;
  std::uint64_t attributed_bytes = 0;
  std::string attributed_via{};
  Index creation_stack = kNoIndex;     ///< the children's creation stack in the profile
  Index parent_stack = kNoIndex;       ///< the long-lived parent's creation stack, when the profile holds it
  /// Raw samples of its context statements and of propagateCancel under it, allocated (in
  /// use or freed since): evidence that the function makes children at all, when none of
  /// them is sampled in use.
  std::uint64_t statement_samples = 0;
  bool holds_children = false;         ///< it got inferred contexts
};

/// Runs the recognizer on a Go heap profile read by read_pprof: appends the inferred
/// contexts (a parent per creation site with map-held children, Background for
/// timer-held ones), charges the sites under each creation site to its children
/// (Site::context_id, out of the no-context bucket) and adds a note per leftover map.
/// Returns the per-site estimates (also for sites that got no contexts).
std::vector<SiteEstimate> recognize_context_leaks(Profile& profile);

/// The ids the recognizer gives a creation function's inferred children and their
/// parent: stable across profiles of one program (series growth and diff match by id).
ContextId inferred_children_id(std::string_view function) noexcept;
ContextId inferred_parent_id(std::string_view function) noexcept;

/// The creation sites of a heap profile that went through recognize_context_leaks and
/// got no inferred children (too few samples of them, or of their parent's map), with
/// their evidence: what a goroutine profile of the same moment can still decide.
std::vector<SiteEstimate> undecided_creation_sites(const Profile& heap);

/// Goroutines of a goroutine profile parked on a context wait, grouped by stack.
struct BlockedGoroutines {
  Index stack = kNoIndex;
  std::uint64_t goroutines = 0;
  std::string waiting_in{};  ///< the user (or context) function that waits
  std::uint32_t waiting_frame = 0;  ///< its index in the stack's frames (the runtime's above it)
  bool in_context_package = false;  ///< context's own goroutine (propagateCancel, AfterFunc)
};

/// Finds them, largest first (the context package's own watchers before them).
std::vector<BlockedGoroutines> find_blocked_goroutines(const Profile& profile);
/// Finds them and adds one note per stack (largest first) to the profile: the readers do,
/// once per goroutine profile.
std::vector<BlockedGoroutines> report_blocked_goroutines(Profile& profile);

/// Goroutines parked on one wait that a goroutine profile read alone names as a leak:
/// groups smaller than this are taken as work in flight (a busy server's ~1,000 requests
/// parked in a select) and stay notes. The same default as the in-flight bound of
/// inferred heap sets (FindingOptions::kDefaultInFlightBound).
inline constexpr std::uint64_t kParkedGoroutinesBound = FindingOptions::kDefaultInFlightBound;
/// A goroutine profile read alone: each group of at least kParkedGoroutinesBound
/// goroutines parked under one user function (or in context's own watcher) becomes an
/// inferred parent and an inferred child standing for them (Context::count and waiters =
/// the goroutines, creation stack = their stack), so `check` can fail on a goroutine
/// profile. Returns how many sets were inferred. A goroutine profile paired with a heap
/// profile (use_goroutine_profile) gives its groups to the heap profile's children instead.
std::size_t infer_parked_waits(Profile& goroutines, const std::vector<BlockedGoroutines>& blocked);
/// Uses a goroutine profile of the same process with a heap profile that went through
/// recognize_context_leaks: each group of goroutines parked under a user function (or in
/// context's own watchers) whose count matches an inferred child set (within a factor of
/// 2) waits on those children: Context::waiters, and the heap sites under that function
/// with a matching count are charged to them. A group of at least kParkedGoroutinesBound
/// that matches no inferred set (a default-rate heap profile with too few samples of the
/// children or of the map) is not lost: it becomes the children of the undecided creation
/// site its count fits (infer_waited_children), counted exactly. The goroutine notes move
/// to the heap profile. Returns the parked groups.
std::vector<BlockedGoroutines> use_goroutine_profile(Profile& heap, Profile goroutines);

/// A group of parked goroutines that no inferred child set of `heap` explains, as that
/// set: an inferred parent and children counted by the goroutines (exact), created at the
/// undecided creation site whose sampled evidence fits the count (the most samples among
/// them), or where they wait when no site does; the heap sites under the creation
/// function are charged to them. nullptr if the group is below kParkedGoroutinesBound.
Context* infer_waited_children(Profile& heap, const Profile& goroutines, const BlockedGoroutines& blocked,
                               const std::vector<SiteEstimate>& undecided);

// Heap and goroutine profiles of one process given together, in any order, are paired by
// the run identity rule (order_series, run_identity.hpp), which calls use_goroutine_profile.

}  // namespace ctxheap::analyzer::golang
