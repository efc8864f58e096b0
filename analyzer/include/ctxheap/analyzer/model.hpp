// The analyzer's one in-memory model of a heap profile. Every input format becomes a
// Profile at the edge (load.hpp); everything after — retention forest, findings,
// suspects, diff, report writers, the GUI — works on this model only. It is
// format-neutral: no protobuf types; the context vocabulary is the one the runtime and
// the format share (ctxheap/vocabulary.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/context_facts.hpp"
#include "ctxheap/vocabulary.hpp"

namespace ctxheap::analyzer {

/// Index into Profile::strings. Id 0 is always the empty string ("unknown" / "none").
using StringId = std::uint32_t;
/// The runtime's process-unique context id (Background is 1, TODO is 2); 0 = none.
using ctxheap::ContextFacts;
using ctxheap::ContextId;
/// A position in one of the model's (or analysis') vectors.
using Index = std::uint32_t;
/// "No such element", e.g. a context without a creation stack.
inline constexpr Index kNoIndex = std::numeric_limits<Index>::max();

// Kinds, states, errs and snapshot reasons are the shared vocabulary (one definition for
// the runtime, the format and the analyzer, ctxheap/vocabulary.hpp).
using ctxheap::ContextErr;
using ctxheap::ContextKind;
using ctxheap::ContextState;
using ctxheap::SnapshotReason;
using ctxheap::is_cancelable;
using ctxheap::to_string;

/// What the input file was.
enum class SourceFormat : std::uint8_t { CtxheapSnapshot, GperftoolsHeap, Pprof, Synthetic };
/// Where the per-context counters come from.
enum class CounterSource : std::uint8_t {
  Exact,             ///< the collector's exact per-context counters
  SampledEstimate,   ///< no exact counters in the input: summed from the sites' un-sampled estimates
};

/// What an inferred context (Context::inferred) was inferred from.
enum class InferredFrom : std::uint8_t {
  HeapProfile,       ///< a heap profile's allocation sites (golang::recognize_context_leaks)
  GoroutineProfile,  ///< a goroutine profile's parked goroutines (golang::infer_waited_children, infer_parked_waits)
};
/// What keeps an inferred child alive.
enum class InferredHolder : std::uint8_t {
  ChildrenSet,    ///< its cancelable parent's children set (or a pending timer: Context::timer_held)
  WatcherGoroutine,  ///< the goroutine Go's context starts per child of a parent that is not a *cancelCtx
};

/// Stable lower-case identifiers ("ctxheap_snapshot", "sampled_estimate", "heap_profile",
/// "watcher_goroutine") for reports and JSON.
std::string_view to_string(SourceFormat format) noexcept;
std::string_view to_string(CounterSource source) noexcept;
std::string_view to_string(InferredFrom from) noexcept;
std::string_view to_string(InferredHolder holder) noexcept;

/// Allocation counters. In use = allocated - freed.
struct Counters {
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
  std::uint64_t freed_objects = 0;
  std::uint64_t freed_bytes = 0;

