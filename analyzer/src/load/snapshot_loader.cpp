#include "load/snapshot_loader.hpp"

#include <span>
#include <string>
#include <vector>

#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/format/error.hpp"
#include "ctxheap/format/reader.hpp"

namespace ctxheap::analyzer::detail {
namespace {

namespace fmt = ctxheap::format;

SampleCounts sampled(const fmt::Site& s) {
  return {s.sampled_alloc_objects, s.sampled_alloc_bytes, s.sampled_inuse_objects, s.sampled_inuse_bytes};
}

SampleCounts estimated(const fmt::Site& s) {
  return {s.estimated_alloc_objects, s.estimated_alloc_bytes, s.estimated_inuse_objects, s.estimated_inuse_bytes};
}

/// The file's string ids are kept as they are: the model's table starts with "" like the
/// file's, and chunks are appended in order. Stack ids are remapped (stacks dedup).
class ModelVisitor final : public fmt::SnapshotVisitor {
 public:
  explicit ModelVisitor(ProfileBuilder& builder) : builder_(builder) {}

  void on_metadata(const fmt::Metadata& m) override {
    ProfileMeta& meta = builder_.meta();
    meta.program = m.program;
    meta.command_line = m.command_line;
    meta.pid = m.pid;
    meta.host = m.hostname;
    meta.sequence = m.sequence;
    meta.reason = m.reason;
    meta.wall_time_ns = m.wall_time_ns;
    meta.monotonic_time_ns = m.monotonic_time_ns;
    meta.sampling_interval_bytes = m.sampling_interval_bytes;
    meta.max_stack_depth = m.max_stack_depth;
    meta.collector_version = m.collector_version;
    meta.source_format_version = m.format_version;
  }

  void on_strings(fmt::StringId first_id, std::span<const std::string> strings) override {
    // The model's id 0 is already "", and the file's string 0 is "" too.
    if (first_id == 0 && !strings.empty()) strings = strings.subspan(1);
    builder_.append_strings(strings);
  }

  void on_stack(const fmt::Stack& stack) override {
    frames_.clear();
    for (const fmt::Frame& f : stack.frames)
      frames_.push_back({f.address, f.function, f.file, f.line, f.module, f.module_offset, f.inlined});
    stack_map_.push_back(builder_.add_stack(std::span<const Frame>(frames_)));
  }

  void on_context(const fmt::ContextRecord& r) override {
    Context c;
    static_cast<ContextFacts&>(c) = r;  // one type on both sides: no field-by-field copy
    c.creation_stack = stack(r.creation_stack_id);
    c.counters = {r.alloc_objects, r.alloc_bytes, r.freed_objects, r.freed_bytes};
    builder_.add_context(c);
  }

  void on_site(const fmt::Site& s) override {
    builder_.add_site({s.context_id, stack(s.stack_id), sampled(s), estimated(s)});
  }

  void on_totals(const fmt::Totals& t) override {
    Totals& totals = builder_.totals();
    totals.no_context = {t.no_context_alloc_objects, t.no_context_alloc_bytes, t.no_context_freed_objects,
                         t.no_context_freed_bytes};
    totals.contexts_tracked = t.contexts_tracked;
    totals.contexts_created = t.contexts_created;
    for (const fmt::AllocatorProperty& p : t.allocator) names_.push_back({p.name, p.value});
    for (const fmt::ThreadTotals& thread : t.no_context_threads) {
      totals.no_context_threads.push_back({thread.tid, {}, thread.exited,
                                           {thread.alloc_objects, thread.alloc_bytes, thread.freed_objects, thread.freed_bytes}});
      thread_names_.push_back(thread.name);
    }
  }

  /// Allocator property names are string ids; resolved once the table is complete.
  void finish(const Profile& profile, Totals& totals) const {
    for (const auto& [name, value] : names_) totals.allocator.push_back({std::string(profile.str(name)), value});
    for (std::size_t k = 0; k < thread_names_.size() && k < totals.no_context_threads.size(); ++k)
      totals.no_context_threads[k].name = std::string(profile.str(thread_names_[k]));
  }

 private:
  Index stack(fmt::StackId id) const {
    // The reader guarantees id 0 or a stack already delivered.
    return id == 0 || id > stack_map_.size() ? kNoIndex : stack_map_[id - 1];
  }

  ProfileBuilder& builder_;
  std::vector<Frame> frames_;
  std::vector<Index> stack_map_;
  std::vector<std::pair<fmt::StringId, std::uint64_t>> names_;
  std::vector<fmt::StringId> thread_names_;  ///< parallel to Totals::no_context_threads
};

}  // namespace

Profile load_ctxheap_snapshot(format::ByteStream& in, const std::string& name, const LoadOptions& options) {
  fmt::ReadOptions read_options;
  read_options.cancel = options.cancel;
  if (options.progress) {
    read_options.progress = [&options](std::uint64_t consumed, std::uint64_t total) {
      options.progress(Stage::Reading, consumed, total);
    };
  }
  fmt::SnapshotReader reader(in, name, read_options);
  ProfileBuilder builder;
  ModelVisitor visitor(builder);
  reader.read(visitor);
  builder.meta().source_format = SourceFormat::CtxheapSnapshot;
  builder.meta().source_path = name;
  Profile profile = std::move(builder).finish();
  visitor.finish(profile, profile.totals);
  return profile;
}

}  // namespace ctxheap::analyzer::detail
