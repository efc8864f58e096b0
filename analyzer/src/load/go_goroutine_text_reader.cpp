// Go's legacy text goroutine profile (runtime/pprof WriteTo(w, 1),
// /debug/pprof/goroutine?debug=1):
//   goroutine profile: total N
//   C @ 0xpc 0xpc ...                    C goroutines with this stack
//   # labels: {...}                      (optional)
//   #	0xpc	function+0xoff	file:line   its frames; leading runtime.* frames are not printed
// Becomes the same model as the proto goroutine profile: one site per stack, goroutines
// as objects of no size. The runtime frames the text leaves out stay as frames with a pc
// and no function, so a parked goroutine still shows that it waits inside the runtime.
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

struct Record {
  std::uint64_t goroutines = 0;
  std::vector<std::uint64_t> pcs{};
  std::vector<Frame> frames{};
};

}  // namespace

Profile read_go_goroutine_text(std::string_view text, const ReadOptions& o) {
  LineCursor lines(text, o.name, o.limits.max_line_bytes);
  const auto first = lines.next();
  if (!first) lines.fail("empty input");
  FieldScanner h(*first);
  if (!h.expect("goroutine profile:") || !h.expect("total") || !h.number() || !h.at_end())
    lines.fail("malformed Go goroutine profile header (expected \"goroutine profile: total N\")");

  ProfileBuilder b;
  std::vector<Record> records;
  while (const auto line = lines.next()) {
    if (o.load.cancel != nullptr && (lines.line_number() & 0xfff) == 0 && o.load.cancel->load()) throw Cancelled();
    if (line->empty()) continue;
    if (detail::is_go_frame_line(*line)) {
      if (records.empty()) lines.fail("a frame line before the first record");
      if (records.back().frames.size() >= o.limits.max_frames)
        lines.fail("stack deeper than the limit of " + std::to_string(o.limits.max_frames) + " frames");
      records.back().frames.push_back(detail::parse_go_frame_line(*line, b, lines));
      continue;
    }
    if (line->starts_with("#")) continue;  // "# labels: {...}"
    FieldScanner f(*line);
    const auto count = f.number();
    if (!count || !f.expect('@')) lines.fail("malformed record (expected \"N @ 0x...\")");
    Record r;
    r.goroutines = *count;
    while (!f.at_end()) {
      const auto pc = f.hex();
      if (!pc) lines.fail("malformed stack address \"" + std::string(f.rest().substr(0, 40)) + "\"");
      if (r.pcs.size() >= o.limits.max_frames)
        lines.fail("stack deeper than the limit of " + std::to_string(o.limits.max_frames) + " frames");
      r.pcs.push_back(*pc);
    }
    if (records.size() >= o.limits.max_records)
      lines.fail("more records than the limit of " + std::to_string(o.limits.max_records));
    records.push_back(std::move(r));
  }

  ProfileMeta& meta = b.meta();
  meta.source_format = SourceFormat::Pprof;
  meta.source_path = o.name;
  meta.source_kind = "goroutine";
  std::vector<Frame> frames;
  for (const Record& r : records) {
    frames.clear();
    const std::size_t hidden = r.frames.empty() ? 0 : detail::hidden_leading_pcs(r.pcs, r.frames.front().address);
    for (std::size_t i = 0; i < hidden; ++i) frames.push_back(Frame{.address = r.pcs[i]});
    frames.insert(frames.end(), r.frames.begin(), r.frames.end());
    Site site;
    site.stack = b.add_stack(std::span<const Frame>(frames));
    site.estimated = {r.goroutines, 0, r.goroutines, 0};
    site.sampled = site.estimated;
    b.add_site(site);
  }
  Profile profile = std::move(b).finish();
  const auto blocked = golang::report_blocked_goroutines(profile);
  if (o.recognize_go_contexts) golang::infer_parked_waits(profile, blocked);
  if (o.load.progress) o.load.progress(Stage::Reading, text.size(), text.size());
  return profile;
}

}  // namespace ctxheap::analyzer
