// The diff's tables (declared in report_tables.hpp).
#include "common/describe.hpp"
#include "common/diff_sides.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::format_bytes;
using analyzer::format_count;

std::string arrow(std::uint64_t before, std::uint64_t after) { return format_count(before) + " -> " + format_count(after); }

}  // namespace

Table diff_totals_table(const analyzer::Analysis& before, const analyzer::Analysis& after,
                        const analyzer::ProfileDiff& d) {
  Table t({{""}, {"before", Align::Right}, {"after", Align::Right}, {"change", Align::Right}});
  auto bytes = [&](std::string label, std::uint64_t b, std::uint64_t a) {
    t.add_row({std::move(label), format_bytes(b), format_bytes(a), signed_bytes(delta(b, a))});
  };
  auto count = [&](std::string label, std::uint64_t b, std::uint64_t a) {
    t.add_row({std::move(label), format_count(b), format_count(a), signed_count(delta(b, a))});
  };
  bytes("heap in use", d.heap_before.inuse_bytes(), d.heap_after.inuse_bytes());
  bytes("heap allocated", d.heap_before.alloc_bytes, d.heap_after.alloc_bytes);
  count("contexts", before.summary.contexts, after.summary.contexts);
  count("stale entries", d.stale_before, d.stale_after);
  bytes("retained by stale", d.stale_retained_before, d.stale_retained_after);
  count("leak suspects", before.summary.suspects, after.summary.suspects);
  return t;
}

Table diff_sites_table(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ProfileDiff& d,
                       std::size_t top) {
  Table t({{"in use before", Align::Right}, {"after", Align::Right}, {"change", Align::Right},
           {"contexts", Align::Right}, {"stale", Align::Right}, {"site"}});
  std::size_t shown = 0;
  for (const auto& s : d.sites) {
    if (top != 0 && shown == top) break;
    if (s.before.self.alloc_bytes == 0 && s.after.self.alloc_bytes == 0 && s.before.stale == 0 && s.after.stale == 0)
      continue;  // nothing to compare (Background, TODO)
    ++shown;
    t.add_row({format_bytes(s.before.self.inuse_bytes()), format_bytes(s.after.self.inuse_bytes()),
               signed_bytes(delta(s.before.self.inuse_bytes(), s.after.self.inuse_bytes())),
               arrow(s.before.contexts, s.after.contexts), arrow(s.before.stale, s.after.stale),
               single_line(site_text(before, after, s))},
              s.after.stale > s.before.stale ? kYellow : std::string_view{});
  }
  return t;
}

Table diff_parents_table(const analyzer::Analysis& before, const analyzer::Analysis& after,
                         const analyzer::ProfileDiff& d, std::size_t top) {
  Table t({{"subtree before", Align::Right}, {"after", Align::Right}, {"change", Align::Right},
           {"registered", Align::Right}, {"stale", Align::Right}, {"context"}});
  for (std::size_t k = 0; k < d.parents.size() && (top == 0 || k < top); ++k) {
    const auto& p = d.parents[k];
    t.add_row({format_bytes(p.before.subtree.inuse_bytes()), format_bytes(p.after.subtree.inuse_bytes()),
               signed_bytes(delta(p.before.subtree.inuse_bytes(), p.after.subtree.inuse_bytes())),
               arrow(p.before.registered_children, p.after.registered_children),
               arrow(p.before.stale_children, p.after.stale_children), single_line(parent_text(before, after, p))},
              p.after.stale_children > p.before.stale_children ? kYellow : std::string_view{});
  }
  return t;
}

}  // namespace ctxheap::report::detail
