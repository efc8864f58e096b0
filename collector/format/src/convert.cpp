#include "convert.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

// The vocabulary's enums carry the .proto's values, so a value crosses the wire by a
// cast. These checks tie the two definitions together: each table of the vocabulary is
// dense (checked there) and spans exactly the .proto enum's values, first to last;
// tests/format/vocabulary_test.cpp checks every name against the .proto's enumerators.
template <class Enum, std::size_t N>
constexpr bool spans(const std::array<Term<Enum>, N>& terms, int proto_first, int proto_last) {
  return static_cast<int>(terms.front().value) == proto_first && static_cast<int>(terms.back().value) == proto_last;
}
static_assert(spans(kContextKinds, wire::KIND_BACKGROUND, wire::ContextKind_MAX));
static_assert(spans(kContextStates, wire::STATE_LIVE, wire::ContextState_MAX));
static_assert(spans(kContextErrs, wire::ContextErr_MIN, wire::ContextErr_MAX));
static_assert(spans(kSnapshotReasons, wire::SnapshotReason_MIN, wire::SnapshotReason_MAX));
static_assert(wire::KIND_UNSPECIFIED == 0 && wire::ContextKind_MIN == 0 && wire::STATE_UNSPECIFIED == 0 &&
              wire::ContextState_MIN == 0);

// Out-of-range wire values never become an enum. 0 (unspecified) is no kind, state or
// reason; SnapshotReason::Unknown is the model's "none", never a wire value.
ContextKind kind_from_wire(int value) {
  const auto kind = context_kind_from(value);
  if (!kind) throw InvalidRecord("unknown context kind " + std::to_string(value));
  return *kind;
}

ContextState state_from_wire(int value) {
  const auto state = context_state_from(value);
  if (!state) throw InvalidRecord("unknown context state " + std::to_string(value));
  return *state;
}

ContextErr err_from_wire(int value) {
  const auto err = context_err_from(value);
  if (!err) throw InvalidRecord("unknown context err " + std::to_string(value));
  return *err;
}

SnapshotReason reason_from_wire(int value) {
  const auto reason = snapshot_reason_from(value);
  if (!reason || *reason == SnapshotReason::Unknown) throw InvalidRecord("unknown snapshot reason " + std::to_string(value));
  return *reason;
}

}  // namespace

void to_wire(const Metadata& in, wire::Metadata& out) {
  out.set_format_version(in.format_version);
  out.set_program(in.program);
  for (const auto& arg : in.command_line) out.add_command_line(arg);
  out.set_pid(in.pid);
  out.set_hostname(in.hostname);
  out.set_sequence(in.sequence);
  out.set_reason(static_cast<wire::SnapshotReason>(in.reason));
  out.set_wall_time_ns(in.wall_time_ns);
  out.set_monotonic_time_ns(in.monotonic_time_ns);
  out.set_sampling_interval_bytes(in.sampling_interval_bytes);
  out.set_max_stack_depth(in.max_stack_depth);
  out.set_collector_version(in.collector_version);
}

void to_wire(const Stack& in, wire::Stack& out) {
  out.set_id(in.id);
  out.mutable_frames()->Reserve(static_cast<int>(in.frames.size()));
  for (const Frame& frame : in.frames) {
    wire::Frame& f = *out.add_frames();
    f.set_address(frame.address);
    f.set_function(frame.function);
    f.set_file(frame.file);
    f.set_line(frame.line);
    f.set_module(frame.module);
    f.set_module_offset(frame.module_offset);
    f.set_inlined(frame.inlined);
  }
}

void to_wire(const ContextRecord& in, wire::Context& out) {
  out.set_id(in.id);
  out.set_kind(static_cast<wire::ContextKind>(in.kind));
  out.set_parent_id(in.parent_id);
  out.set_registered_under_id(in.registered_under_id);
  out.set_name(in.name);
  out.set_created_ns(in.created_ns);
  out.set_ended_ns(in.ended_ns);
  out.set_state(static_cast<wire::ContextState>(in.state));
  out.set_err(static_cast<wire::ContextErr>(in.err));
  out.set_cause(in.cause);
  out.set_cancel_dropped(in.cancel_dropped);
  out.set_creation_stack_id(in.creation_stack_id);
  out.set_deadline_ns(in.deadline_ns);
  out.set_waiters(in.waiters);
  out.set_last_alloc_ns(in.last_alloc_ns);
  out.set_alloc_objects(in.alloc_objects);
  out.set_alloc_bytes(in.alloc_bytes);
  out.set_freed_objects(in.freed_objects);
  out.set_freed_bytes(in.freed_bytes);
  out.set_destroyed(in.destroyed);
}

void to_wire(const Site& in, wire::Site& out) {
  out.set_context_id(in.context_id);
  out.set_stack_id(in.stack_id);
  out.set_sampled_alloc_objects(in.sampled_alloc_objects);
  out.set_sampled_alloc_bytes(in.sampled_alloc_bytes);
  out.set_sampled_inuse_objects(in.sampled_inuse_objects);
  out.set_sampled_inuse_bytes(in.sampled_inuse_bytes);
  out.set_estimated_alloc_objects(in.estimated_alloc_objects);
  out.set_estimated_alloc_bytes(in.estimated_alloc_bytes);
  out.set_estimated_inuse_objects(in.estimated_inuse_objects);
  out.set_estimated_inuse_bytes(in.estimated_inuse_bytes);
}

