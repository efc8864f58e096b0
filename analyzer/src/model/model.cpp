#include "ctxheap/analyzer/model.hpp"

#include <utility>

namespace ctxheap::analyzer {

std::string_view to_string(ContextKind kind) noexcept {
  switch (kind) {
    case ContextKind::Background: return "background";
    case ContextKind::Todo: return "todo";
    case ContextKind::Cancel: return "cancel";
    case ContextKind::Deadline: return "deadline";
    case ContextKind::Value: return "value";
    case ContextKind::WithoutCancel: return "without_cancel";
    case ContextKind::AfterFunc: return "after_func";
  }
  return "unknown";
}

std::string_view to_string(ContextState state) noexcept {
  switch (state) {
    case ContextState::Live: return "live";
    case ContextState::Cancelled: return "cancelled";
    case ContextState::Expired: return "expired";
  }
  return "unknown";
}

std::string_view to_string(ContextErr err) noexcept {
  switch (err) {
    case ContextErr::None: return "none";
    case ContextErr::Canceled: return "canceled";
    case ContextErr::DeadlineExceeded: return "deadline_exceeded";
  }
  return "unknown";
}

std::string_view to_string(SnapshotReason reason) noexcept {
  switch (reason) {
    case SnapshotReason::Unknown: return "unknown";
    case SnapshotReason::Api: return "api";
    case SnapshotReason::Signal: return "signal";
    case SnapshotReason::Period: return "period";
    case SnapshotReason::Exit: return "exit";
  }
  return "unknown";
}

std::string_view to_string(SourceFormat format) noexcept {
  switch (format) {
    case SourceFormat::CtxheapSnapshot: return "ctxheap_snapshot";
    case SourceFormat::GperftoolsHeap: return "gperftools_heap";
    case SourceFormat::Pprof: return "pprof";
    case SourceFormat::Synthetic: return "synthetic";
  }
  return "unknown";
}

std::string_view to_string(CounterSource source) noexcept {
  switch (source) {
    case CounterSource::Exact: return "exact";
    case CounterSource::SampledEstimate: return "sampled_estimate";
  }
  return "unknown";
}

bool is_cancelable(ContextKind kind) noexcept {
  return kind == ContextKind::Cancel || kind == ContextKind::Deadline || kind == ContextKind::AfterFunc;
}

double inuse_ratio(const Counters& counters) noexcept {
  if (counters.alloc_bytes == 0) return 0.0;
  return static_cast<double>(counters.inuse_bytes()) / static_cast<double>(counters.alloc_bytes);
}

StringId StringTable::add(std::string text) {
  strings_.push_back(std::move(text));
  return static_cast<StringId>(strings_.size() - 1);
}

std::uint64_t Profile::heap_inuse_bytes() const noexcept {
  std::uint64_t sum = totals.no_context.inuse_bytes();
  for (const Context& c : contexts) sum += c.counters.inuse_bytes();
  return sum;
}

std::uint64_t Profile::heap_inuse_objects() const noexcept {
  std::uint64_t sum = totals.no_context.inuse_objects();
  for (const Context& c : contexts) sum += c.counters.inuse_objects();
  return sum;
}

std::uint64_t snapshot_number(const ProfileMeta& meta) noexcept {
  switch (meta.source_format) {
    case SourceFormat::CtxheapSnapshot:
    case SourceFormat::Synthetic: return meta.sequence + 1;  // the collector numbers files from 1
    case SourceFormat::GperftoolsHeap: return meta.sequence;  // read from the file name
    case SourceFormat::Pprof: return 0;
  }
  return 0;
}

}  // namespace ctxheap::analyzer
