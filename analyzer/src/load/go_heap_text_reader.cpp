// Go's legacy text heap profile (runtime/pprof WriteTo(w, 1), /debug/pprof/heap?debug=1):
//   heap profile: N: B [N: B] @ heap/P        totals; P = 2 * runtime.MemProfileRate
//   N: B [N: B] @ 0xpc 0xpc ...                one record per stack: raw in-use [allocated]
//   #	0xpc	function+0xoff	file:line       its frames
//   # runtime.MemStats ...                     the end of the records
// The counts are raw samples; they are scaled as Go scales its proto profile (and as
// pprof reads "heap/P": a v2 profile with period P/2), so both give the same model.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "go_text_frames.hpp"
#include "text_cursor.hpp"

namespace ctxheap::analyzer {
namespace {

using detail::FieldScanner;
using detail::LineCursor;

/// "N: B [N: B]": in-use objects, bytes, allocated objects, bytes.
std::optional<SampleCounts> parse_counts(FieldScanner& f) {
  const auto c = detail::parse_count_pairs(f);
  if (!c) return std::nullopt;
  return SampleCounts{c->second_objects, c->second_bytes, c->first_objects, c->first_bytes};
}

/// runtime/pprof's scaleHeapSample: a record of `count` samples of `size` bytes in all
/// stands for count / (1 - e^(-avg/rate)) allocations (truncated, as Go does).
std::pair<std::uint64_t, std::uint64_t> scale_heap_sample(std::uint64_t count, std::uint64_t size, std::uint64_t rate) {
  if (count == 0 || size == 0) return {0, 0};
  if (rate <= 1) return {count, size};
  const double avg = static_cast<double>(size) / static_cast<double>(count);
  const double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  const auto clamp = [](double v) { return v >= 9.2e18 ? std::uint64_t{INT64_MAX} : static_cast<std::uint64_t>(v); };
  return {clamp(static_cast<double>(count) * scale), clamp(static_cast<double>(size) * scale)};
}

struct Record {
  SampleCounts raw{};
  std::vector<Frame> frames{};
};

}  // namespace

Profile read_go_heap_text(std::string_view text, const ReadOptions& o) {
  LineCursor lines(text, o.name, o.limits.max_line_bytes);
  const auto first = lines.next();
  if (!first) lines.fail("empty input");
  FieldScanner h(*first);
  if (!h.expect("heap profile:")) lines.fail("not a Go heap profile header");
  if (!parse_counts(h) || !h.expect('@') || !h.expect("heap/"))
    lines.fail("malformed Go heap profile header (expected \"heap profile: N: B [N: B] @ heap/P\")");
  const auto period = h.number();
  if (!period || !h.at_end()) lines.fail("malformed sampling period after \"heap/\"");
  const std::uint64_t rate = std::max<std::uint64_t>(*period / 2, 1);

  ProfileBuilder b;
  std::vector<Record> records;
  while (const auto line = lines.next()) {
    if (o.load.cancel != nullptr && (lines.line_number() & 0xfff) == 0 && o.load.cancel->load()) throw Cancelled();
    if (line->starts_with("# runtime.MemStats")) break;
    if (line->empty()) continue;
    if (detail::is_go_frame_line(*line)) {
      if (records.empty()) lines.fail("a frame line before the first record");
      if (records.back().frames.size() >= o.limits.max_frames)
        lines.fail("stack deeper than the limit of " + std::to_string(o.limits.max_frames) + " frames");
      records.back().frames.push_back(detail::parse_go_frame_line(*line, b, lines));
      continue;
    }
    if (line->starts_with("#")) continue;
    FieldScanner f(*line);
    const auto counts = parse_counts(f);
    if (!counts || !f.expect('@')) lines.fail("malformed record (expected \"N: B [N: B] @ 0x...\")");
    while (!f.at_end())
      if (!f.hex()) lines.fail("malformed stack address \"" + std::string(f.rest().substr(0, 40)) + "\"");
    if (records.size() >= o.limits.max_records)
      lines.fail("more records than the limit of " + std::to_string(o.limits.max_records));
    records.push_back({*counts, {}});
  }

  ProfileMeta& meta = b.meta();
  meta.source_format = SourceFormat::Pprof;
  meta.source_path = o.name;
  meta.sampling_interval_bytes = rate;
  meta.counters = rate > 1 ? CounterSource::SampledEstimate : CounterSource::Exact;
  for (const Record& r : records) {
    Site site;
    site.stack = b.add_stack(std::span<const Frame>(r.frames));
    const auto [al_n, al_b] = scale_heap_sample(r.raw.alloc_objects, r.raw.alloc_bytes, rate);
    const auto [in_n, in_b] = scale_heap_sample(r.raw.inuse_objects, r.raw.inuse_bytes, rate);
    site.estimated = {std::max(al_n, in_n), std::max(al_b, in_b), in_n, in_b};
    site.sampled = r.raw;
    b.add_site(site);
  }
  Profile profile = std::move(b).finish();
  if (o.recognize_go_contexts) golang::recognize_context_leaks(profile);
  if (o.load.progress) o.load.progress(Stage::Reading, text.size(), text.size());
  return profile;
}

}  // namespace ctxheap::analyzer
