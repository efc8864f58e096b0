#include "ctxheap/analyzer/model.hpp"

#include <utility>

namespace ctxheap::analyzer {

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

std::string_view to_string(InferredFrom from) noexcept {
  switch (from) {
    case InferredFrom::HeapProfile: return "heap_profile";
    case InferredFrom::GoroutineProfile: return "goroutine_profile";
  }
  return "unknown";
}

std::string_view to_string(InferredHolder holder) noexcept {
  switch (holder) {
    case InferredHolder::ChildrenSet: return "children_set";
    case InferredHolder::WatcherGoroutine: return "watcher_goroutine";
  }
  return "unknown";
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

std::string describe_thread(const ThreadCounters& thread) {
  if (thread.tid == 0) return "threads after the first 64";
  std::string out = thread.name.empty() ? "" : thread.name + " (";
  out += "tid " + std::to_string(thread.tid);
  if (thread.exited) out += ", exited";
  if (!thread.name.empty()) out += ")";
  return out;
}

}  // namespace ctxheap::analyzer
