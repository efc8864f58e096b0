// pprof's profile.proto, gzipped or raw: Go heap profiles (alloc/inuse objects/space,
// already un-sampled by the Go runtime) and goroutine profiles. Every index and id is
// checked before use; a heap profile then goes through the Go context recognizer.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "load/pprof_shape.hpp"
#include "pprof_profile.pb.h"

namespace ctxheap::analyzer {
namespace {

/// The raw sample counts behind Go's scaled values: Go multiplied each record of `n`
/// samples averaging `avg` bytes by 1 / (1 - e^(-avg/period)); this undoes it.
SampleCounts raw_samples(const SampleCounts& e, std::int64_t period) {
  if (period <= 1) return e;
  const auto raw = [period](std::uint64_t n, std::uint64_t bytes) -> std::pair<std::uint64_t, std::uint64_t> {
    if (n == 0 || bytes == 0) return {0, 0};
    const double avg = static_cast<double>(bytes) / static_cast<double>(n);
    const double keep = 1 - std::exp(-avg / static_cast<double>(period));
    return {static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * keep)),
            static_cast<std::uint64_t>(std::llround(static_cast<double>(bytes) * keep))};
  };
  const auto [al_n, al_b] = raw(e.alloc_objects, e.alloc_bytes);
  const auto [in_n, in_b] = raw(e.inuse_objects, e.inuse_bytes);
  return {std::max(al_n, in_n), std::max(al_b, in_b), in_n, in_b};
}

class PprofModel {
 public:
  PprofModel(const pprof::Profile& p, const ReadOptions& o) : p_(p), o_(o) {}

  Profile build() {
    check_counts();
    check_strings();
    index_functions();
    index_mappings();
    index_locations();
    const Kind kind = classify();
    ProfileMeta& meta = b_.meta();
    meta.source_format = SourceFormat::Pprof;
    meta.source_path = o_.name;
    meta.wall_time_ns = p_.time_nanos() > 0 ? static_cast<std::uint64_t>(p_.time_nanos()) : 0;
    // pprof has no sequence number: load_series orders pprof profiles by wall time.
    if (p_.mapping_size() > 0) meta.program = std::string(str(p_.mapping(0).filename(), "mapping 1 file name"));
    if (kind == Kind::Goroutine) meta.source_kind = "goroutine";
    if (kind == Kind::Heap) {
      meta.sampling_interval_bytes = p_.period() > 0 ? static_cast<std::uint64_t>(p_.period()) : 0;
      meta.counters = meta.sampling_interval_bytes > 1 ? CounterSource::SampledEstimate : CounterSource::Exact;
    }
    add_samples(kind);
    Profile profile = std::move(b_).finish();
    if (kind == Kind::Heap) {
      if (o_.recognize_go_contexts) golang::recognize_context_leaks(profile);
    } else {
      const auto blocked = golang::report_blocked_goroutines(profile);
      if (o_.recognize_go_contexts) golang::infer_parked_waits(profile, blocked);
    }
    return profile;
  }

 private:
  enum class Kind : std::uint8_t { Heap, Goroutine };

  [[noreturn]] void fail(const std::string& what) const { throw LoadError(o_.name + ": " + what); }

  void limit(std::uint64_t n, const char* what) const {
    if (n > o_.limits.max_records)
      fail(std::string("more ") + what + " than the limit of " + std::to_string(o_.limits.max_records));
  }

  void check_counts() const {
    limit(static_cast<std::uint64_t>(p_.sample_size()), "samples");
    limit(static_cast<std::uint64_t>(p_.location_size()), "locations");
    limit(static_cast<std::uint64_t>(p_.function_size()), "functions");
    limit(static_cast<std::uint64_t>(p_.string_table_size()), "strings");
  }

  void check_strings() const {
    if (p_.string_table_size() == 0) fail("empty string table (string_table[0] must be \"\")");
    if (!p_.string_table(0).empty()) fail("string_table[0] is not empty");
  }

  std::string_view str(std::int64_t index, const char* what) const {
    if (index < 0 || index >= p_.string_table_size())
      fail(std::string(what) + " refers to string " + std::to_string(index) + " of " +
           std::to_string(p_.string_table_size()));
    return p_.string_table(static_cast<int>(index));
  }

