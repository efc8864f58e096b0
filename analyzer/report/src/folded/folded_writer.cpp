// Folded stacks for flame graphs: one line per distinct (context, allocation stack),
// "context;outermost;...;leaf value", sorted, values summed. The root frame is the
// context's name ("<kind>" when unnamed, "<no context>" for allocations made with none).
#include <map>
#include <ostream>

#include "common/escape.hpp"
#include "common/site_values.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/report/writers.hpp"

namespace ctxheap::report {
namespace {

/// A frame name that cannot break the format: no ';', no line breaks, no control characters.
std::string frame_text(std::string_view text) {
  std::string out = detail::single_line(text);
  for (char& c : out) {
    if (c == ';') c = ':';
  }
  return out;
}

std::string frame_name(const analyzer::Profile& p, const analyzer::Frame& f) {
  if (const auto function = p.str(f.function); !function.empty()) return frame_text(function);
  if (const auto module = p.str(f.module); !module.empty())
    return frame_text(analyzer::module_offset_name(module, f.module_offset));
  return analyzer::hex_address(f.address);
}

std::string root_frame(const analyzer::Analysis& a, analyzer::ContextId id) {
  if (id == 0) return "<no context>";
  const analyzer::Index i = a.forest.find(id);
  if (i == analyzer::kNoIndex) return "#" + std::to_string(id);
  const auto name = a.profile->str(a.context(i).name);
  return name.empty() ? "<" + std::string(analyzer::to_string(a.context(i).kind)) + ">" : frame_text(name);
}

std::size_t value_index(SampleIndex index) {
  switch (index) {
    case SampleIndex::AllocObjects: return 0;
    case SampleIndex::AllocSpace: return 1;
    case SampleIndex::InuseObjects: return 2;
    case SampleIndex::InuseSpace: return 3;
  }
  return 3;
}

}  // namespace

void write_folded(std::ostream& out, const ReportSubject& subject, const ReportOptions& options) {
  const analyzer::Analysis& a = *subject.analysis;
  const analyzer::Profile& p = *a.profile;
  const std::size_t value = value_index(options.sample_index);
  std::vector<std::string> stack_text(p.stacks.size());  // "frame;...;leaf", built once per stack
  std::map<std::string, std::uint64_t> lines;
  for (const analyzer::Site& site : p.sites) {
    const std::uint64_t v = detail::site_values(site)[value];
    if (v == 0) continue;
    std::string key = root_frame(a, site.context_id);
    if (site.stack < p.stacks.size()) {
      std::string& text = stack_text[site.stack];
      if (text.empty()) {
        const auto frames = p.stack_frames(site.stack);
        for (auto f = frames.rbegin(); f != frames.rend(); ++f) text += ";" + frame_name(p, *f);
      }
      key += text;
    }
    lines[key] += v;
  }
  for (const auto& [stack, v] : lines) out << stack << ' ' << v << '\n';
}

}  // namespace ctxheap::report
