#include "snapshot_builder.hpp"

#include <gperftools/malloc_extension_c.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>

#include "ctxheap/context/clock.hpp"
#include "ctxheap/context/context.hpp"
#include "ctxheap/format/string_interner.hpp"
#include "ctxheap/format/writer.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"
#include "thread_totals.hpp"

namespace ctxheap::collector {
namespace {

constexpr const char* kCollectorVersion = "ctxheap-collector 0.1.0";

// tcmalloc properties worth keeping: the allocator's own view of the heap.
constexpr const char* kAllocatorProperties[] = {
    "generic.current_allocated_bytes", "generic.heap_size",
    "tcmalloc.pageheap_free_bytes",    "tcmalloc.pageheap_unmapped_bytes",
    "tcmalloc.central_cache_free_bytes", "tcmalloc.transfer_cache_free_bytes",
    "tcmalloc.thread_cache_free_bytes", "tcmalloc.max_total_thread_cache_bytes",
};

std::uint64_t as_ns(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

std::string program_name(const std::vector<std::string>& args) {
  std::ifstream in("/proc/self/comm");
  std::string comm;
  std::getline(in, comm);
  if (!comm.empty()) return comm;
  return args.empty() ? std::string("unknown") : args.front();
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

// Symbolizes raw stacks into the snapshot's stack table, deduplicating stacks.
class StackTable {
 public:
  StackTable(symbolize::Symbolizer& symbolizer, format::StringInterner& strings)
      : symbolizer_(symbolizer), strings_(strings) {}

  format::StackId add(const std::vector<std::uintptr_t>& pcs) {
    if (pcs.empty()) return 0;
    auto [it, inserted] = ids_.try_emplace(pcs, 0);
    if (!inserted) return it->second;
    format::Stack stack;
    stack.id = stacks_.size() + 1;
    for (std::uintptr_t pc : pcs) {
      for (const symbolize::Frame& f : symbolizer_.resolve(pc, true)) {
        format::Frame out;
        out.address = f.address;
        out.function = strings_.intern(f.function.empty() ? symbolize::display_name(f) : f.function);
        out.file = strings_.intern(f.file);
        out.line = f.line;
        out.module = strings_.intern(f.module);
        out.module_offset = f.module_offset;
        out.inlined = f.inlined;
        stack.frames.push_back(out);
      }
    }
    it->second = stack.id;
    stacks_.push_back(std::move(stack));
    return it->second;
  }

  const std::vector<format::Stack>& stacks() const { return stacks_; }

 private:
  symbolize::Symbolizer& symbolizer_;
  format::StringInterner& strings_;
  std::map<std::vector<std::uintptr_t>, format::StackId> ids_;
  std::vector<format::Stack> stacks_;
};

symbolize::Symbolizer& process_symbolizer() {
  // Kept for the life of the process: its cache makes later snapshots cheap.
  static auto* s = new symbolize::Symbolizer(symbolize::Symbolizer::for_this_process());
  return *s;
}

std::mutex g_snapshot_mutex;  // one snapshot at a time

}  // namespace

void hold_snapshots_for_fork() noexcept { g_snapshot_mutex.lock(); }
void release_snapshots_after_fork() noexcept { g_snapshot_mutex.unlock(); }

double unsampling_scale(double avg_bytes, double interval) {
  if (interval <= 1 || avg_bytes <= 0) return 1.0;
  const double p = 1.0 - std::exp(-avg_bytes / interval);  // chance a block of that size is sampled
  return p > 0 ? 1.0 / p : 1.0;
}

void write_snapshot_file(State& state, ContextTable& table, const SnapshotRequest& request) {
  InternalScope internal;
  std::lock_guard serial(g_snapshot_mutex);
  table.fold_retired();
  const std::vector<ContextInfo> infos = table.copy();
  const std::vector<SiteValues> sampled_sites = state.sampler.sites();
  const std::vector<std::vector<std::uintptr_t>> sample_stacks = state.sampler.stacks();

  format::StringInterner strings;
  StackTable stacks(process_symbolizer(), strings);

  format::Snapshot snap;
  auto& meta = snap.meta;
  meta.command_line = command_line();
  meta.program = program_name(meta.command_line);
  meta.pid = static_cast<std::uint32_t>(getpid());
  meta.hostname = host_name();
  meta.sequence = request.sequence;
  meta.reason = request.reason;
  meta.wall_time_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  meta.monotonic_time_ns = as_ns(ctxheap::now().time_since_epoch().count());
  meta.sampling_interval_bytes = state.sampler.interval();
  meta.max_stack_depth = static_cast<std::uint32_t>(creation_stack_depth());
  meta.collector_version = kCollectorVersion;

  snap.contexts.reserve(infos.size());
  for (const ContextInfo& info : infos) {
    format::ContextRecord r;
    r.id = info.id;
    r.kind = info.kind;
    r.parent_id = info.parent;
    r.registered_under_id = info.registered_under;
    r.name = strings.intern(info.name);
    r.created_ns = as_ns(info.created_ns);
    r.ended_ns = as_ns(info.ended_ns);
    r.state = info.state;
    r.err = info.err;
    r.cause = strings.intern(info.cause);
    r.cancel_dropped = info.cancel_dropped;
    r.creation_stack_id = stacks.add(info.stack);
    r.deadline_ns = as_ns(info.deadline_ns);
    r.waiters = info.waiters;
    r.destroyed = info.destroyed;
    CounterValues v = info.final;
    if (!info.retired) {
      const std::uint32_t slot = state.slots.find(info.id);
      if (slot != SlotTable::kNoSlot && slot != SlotTable::kOverflowSlot) v = state.slots.read(slot);
    }
    r.alloc_objects = v.alloc_objects;
    r.alloc_bytes = v.alloc_bytes;
    r.freed_objects = v.free_objects;
    r.freed_bytes = v.free_bytes;
    r.last_alloc_ns = as_ns(v.last_alloc_ns);
    snap.contexts.push_back(r);
  }

  const double interval = static_cast<double>(state.sampler.interval());
  for (const SiteValues& s : sampled_sites) {
    format::Site site;
    site.context_id = s.context;
    site.stack_id = stacks.add(sample_stacks.at(s.stack));
    site.sampled_alloc_objects = s.alloc_objects;
    site.sampled_alloc_bytes = s.alloc_bytes;
    site.sampled_inuse_objects = s.alloc_objects - s.free_objects;
    site.sampled_inuse_bytes = s.alloc_bytes - s.free_bytes;
    const double avg = s.alloc_objects ? static_cast<double>(s.alloc_bytes) / static_cast<double>(s.alloc_objects) : 0;
    const double scale = unsampling_scale(avg, interval);
    site.estimated_alloc_objects = static_cast<std::uint64_t>(std::llround(static_cast<double>(site.sampled_alloc_objects) * scale));
    site.estimated_alloc_bytes = static_cast<std::uint64_t>(std::llround(static_cast<double>(site.sampled_alloc_bytes) * scale));
    site.estimated_inuse_objects = static_cast<std::uint64_t>(std::llround(static_cast<double>(site.sampled_inuse_objects) * scale));
    site.estimated_inuse_bytes = static_cast<std::uint64_t>(std::llround(static_cast<double>(site.sampled_inuse_bytes) * scale));
    snap.sites.push_back(site);
  }

  for (const char* name : kAllocatorProperties) {
    size_t value = 0;
    if (MallocExtension_GetNumericProperty(name, &value))
      snap.totals.allocator.push_back({strings.intern(name), static_cast<std::uint64_t>(value)});
  }
  // The collector's own heap, kept apart from the program's.
  const auto own = [&](const char* name, std::uint64_t v) { snap.totals.allocator.push_back({strings.intern(name), v}); };
  own("ctxheap.collector.inuse_bytes", state.internal.alloc_bytes.load() - state.internal.free_bytes.load());
  own("ctxheap.collector.inuse_objects", state.internal.alloc_objects.load() - state.internal.free_objects.load());
  own("ctxheap.side_table.bytes", state.side.committed_bytes());
  // Each stripe read once: the process's no-context totals are the threads' sum.
  snap.totals.no_context_threads = thread_totals(state, strings);
  for (const format::ThreadTotals& t : snap.totals.no_context_threads) {
    snap.totals.no_context_alloc_objects += t.alloc_objects;
    snap.totals.no_context_alloc_bytes += t.alloc_bytes;
    snap.totals.no_context_freed_objects += t.freed_objects;
    snap.totals.no_context_freed_bytes += t.freed_bytes;
  }
  snap.totals.contexts_tracked = infos.size();
  snap.totals.contexts_created = table.contexts_created();

  snap.strings = strings.strings();
  snap.stacks = stacks.stacks();
  format::write_snapshot(request.path, snap);
  table.prune_finished();
}

}  // namespace ctxheap::collector