  void index_functions() {
    for (int i = 0; i < p_.function_size(); ++i) {
      const auto& f = p_.function(i);
      const std::string what = "function " + std::to_string(f.id());
      if (f.id() == 0) fail("function with id 0");
      StringId name = b_.intern(str(f.name(), what.c_str()));
      if (name == 0) name = b_.intern(str(f.system_name(), what.c_str()));
      const StringId file = b_.intern(str(f.filename(), what.c_str()));
      if (!functions_.emplace(f.id(), std::pair{name, file}).second) fail("duplicate " + what);
    }
  }

  void index_mappings() {
    for (int i = 0; i < p_.mapping_size(); ++i) {
      const auto& m = p_.mapping(i);
      if (m.id() == 0) fail("mapping with id 0");
      if (!mappings_.emplace(m.id(), i).second) fail("duplicate mapping " + std::to_string(m.id()));
      str(m.filename(), "a mapping's file name");
      str(m.build_id(), "a mapping's build id");
    }
  }

  void index_locations() {
    for (int i = 0; i < p_.location_size(); ++i) {
      const auto& l = p_.location(i);
      if (l.id() == 0) fail("location with id 0");
      const auto first = static_cast<std::uint32_t>(frames_.size());
      StringId module = 0;
      std::uint64_t offset = l.address();
      if (l.mapping_id() != 0) {
        const auto m = mappings_.find(l.mapping_id());
        if (m == mappings_.end())
          fail("location " + std::to_string(l.id()) + " refers to missing mapping " + std::to_string(l.mapping_id()));
        const auto& mapping = p_.mapping(m->second);
        module = b_.intern(str(mapping.filename(), "a mapping's file name"));
        if (l.address() >= mapping.memory_start()) offset = l.address() - mapping.memory_start() + mapping.file_offset();
      }
      if (static_cast<std::size_t>(l.line_size()) > o_.limits.max_frames)
        fail("location " + std::to_string(l.id()) + " has more lines than the limit");
      for (int k = 0; k < l.line_size(); ++k) {
        const auto& line = l.line(k);
        const auto f = functions_.find(line.function_id());
        if (f == functions_.end())
          fail("location " + std::to_string(l.id()) + " refers to missing function " + std::to_string(line.function_id()));
        Frame frame;
        frame.address = l.address();
        frame.function = f->second.first;
        frame.file = f->second.second;
        frame.line = line.line() > 0 && line.line() <= INT32_MAX ? static_cast<std::uint32_t>(line.line()) : 0;
        frame.module = module;
        frame.module_offset = offset;
        frame.inlined = k + 1 < l.line_size();  // callees first, the caller last
        frames_.push_back(frame);
      }
      if (l.line_size() == 0) frames_.push_back({l.address(), 0, 0, 0, module, offset, false});
      if (!locations_.emplace(l.id(), std::pair{first, static_cast<std::uint32_t>(frames_.size()) - first}).second)
        fail("duplicate location " + std::to_string(l.id()));
    }
  }

  Kind classify() {
    for (int i = 0; i < p_.sample_type_size(); ++i) {
      const std::string what = "sample type " + std::to_string(i);
      const std::string_view type = str(p_.sample_type(i).type(), what.c_str());
      str(p_.sample_type(i).unit(), what.c_str());
      if (type == "alloc_objects") alloc_objects_ = i;
      else if (type == "alloc_space") alloc_space_ = i;
      else if (type == "inuse_objects") inuse_objects_ = i;
      else if (type == "inuse_space") inuse_space_ = i;
      else if (type == "goroutine") goroutines_ = i;
      else if (type == "objects" && inuse_objects_ < 0) inuse_objects_ = i;  // legacy heap
      else if (type == "space" && inuse_space_ < 0) inuse_space_ = i;
    }
    if (inuse_space_ >= 0 || alloc_space_ >= 0) return Kind::Heap;
    if (goroutines_ >= 0) return Kind::Goroutine;
    std::string types;
    for (int i = 0; i < p_.sample_type_size(); ++i)
      types += (i ? "," : "") + std::string(str(p_.sample_type(i).type(), "sample type"));
    fail("a pprof profile of " + (types.empty() ? std::string("no sample type") : types) +
         "; only heap (inuse/alloc space) and goroutine profiles are supported");
  }

