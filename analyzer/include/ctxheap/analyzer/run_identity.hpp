// Run identity: which inputs are snapshots of one run, and in which order they were taken.
// The one owner of the rule; the series loader, the diff's matching mode and the desktop
// app's loader all ask it (docs/analysis.md, "Run identity").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

/// Whether two profiles are snapshots of one run. Symmetric: argument order never matters.
/// - With a pid on both (ctxheap snapshots): same pid, program and host, and the snapshot
///   taken later (by sequence, then time) has not seen fewer contexts created.
/// - Without one (gperftools dumps, Go profiles): same program where both name one, same
///   gperftools dump prefix, and in run order the cumulative allocation totals (objects
///   and bytes) never fall and the times never run backwards.
/// - A Go heap profile and a goroutine profile taken at the same moment (within 30 s) of
///   one program belong together (see same_moment()).
bool same_run(const Profile& a, const Profile& b) noexcept;

/// A Go heap profile and a goroutine profile (or two inputs of different kinds) of one
/// program taken within 30 s of each other: one moment seen twice, not two snapshots.
bool same_moment(const Profile& a, const Profile& b) noexcept;

/// The order of two snapshots of one run: by sequence, then monotonic time, then wall
/// time, then cumulative allocations (pid-less inputs without numbers). Strict weak order.
bool taken_before(const Profile& a, const Profile& b) noexcept;

/// Allocations the run has made up to this snapshot (objects, bytes): every context's own
/// plus the no-context bucket. Never falls within a run for inputs without a pid.
Counters cumulative_allocations(const Profile& profile) noexcept;

/// The inputs of one run, sorted into run order (whatever order they were given in); a
/// goroutine profile of the same moment as a heap profile is folded into it (its notes
/// join the heap profile's). Throws LoadError (one line naming the files) when two inputs
/// are not of one run, or when one snapshot is given twice.
void order_series(std::vector<Profile>& profiles);

/// What a list of inputs is to a front end that accepts both: one run (a series, in run
/// order), or exactly two runs (a before/after comparison, in the order the user gave).
enum class InputsShape : std::uint8_t { OneRun, TwoRuns };
/// Throws LoadError when the inputs are neither (three runs, a series mixing runs).
InputsShape shape_of_inputs(std::span<const Profile> profiles);

}  // namespace ctxheap::analyzer
