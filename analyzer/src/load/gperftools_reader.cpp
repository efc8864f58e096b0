// gperftools' text heap profiles (heap-profiler dumps, tcmalloc heap samples, growth
// stacks): the header, one record per stack, MAPPED_LIBRARIES. Un-sampling follows
// pprof (docs/interop.md §gperftools). Frames are resolved with the symbolizer from the
// mapped files when they exist here, else kept as module + offset.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"
#include "load/text_cursor.hpp"

namespace ctxheap::analyzer {
namespace {

using detail::FieldScanner;
using detail::LineCursor;

enum class Sampling : std::uint8_t { None, V1, V2 };

struct Counts {
  std::uint64_t inuse_objects = 0;
  std::uint64_t inuse_bytes = 0;
  std::uint64_t alloc_objects = 0;
  std::uint64_t alloc_bytes = 0;
};

struct Header {
  Counts totals{};
  bool has_totals = false;
  std::string type{};         ///< "heapprofile", "heap", "heap_v2", "growthz", ...
  std::uint64_t period = 0;   ///< the number after '/', 0 if none
  Sampling sampling = Sampling::None;
  std::uint64_t adjustment = 0;  ///< mean bytes between samples used to un-sample
  bool growth = false;
};

/// "N: B [ N: B]" (the part before '@').
std::optional<Counts> parse_counts(FieldScanner& f) {
  const auto c = detail::parse_count_pairs(f);
  if (!c) return std::nullopt;
  return Counts{c->first_objects, c->first_bytes, c->second_objects, c->second_bytes};
}

void set_sampling(Header& h) {
  const std::string& t = h.type;
  if (t.find("growth") != std::string::npos) {
    h.growth = true;
  } else if (t == "heapprofile" || t.find("heap") == std::string::npos) {
    h.sampling = Sampling::None;
  } else if (t.find("_v2") != std::string::npos) {
    h.sampling = Sampling::V2;
    h.adjustment = h.period;
  } else {
    h.sampling = Sampling::V1;
    h.adjustment = h.period / 2;  // v1 headers show twice the mean interval
  }
  if (h.sampling != Sampling::None && h.adjustment == 0) h.adjustment = 128 * 1024;  // pprof's default
}

/// "heap profile: N: B [ N: B] @ type[/period]", or a bare "heap_v2/period" line.
Header parse_header(LineCursor& lines) {
  const auto first = lines.next();
  if (!first) lines.fail("empty input");
  Header h;
  std::string_view line = *first;
  if (line.starts_with("heap_v2/") || line.starts_with("heapz_v2/")) {
    FieldScanner f(line.substr(line.find('/') + 1));
    const auto period = f.number();
    if (!period || !f.at_end()) lines.fail("malformed sampling header \"" + std::string(line.substr(0, 60)) + "\"");
    h.type = std::string(line.substr(0, line.find('/')));
    h.period = *period;
    set_sampling(h);
    return h;
  }
  FieldScanner f(line);
  if (!f.expect("heap profile:")) lines.fail("not a gperftools heap profile header");
  const auto counts = parse_counts(f);
  if (!counts) lines.fail("malformed header counts (expected \"N: B [ N: B]\")");
  h.totals = *counts;
  h.has_totals = true;
  if (f.expect('@')) {
    std::string_view rest = f.rest();
    const std::size_t slash = rest.find('/');
    h.type = std::string(rest.substr(0, slash));
    if (h.type.empty() || h.type.size() > 64 || h.type.find(' ') != std::string::npos)
      lines.fail("malformed profile type after '@'");
    if (slash != std::string_view::npos) {
      FieldScanner p(rest.substr(slash + 1));
      const auto period = p.number();
      if (!period || !p.at_end()) lines.fail("malformed sampling period after '/'");
      h.period = *period;
    }
    set_sampling(h);
  } else if (!f.at_end()) {
    lines.fail("unexpected text after the header counts");
  } else if (counts->inuse_objects == counts->alloc_objects && counts->inuse_bytes == counts->alloc_bytes) {
    h.type = "heap";  // pprof: so old it is a remote v1 heap sample
    set_sampling(h);
  }
  return h;
}

/// pprof's un-sampling of one (count, bytes) pair.
std::pair<std::uint64_t, std::uint64_t> unsample(const Header& h, std::uint64_t n, std::uint64_t s) {
  if (h.sampling == Sampling::None || n == 0) return {n, s};
  const double ratio = (static_cast<double>(s) / static_cast<double>(n)) / static_cast<double>(h.adjustment);
  double scale = 1;
  if (h.sampling == Sampling::V2) {
    scale = 1 / (1 - std::exp(-ratio));
  } else if (ratio < 1) {
    scale = 1 / ratio;
  }
  if (!std::isfinite(scale) || scale < 1) scale = 1;
  const auto clamp = [](double v) {
    return v >= 1.8e19 ? std::uint64_t{UINT64_MAX / 2} : static_cast<std::uint64_t>(std::llround(v));
  };
  return {clamp(static_cast<double>(n) * scale), clamp(static_cast<double>(s) * scale)};
}

struct Record {
  Counts raw{};
  std::vector<std::uint64_t> addresses{};
};

/// Resolves addresses to frames: through the symbolizer when allowed, else by mapping.
class FrameSource {
 public:
  /// `addresses`: every address of the records, sorted.
  FrameSource(ProfileBuilder& builder, std::vector<symbolize::Mapping> maps, bool symbolize,
              const std::vector<std::uint64_t>& addresses)
      : builder_(builder), maps_(std::move(maps)) {
    std::sort(maps_.begin(), maps_.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    if (symbolize && !maps_.empty()) {
      // The symbolizer opens and indexes each file it is given: only files some record
      // points into (all their mappings, for the load bias), and only regular files — a
      // path naming a FIFO or a device would block or read forever. The others keep
      // module + offset.
      std::unordered_set<std::string> used;
      for (const auto& m : maps_) {
        const auto it = std::lower_bound(addresses.begin(), addresses.end(), m.start);
        if (it != addresses.end() && *it < m.end) used.insert(m.path);
      }
      std::vector<symbolize::Mapping> files;
      for (const auto& m : maps_) {
        std::error_code ec;
        if (used.contains(m.path) && !m.path.empty() && m.path.front() == '/' &&
            std::filesystem::is_regular_file(m.path, ec))
          files.push_back(m);
      }
      try {
        symbolizer_.emplace(symbolize::Symbolizer::for_mappings(std::move(files)));
      } catch (const std::exception&) {
        symbolizer_.reset();  // no libdwfl session: module + offset only
      }
    }
  }

  void append(std::uint64_t address, std::vector<Frame>& out) {
    auto [it, added] = cache_.try_emplace(address);
    if (added) resolve(address, it->second);
    out.insert(out.end(), it->second.begin(), it->second.end());
  }

 private:
  void resolve(std::uint64_t address, std::vector<Frame>& frames) {
    if (symbolizer_) {
      for (const symbolize::Frame& f : symbolizer_->resolve(address, true)) {
        frames.push_back({address, builder_.intern(f.function), builder_.intern(f.file), f.line,
                          builder_.intern(f.module), f.module_offset, f.inlined});
      }
      // Resolved, or at least placed in a module: done. Else by the dump's own mappings.
      if (frames.size() != 1 || frames[0].function != 0 || frames[0].module != 0) return;
      frames.clear();
    }
    Frame frame;
    frame.address = address;
    auto it = std::upper_bound(maps_.begin(), maps_.end(), address,
                               [](std::uint64_t a, const symbolize::Mapping& m) { return a < m.start; });
    if (it != maps_.begin() && address < std::prev(it)->end) {
      const symbolize::Mapping& m = *std::prev(it);
      frame.module = builder_.intern(m.path);
      frame.module_offset = address - m.start + m.file_offset;
    }
    frames.push_back(frame);
  }

  ProfileBuilder& builder_;
  std::vector<symbolize::Mapping> maps_;
  std::optional<symbolize::Symbolizer> symbolizer_;
  std::unordered_map<std::uint64_t, std::vector<Frame>> cache_;
};

/// "prefix.0003.heap" and "prefix.0003.sample.heap" -> 3, "prefix_1234.0003.heap" ->
/// pid 1234: gperftools puts the dump number only into the file name.
void meta_from_name(std::string_view name, ProfileMeta& meta) {
  static const std::regex numbered(R"(^(.*?)(?:_(\d{1,9}))?\.(\d{1,9})(?:\.sample)?\.heap$)");
  const std::string base(file_basename(name));
  std::smatch m;
  if (!std::regex_match(base, m, numbered)) return;
  if (m[2].matched) meta.pid = static_cast<std::uint32_t>(std::stoul(m[2].str()));
  meta.sequence = std::stoull(m[3].str());
}

void poll(const ReadOptions& o, const LineCursor& lines, std::size_t total) {
  if (lines.line_number() % 4096 != 0) return;
  if (o.load.cancel != nullptr && o.load.cancel->load(std::memory_order_relaxed)) throw Cancelled();
  if (o.load.progress) o.load.progress(Stage::Reading, lines.offset(), total);
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? "0 %" : format_share(static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

Profile read_gperftools_heap(std::string_view text, const ReadOptions& o) {
  LineCursor lines(text, o.name, o.limits.max_line_bytes);
  const Header h = parse_header(lines);
  std::vector<Record> records;
  std::string maps_text;
  bool partial_last = false;
  bool saw_maps = false;
  while (const auto line = lines.next()) {
    poll(o, lines, text.size());
    if (line->starts_with("MAPPED_LIBRARIES:") || line->starts_with("--- Memory map:")) {
      saw_maps = true;
      const std::size_t start = lines.offset();
      maps_text.assign(text.substr(start));
      break;
    }
    FieldScanner f(*line);
    if (f.at_end()) continue;
    if (records.empty() && line->starts_with("heap profile:")) continue;  // after a bare heap_v2/N line
    const auto counts = parse_counts(f);
    if (!counts || !f.expect('@')) {
      // A dump cut mid-line (no newline at the end) is truncation, not corruption.
      if (!lines.last_complete()) {
        partial_last = true;
        break;
      }
      lines.fail("malformed record (expected \"N: B [ N: B] @ 0x...\")");
    }
    Record r;
    r.raw = *counts;
    while (!f.at_end()) {
      const auto address = f.hex();
      if (!address) {
        if (!lines.last_complete()) break;
        lines.fail("malformed stack address \"" + std::string(f.rest().substr(0, 40)) + "\"");
      }
      if (r.addresses.size() >= o.limits.max_frames)
        lines.fail("stack deeper than the limit of " + std::to_string(o.limits.max_frames) + " frames");
      r.addresses.push_back(*address);
    }
    if (!lines.last_complete()) partial_last = true;
    if (records.size() >= o.limits.max_records)
      lines.fail("more records than the limit of " + std::to_string(o.limits.max_records));
    records.push_back(std::move(r));
  }

  ProfileBuilder builder;
  ProfileMeta& meta = builder.meta();
  meta.source_format = SourceFormat::GperftoolsHeap;
  meta.source_format_version = h.sampling == Sampling::V2 ? 2 : h.sampling == Sampling::V1 ? 1 : 0;
  meta.source_path = o.name;
  // The heap profiler records every allocation (interval 1); growth stacks are not samples.
  meta.sampling_interval_bytes = h.growth ? 0 : h.sampling == Sampling::None ? 1 : h.adjustment;
  meta.counters = h.sampling == Sampling::None ? CounterSource::Exact : CounterSource::SampledEstimate;
  meta_from_name(o.name, meta);
  std::vector<symbolize::Mapping> maps = symbolize::parse_proc_maps(maps_text);
  for (const auto& m : maps) {
    if (!m.path.empty() && m.path.front() != '[') {
      meta.program = m.path;
      break;
    }
  }

  std::vector<std::uint64_t> addresses;
  for (const Record& r : records) addresses.insert(addresses.end(), r.addresses.begin(), r.addresses.end());
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  FrameSource source(builder, std::move(maps), o.symbolize, addresses);
  std::vector<Frame> frames;
  Counts sum{};
  for (const Record& r : records) {
    frames.clear();
    for (std::uint64_t a : r.addresses) source.append(a, frames);
    Site site;
    site.stack = builder.add_stack(std::span<const Frame>(frames));
    site.sampled = {r.raw.alloc_objects, r.raw.alloc_bytes, r.raw.inuse_objects, r.raw.inuse_bytes};
    const auto [in_n, in_s] = unsample(h, r.raw.inuse_objects, r.raw.inuse_bytes);
    const auto [al_n, al_s] = unsample(h, r.raw.alloc_objects, r.raw.alloc_bytes);
    site.estimated = {al_n, al_s, in_n, in_s};
    builder.add_site(site);
    sum.inuse_objects += r.raw.inuse_objects;
    sum.inuse_bytes += r.raw.inuse_bytes;
    sum.alloc_objects += r.raw.alloc_objects;
    sum.alloc_bytes += r.raw.alloc_bytes;
  }

  if (h.growth) meta.source_kind = "growth";
  if (h.growth)
    meta.notes.push_back("A heap growth profile: each record is a stack that grew the heap's system memory, not "
                         "live objects.");
  // Judged on all four header totals: a dump can keep its in-use records and still have
  // lost most of its allocation history.
  const bool short_of_header = h.has_totals && (sum.inuse_bytes < h.totals.inuse_bytes || sum.inuse_objects < h.totals.inuse_objects ||
                                                sum.alloc_bytes < h.totals.alloc_bytes || sum.alloc_objects < h.totals.alloc_objects);
  if (short_of_header || partial_last) {
    meta.records_missing = true;
    std::string note = "Truncated dump: ";
    if (h.has_totals) {
      const auto missing = [](std::uint64_t total, std::uint64_t kept) { return total > kept ? total - kept : 0; };
      const auto part = [&](std::uint64_t total, std::uint64_t kept, bool bytes, const char* what) {
        const std::uint64_t gone = missing(total, kept);
        return (bytes ? format_bytes(gone) : format_count(gone)) + " (" + percent(gone, total) + ") of " + what;
      };
      note += "missing from the " + format_count(records.size()) + " records are " +
              part(h.totals.inuse_bytes, sum.inuse_bytes, true, "the in-use bytes") + ", " +
              part(h.totals.inuse_objects, sum.inuse_objects, false, "the in-use objects") + ", " +
              part(h.totals.alloc_bytes, sum.alloc_bytes, true, "the allocated bytes") + " and " +
              part(h.totals.alloc_objects, sum.alloc_objects, false, "the allocated objects") + " that the header counts";
    } else {
      note += "the last record is cut off";
    }
    note += std::string(" (gperftools writes at most 1 MiB per dump and drops the smallest stacks");
    note += saw_maps ? ")." : "; MAPPED_LIBRARIES is missing too, so frames stay unresolved).";
    meta.notes.push_back(std::move(note));
  }
  // The header's totals are the whole heap even when records are missing. Unsampled
  // dumps count exactly; sampled ones are un-sampled per record (finish() sums the
  // sites), unless records are missing.
  if (h.has_totals && (h.sampling == Sampling::None || short_of_header)) {
    const auto [in_n, in_s] = unsample(h, h.totals.inuse_objects, h.totals.inuse_bytes);
    const auto [al_n, al_s] = unsample(h, h.totals.alloc_objects, h.totals.alloc_bytes);
    Counters& nc = builder.totals().no_context;
    nc.alloc_objects = std::max(al_n, in_n);
    nc.alloc_bytes = std::max(al_s, in_s);
    nc.freed_objects = nc.alloc_objects - in_n;
    nc.freed_bytes = nc.alloc_bytes - in_s;
  }
  if (o.load.progress) o.load.progress(Stage::Reading, text.size(), text.size());
  return std::move(builder).finish();
}

}  // namespace ctxheap::analyzer