  std::uint64_t inuse_objects() const noexcept { return alloc_objects >= freed_objects ? alloc_objects - freed_objects : 0; }
  std::uint64_t inuse_bytes() const noexcept { return alloc_bytes >= freed_bytes ? alloc_bytes - freed_bytes : 0; }
  Counters& operator+=(const Counters& o) noexcept {
    alloc_objects += o.alloc_objects;
    alloc_bytes += o.alloc_bytes;
    freed_objects += o.freed_objects;
    freed_bytes += o.freed_bytes;
    return *this;
  }
  bool operator==(const Counters&) const = default;
};

/// In-use bytes / allocated bytes, in [0, 1]; 0 when nothing was allocated.
double inuse_ratio(const Counters& counters) noexcept;

/// The sampled (or un-sampled estimated) allocations of one site.
struct SampleCounts {
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
  std::uint64_t inuse_objects = 0;
  std::uint64_t inuse_bytes = 0;
  bool operator==(const SampleCounts&) const = default;
};

/// Times named *_ns are nanoseconds. wall_time_ns is the real-time clock since the Unix
/// epoch; every other time is on the profiled process' steady clock, comparable with
/// monotonic_time_ns of the same run only (compare ages across runs).
struct ProfileMeta {
  std::string program{};
  std::vector<std::string> command_line{};  ///< argv, argv[0] first
  std::uint32_t pid = 0;
  std::string host{};
  std::uint64_t sequence = 0;  ///< 0-based number of the snapshot within its run
  SnapshotReason reason = SnapshotReason::Unknown;
  std::uint64_t wall_time_ns = 0;
  std::uint64_t monotonic_time_ns = 0;         ///< 0 = unknown: time-based rules are then skipped
  std::uint64_t sampling_interval_bytes = 0;   ///< mean bytes between samples; 0 = sampling off
  std::uint32_t max_stack_depth = 0;
  std::string collector_version{};
  SourceFormat source_format = SourceFormat::Synthetic;
  std::uint32_t source_format_version = 0;     ///< version of the input format, 0 = n/a
  std::string source_path{};                   ///< the file it was loaded from, empty if built in memory
  CounterSource counters = CounterSource::Exact;
  /// What the input measures when its format holds several kinds: "goroutine" (a pprof
  /// goroutine profile: sites count goroutines, 0 bytes), "growth" (gperftools heap
  /// growth stacks); empty = heap allocations.
  std::string source_kind{};
  /// What the reader or a recognizer noticed about the input, one plain sentence each
  /// (a truncated gperftools dump, leftover map capacity, goroutines blocked on context
  /// waits). The analysis lists them with its warnings.
  std::vector<std::string> notes{};
  /// The input lost records: a truncated gperftools dump (some stacks were dropped), so
  /// the stacks are not "every allocation" even when the interval is 1.
  bool records_missing = false;
  /// A recognizer looked for contexts in the allocation stacks (a Go heap profile): no
  /// contexts then means none was found, not an input that cannot show them.
  bool contexts_recognized = false;
};

/// The snapshot's number as its file carries it, the one numbering every output prints:
/// a ctxheap snapshot .0005 (sequence 4) and a gperftools dump prefix.0005.heap are both
/// 5. 0 when the input has none (Go profiles, an unnumbered dump).
std::uint64_t snapshot_number(const ProfileMeta& meta) noexcept;

/// One symbolized frame. Strings are ids into Profile::strings (0 = unknown).
struct Frame {
  std::uint64_t address = 0;        ///< absolute pc in the recorded process
  StringId function = 0;            ///< demangled
  StringId file = 0;
  std::uint32_t line = 0;           ///< 0 = unknown
  StringId module = 0;              ///< path of the executable or shared object
  std::uint64_t module_offset = 0;  ///< address relative to the module's load base
  bool inlined = false;             ///< inlined into the next frame (same address)
  bool operator==(const Frame&) const = default;
};

/// A call stack: frames [first_frame, first_frame + frame_count) of Profile::frames,
/// innermost (leaf) first. Stacks in a Profile are distinct (deduplicated).
struct Stack {
  std::uint32_t first_frame = 0;
  std::uint32_t frame_count = 0;
};

/// One context as the profile saw it (field meanings follow Go's context package and
/// docs/context-runtime.md): the facts its snapshot recorded (ctxheap/context_facts.hpp, the same type
/// as the file's record, so loading assigns them whole), where it was created, and what
/// was charged to it.
struct Context : ContextFacts {
  Index creation_stack = kNoIndex;  ///< index into Profile::stacks
  Counters counters{};              ///< allocations charged to this context itself
  /// Inferred by a recognizer from an allocation-site profile (a Go heap profile), not
  /// observed: then `count` identical contexts stand behind this one record, and its
  /// counters are their sum. See docs/interop.md.
  bool inferred = false;
  std::uint64_t count = 1;
  /// `count` estimated from a sampled profile: its 95 % range (estimate.hpp), which the
  /// in-flight bound and `check` judge by its low end. Unsampled counts are exact.
  bool count_sampled = false;
  std::uint64_t count_low = 0;
  std::uint64_t count_high = 0;
  std::uint64_t count_samples = 0;  ///< raw samples behind a sampled count
  /// The ends of its count: the 95 % range's when sampled, the count itself when exact.
  std::uint64_t least_count() const noexcept { return count_sampled ? count_low : count; }
  std::uint64_t most_count() const noexcept { return count_sampled ? count_high : count; }
  /// Its counters' in-use bytes estimated from a sampled profile: their 95 % range is
  /// [in use - inuse_bytes_below, in use + inuse_bytes_above] (set by the Go recognizer with
  /// estimate_attributed_sum); 0 and 0 when exact. What cancelling it frees (Retained) carries it.
  std::uint64_t inuse_bytes_below = 0;
  std::uint64_t inuse_bytes_above = 0;
  /// Kept alive only by its pending timer (a WithTimeout/WithDeadline child registered
  /// nowhere, e.g. under Background): the timer, not a children set, retains it.
  bool timer_held = false;
  /// For an inferred context: what it was inferred from, and what holds it (the sentences
  /// say both; docs/interop.md).
  InferredFrom inferred_from = InferredFrom::HeapProfile;
  InferredHolder held_by = InferredHolder::ChildrenSet;
};

/// Sampled allocations of one (context, allocation stack) pair.
struct Site {
  ContextId context_id = 0;  ///< 0 = allocations made with no current context
  Index stack = kNoIndex;    ///< index into Profile::stacks
  SampleCounts sampled{};
  SampleCounts estimated{};  ///< un-sampled estimate of all allocations at this site
};

struct AllocatorProperty {
  std::string name{};  ///< e.g. generic.current_allocated_bytes
  std::uint64_t value = 0;
  bool operator==(const AllocatorProperty&) const = default;
};

/// Allocations made with no current context by one thread, charged to it even when another
/// thread freed them (own snapshots with exact counters; empty for other inputs).
struct ThreadCounters {
  std::uint64_t tid = 0;  ///< kernel thread id; 0 = the threads after the first 64, together
  std::string name;       ///< its name at the snapshot, or when it last allocated if it exited
  bool exited = false;
  Counters counters{};
};

/// How every output names a thread: "worker-3 (tid 4242)", "tid 4242, exited",
/// "threads after the first 64".
std::string describe_thread(const ThreadCounters& thread);

struct Totals {
  Counters no_context{};                   ///< allocations made with no current context
  std::vector<ThreadCounters> no_context_threads{};  ///< the same, by thread
  std::uint64_t contexts_tracked = 0;      ///< contexts the collector tracked (0 = unknown)
  std::uint64_t contexts_created = 0;      ///< contexts created since the collector started
  std::vector<AllocatorProperty> allocator{};
};

/// Strings by id; id 0 is "". Ids are dense and stable.
class StringTable {
 public:
  StringTable() : strings_{std::string{}} {}
  /// Appends without deduplication; returns the new id.
  StringId add(std::string text);
  std::string_view operator[](StringId id) const noexcept {
    return id < strings_.size() ? std::string_view(strings_[id]) : std::string_view{};
  }
  std::size_t size() const noexcept { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
};

/// One heap profile: one snapshot of one process.
struct Profile {
  ProfileMeta meta{};
  StringTable strings{};
  std::vector<Context> contexts{};  ///< ids unique; order as in the input
  std::vector<Frame> frames{};
  std::vector<Stack> stacks{};
  std::vector<Site> sites{};
  Totals totals{};

  std::string_view str(StringId id) const noexcept { return strings[id]; }
  /// Frames of a stack, innermost first; empty for kNoIndex.
  std::span<const Frame> stack_frames(Index stack) const noexcept {
    const std::span<const Frame> all(frames);
    if (stack >= stacks.size()) return all.first(0);
    return all.subspan(stacks[stack].first_frame, stacks[stack].frame_count);
  }
  /// In-use bytes the collector counted in the whole heap: every context's own plus
  /// the no-context bucket. The denominator of "share of in-use heap".
  std::uint64_t heap_inuse_bytes() const noexcept;
  std::uint64_t heap_inuse_objects() const noexcept;
};

}  // namespace ctxheap::analyzer