  std::uint64_t value(const pprof::Sample& s, int index) const {
    if (index < 0) return 0;
    const std::int64_t v = s.value(index);
    return v > 0 ? static_cast<std::uint64_t>(v) : 0;
  }

  void add_samples(Kind kind) {
    std::vector<Frame> frames;
    for (int i = 0; i < p_.sample_size(); ++i) {
      const auto& s = p_.sample(i);
      if (s.value_size() != p_.sample_type_size())
        fail("sample " + std::to_string(i) + " has " + std::to_string(s.value_size()) + " values for " +
             std::to_string(p_.sample_type_size()) + " sample types");
      frames.clear();
      for (const std::uint64_t id : s.location_id()) {
        const auto l = locations_.find(id);
        if (l == locations_.end()) fail("sample " + std::to_string(i) + " refers to missing location " + std::to_string(id));
        if (frames.size() + l->second.second > o_.limits.max_frames)
          fail("sample " + std::to_string(i) + " has more frames than the limit of " + std::to_string(o_.limits.max_frames));
        frames.insert(frames.end(), frames_.begin() + l->second.first, frames_.begin() + l->second.first + l->second.second);
      }
      for (const auto& label : s.label()) {
        str(label.key(), "a sample label");
        str(label.str(), "a sample label");
      }
      Site site;
      site.stack = b_.add_stack(std::span<const Frame>(frames));
      if (kind == Kind::Heap) {
        const std::uint64_t in_n = value(s, inuse_objects_), in_b = value(s, inuse_space_);
        const std::uint64_t al_n = alloc_objects_ >= 0 ? value(s, alloc_objects_) : in_n;
        const std::uint64_t al_b = alloc_space_ >= 0 ? value(s, alloc_space_) : in_b;
        site.estimated = {std::max(al_n, in_n), std::max(al_b, in_b), in_n, in_b};
        site.sampled = raw_samples(site.estimated, p_.period());
        b_.add_site(site);
        continue;
      } else {
        const std::uint64_t n = value(s, goroutines_);
        site.estimated = {n, 0, n, 0};  // goroutines as objects of no size
      }
      site.sampled = site.estimated;
      b_.add_site(site);
    }
  }

  const pprof::Profile& p_;
  const ReadOptions& o_;
  ProfileBuilder b_;
  std::unordered_map<std::uint64_t, std::pair<StringId, StringId>> functions_;
  std::unordered_map<std::uint64_t, int> mappings_;
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> locations_;
  std::vector<Frame> frames_;
  int alloc_objects_ = -1, alloc_space_ = -1, inuse_objects_ = -1, inuse_space_ = -1, goroutines_ = -1;
};

bool is_gzip(std::span<const std::byte> bytes) {
  return bytes.size() >= 2 && bytes[0] == std::byte{0x1f} && bytes[1] == std::byte{0x8b};
}

}  // namespace

Profile read_pprof(std::span<const std::byte> bytes, const ReadOptions& options) {
  std::string inflated;
  if (is_gzip(bytes)) {
    detail::PprofShapeCheck shape(options.name);
    inflated = gunzip(bytes, options.name, options.limits, [&shape](std::string_view piece) { shape.feed(piece); });
    bytes = std::as_bytes(std::span<const char>(inflated));
  }
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) throw LoadError(options.name + ": profile.proto larger than 2 GiB");
  pprof::Profile message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw LoadError(options.name + ": not a valid profile.proto message (corrupt or truncated protobuf)");
  if (options.load.cancel != nullptr && options.load.cancel->load()) throw Cancelled();
  Profile profile = PprofModel(message, options).build();
  if (options.load.progress) options.load.progress(Stage::Reading, bytes.size(), bytes.size());
  return profile;
}

}  // namespace ctxheap::analyzer