void to_wire(const Totals& in, wire::Totals& out) {
  for (const AllocatorProperty& property : in.allocator) {
    wire::AllocatorProperty& p = *out.add_allocator();
    p.set_name(property.name);
    p.set_value(property.value);
  }
  out.set_contexts_tracked(in.contexts_tracked);
  out.set_contexts_created(in.contexts_created);
  out.set_no_context_alloc_objects(in.no_context_alloc_objects);
  out.set_no_context_alloc_bytes(in.no_context_alloc_bytes);
  out.set_no_context_freed_objects(in.no_context_freed_objects);
  out.set_no_context_freed_bytes(in.no_context_freed_bytes);
  for (const ThreadTotals& thread : in.no_context_threads) {
    wire::ThreadTotals& t = *out.add_no_context_threads();
    t.set_tid(thread.tid);
    t.set_name(thread.name);
    t.set_exited(thread.exited);
    t.set_alloc_objects(thread.alloc_objects);
    t.set_alloc_bytes(thread.alloc_bytes);
    t.set_freed_objects(thread.freed_objects);
    t.set_freed_bytes(thread.freed_bytes);
  }
}

Metadata from_wire(const wire::Metadata& in) {
  Metadata out;
  out.format_version = in.format_version();
  out.program = in.program();
  out.command_line.assign(in.command_line().begin(), in.command_line().end());
  out.pid = in.pid();
  out.hostname = in.hostname();
  out.sequence = in.sequence();
  out.reason = reason_from_wire(in.reason());
  out.wall_time_ns = in.wall_time_ns();
  out.monotonic_time_ns = in.monotonic_time_ns();
  out.sampling_interval_bytes = in.sampling_interval_bytes();
  out.max_stack_depth = in.max_stack_depth();
  out.collector_version = in.collector_version();
  return out;
}

std::vector<std::string> from_wire(wire::StringTable& in) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(in.strings_size()));
  for (std::string& text : *in.mutable_strings()) out.push_back(std::move(text));
  return out;
}

Stack from_wire(const wire::Stack& in) {
  Stack out;
  out.id = in.id();
  out.frames.reserve(static_cast<std::size_t>(in.frames_size()));
  for (const wire::Frame& f : in.frames()) {
    out.frames.push_back(Frame{.address = f.address(),
                               .function = f.function(),
                               .file = f.file(),
                               .line = f.line(),
                               .module = f.module(),
                               .module_offset = f.module_offset(),
                               .inlined = f.inlined()});
  }
  return out;
}

ContextRecord from_wire(const wire::Context& in) {
  ContextRecord out;
  out.id = in.id();
  out.kind = kind_from_wire(in.kind());
  out.parent_id = in.parent_id();
  out.registered_under_id = in.registered_under_id();
  out.name = in.name();
  out.created_ns = in.created_ns();
  out.ended_ns = in.ended_ns();
  out.state = state_from_wire(in.state());
  out.err = err_from_wire(in.err());
  out.cause = in.cause();
  out.cancel_dropped = in.cancel_dropped();
  out.creation_stack_id = in.creation_stack_id();
  out.deadline_ns = in.deadline_ns();
  out.waiters = in.waiters();
  out.last_alloc_ns = in.last_alloc_ns();
  out.alloc_objects = in.alloc_objects();
  out.alloc_bytes = in.alloc_bytes();
  out.freed_objects = in.freed_objects();
  out.freed_bytes = in.freed_bytes();
  out.destroyed = in.destroyed();
  return out;
}

Site from_wire(const wire::Site& in) {
  Site out;
  out.context_id = in.context_id();
  out.stack_id = in.stack_id();
  out.sampled_alloc_objects = in.sampled_alloc_objects();
  out.sampled_alloc_bytes = in.sampled_alloc_bytes();
  out.sampled_inuse_objects = in.sampled_inuse_objects();
  out.sampled_inuse_bytes = in.sampled_inuse_bytes();
  out.estimated_alloc_objects = in.estimated_alloc_objects();
  out.estimated_alloc_bytes = in.estimated_alloc_bytes();
  out.estimated_inuse_objects = in.estimated_inuse_objects();
  out.estimated_inuse_bytes = in.estimated_inuse_bytes();
  return out;
}

Totals from_wire(const wire::Totals& in) {
  Totals out;
  out.allocator.reserve(static_cast<std::size_t>(in.allocator_size()));
  for (const wire::AllocatorProperty& p : in.allocator()) {
    out.allocator.push_back(AllocatorProperty{.name = p.name(), .value = p.value()});
  }
  out.contexts_tracked = in.contexts_tracked();
  out.contexts_created = in.contexts_created();
  out.no_context_alloc_objects = in.no_context_alloc_objects();
  out.no_context_alloc_bytes = in.no_context_alloc_bytes();
  out.no_context_freed_objects = in.no_context_freed_objects();
  out.no_context_freed_bytes = in.no_context_freed_bytes();
  out.no_context_threads.reserve(static_cast<std::size_t>(in.no_context_threads_size()));
  for (const wire::ThreadTotals& t : in.no_context_threads()) {
    out.no_context_threads.push_back(ThreadTotals{.tid = t.tid(),
                                                  .name = t.name(),
                                                  .exited = t.exited(),
                                                  .alloc_objects = t.alloc_objects(),
                                                  .alloc_bytes = t.alloc_bytes(),
                                                  .freed_objects = t.freed_objects(),
                                                  .freed_bytes = t.freed_bytes()});
  }
  return out;
}

}  // namespace ctxheap::format::detail
