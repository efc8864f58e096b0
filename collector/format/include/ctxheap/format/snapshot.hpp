// The in-memory form of one snapshot: plain structs, one per record kind.
// The collector fills them and hands them to SnapshotWriter; readers produce
// them. Field meanings, clocks and units are specified in docs/snapshot-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/context_facts.hpp"
#include "ctxheap/vocabulary.hpp"

namespace ctxheap::format {

/// Index into the snapshot's string table. Id 0 is always the empty string,
/// used for "unknown" / "none".
using StringId = std::uint32_t;
/// Stack ids are dense: 1..stacks.size(); 0 means "no stack".
using StackId = std::uint64_t;
/// The runtime's process-unique context id; 0 means "no context".
using ctxheap::ContextFacts;
using ctxheap::ContextId;

// Kinds, states, errs and reasons are the shared vocabulary (ctxheap/vocabulary.hpp):
// their numeric values equal the .proto enum values and never change.
using ctxheap::ContextErr;
using ctxheap::ContextKind;
using ctxheap::ContextState;
using ctxheap::SnapshotReason;
using ctxheap::to_string;

/// Times named *_ns are nanoseconds. wall_time_ns is CLOCK_REALTIME since the
/// Unix epoch; every other time in a snapshot is on the runtime's steady
/// (monotonic) clock, comparable with monotonic_time_ns.
struct Metadata {
  std::uint32_t format_version = 0;  ///< filled by the reader; the writer always writes its own
  std::string program{};
  std::vector<std::string> command_line{};  ///< argv, argv[0] first
  std::uint32_t pid = 0;
  std::string hostname{};
  std::uint64_t sequence = 0;  ///< 0-based number of this snapshot within the run
  SnapshotReason reason = SnapshotReason::Api;
  std::uint64_t wall_time_ns = 0;
  std::uint64_t monotonic_time_ns = 0;
  std::uint64_t sampling_interval_bytes = 0;  ///< mean sampling interval; 0 = sampling off
  std::uint32_t max_stack_depth = 0;
  std::string collector_version{};

  bool operator==(const Metadata&) const = default;
};

struct Frame {
  std::uint64_t address = 0;
  StringId function = 0;
  StringId file = 0;
  std::uint32_t line = 0;
  StringId module = 0;
  std::uint64_t module_offset = 0;
  bool inlined = false;  ///< inlined into the next frame, which has the same address

  bool operator==(const Frame&) const = default;
};

struct Stack {
  StackId id = 0;
  std::vector<Frame> frames{};  ///< innermost (leaf) first

  bool operator==(const Stack&) const = default;
};

/// What was allocated and freed while a context was current.
struct ContextAllocations {
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
  std::uint64_t freed_objects = 0;
  std::uint64_t freed_bytes = 0;
};

/// One context as the snapshot records it: its facts (ctxheap/context_facts.hpp, the type
/// the analyzer's model shares), its creation stack and its own allocation counters.
struct ContextRecord : ContextFacts {
  StackId creation_stack_id = 0;
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
  std::uint64_t freed_objects = 0;
  std::uint64_t freed_bytes = 0;

  ContextRecord() = default;
  explicit ContextRecord(const ContextFacts& facts, StackId creation_stack = 0,
                         const ContextAllocations& allocations = {}) noexcept
      : ContextFacts(facts),
        creation_stack_id(creation_stack),
        alloc_objects(allocations.alloc_objects),
        alloc_bytes(allocations.alloc_bytes),
        freed_objects(allocations.freed_objects),
        freed_bytes(allocations.freed_bytes) {}

  bool operator==(const ContextRecord&) const = default;
};

/// Sampled allocations of one (context, stack) pair, plus the un-sampled
/// estimates derived from them.
struct Site {
  ContextId context_id = 0;  ///< 0 = made with no current context
  StackId stack_id = 0;
  std::uint64_t sampled_alloc_objects = 0;
  std::uint64_t sampled_alloc_bytes = 0;
  std::uint64_t sampled_inuse_objects = 0;
  std::uint64_t sampled_inuse_bytes = 0;
  std::uint64_t estimated_alloc_objects = 0;
  std::uint64_t estimated_alloc_bytes = 0;
  std::uint64_t estimated_inuse_objects = 0;
  std::uint64_t estimated_inuse_bytes = 0;

  bool operator==(const Site&) const = default;
};

/// One numeric MallocExtension property, e.g. generic.heap_size.
struct AllocatorProperty {
  StringId name = 0;
  std::uint64_t value = 0;

  bool operator==(const AllocatorProperty&) const = default;
};

/// Allocations made with no current context by one thread, charged to that thread even
/// when another frees them (exact-tagging snapshots only).
struct ThreadTotals {
  std::uint64_t tid = 0;  ///< kernel thread id; 0 = the threads after the first 64, together
  StringId name = 0;      ///< 0 = unnamed
  bool exited = false;    ///< the thread had ended by the snapshot
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
  std::uint64_t freed_objects = 0;
  std::uint64_t freed_bytes = 0;

  bool operator==(const ThreadTotals&) const = default;
};

struct Totals {
  std::vector<AllocatorProperty> allocator{};
  std::uint64_t contexts_tracked = 0;  ///< contexts the collector tracked at the snapshot
  std::uint64_t contexts_created = 0;  ///< contexts created since the collector started
  std::uint64_t no_context_alloc_objects = 0;
  std::uint64_t no_context_alloc_bytes = 0;
  std::uint64_t no_context_freed_objects = 0;
  std::uint64_t no_context_freed_bytes = 0;
  std::vector<ThreadTotals> no_context_threads{};  ///< the no-context figures by thread

  bool operator==(const Totals&) const = default;
};

/// A whole snapshot. strings[0] is "" whenever strings is non-empty; every id
/// in the other tables indexes strings or stacks (stacks[i].id == i + 1).
struct Snapshot {
  Metadata meta{};
  std::vector<std::string> strings{};
  std::vector<Stack> stacks{};
  std::vector<ContextRecord> contexts{};
  std::vector<Site> sites{};
  Totals totals{};

  bool operator==(const Snapshot&) const = default;
};

}  // namespace ctxheap::format
