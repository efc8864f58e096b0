// Allocation sites in the JSON report: top sites, the call tree, sites across a series,
// sites of a diff by symbol path (docs/report-schema.json).
#include "common/report_tables.hpp"
#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "ctxheap/report/selection.hpp"
#include "json/json_parts.hpp"

namespace ctxheap::report::detail {
namespace {

Json counts_json(const analyzer::SampleCounts& c) {
  return Json{{"alloc_objects", c.alloc_objects},
              {"alloc_bytes", c.alloc_bytes},
              {"inuse_objects", c.inuse_objects},
              {"inuse_bytes", c.inuse_bytes}};
}

}  // namespace

Json allocation_sites_json(const analyzer::Analysis& a, std::size_t top) {
  const analyzer::Profile& p = *a.profile;
  Json out = Json::array();
  const auto sites = analyzer::allocation_sites(p);
  for (std::size_t k = 0; k < sites.size() && (top == 0 || k < top); ++k) {
    const auto& s = sites[k];
    out.push_back(Json{{"site", analyzer::describe_alloc_site(p, s)},
                       {"function", std::string(p.str(s.function))},
                       {"file", std::string(p.str(s.file))},
                       {"line", s.line},
                       {"module", std::string(p.str(s.module))},
                       {"module_offset", s.module_offset},
                       {"stacks", s.stacks},
                       {"path", analyzer::symbol_path(p, s.stack)},
                       {"counts", counts_json(s.totals)}});
  }
  return out;
}

Json call_tree_json(const analyzer::Analysis& a, std::size_t top, analyzer::FrameDetail frames) {
  const auto nodes = analyzer::call_tree(*a.profile, 0, frames);
  Json out = Json::array();
  const auto rows = call_tree_rows(nodes, top == 0 ? 0 : top * 2);
  std::vector<std::int64_t> row_of(nodes.size(), -1);
  for (std::size_t r = 0; r < rows.size(); ++r) row_of[rows[r]] = static_cast<std::int64_t>(r);
  for (const analyzer::Index n : rows) {
    const auto& node = nodes[n];
    out.push_back(Json{{"function", node.name},
                       {"parent", row_of[node.parent]},
                       {"depth", node.depth},
                       {"self", counts_json(node.self)},
                       {"cumulative", counts_json(node.cumulative)}});
  }
  return out;
}

Json allocation_site_growth_json(const ReportSubject& subject, std::size_t top) {
  if (subject.series == nullptr) return Json(nullptr);
  std::vector<const analyzer::Profile*> profiles;
  for (const auto& s : subject.series->snapshots) profiles.push_back(s.profile.get());
  Json out = Json::array();
  for (const auto& g : analyzer::site_growth(profiles, top))
    out.push_back(Json{{"site", g.site},
                       {"trend", std::string(analyzer::to_string(g.trend))},
                       {"inuse_bytes", g.inuse_bytes},
                       {"last_delta_bytes", g.last_delta_bytes}});
  return out;
}

Json allocation_site_diff_json(const analyzer::Analysis& before, const analyzer::Analysis& after, std::size_t top,
                               analyzer::FrameDetail frames) {
  Json out = Json::array();
  for (const auto& d : analyzer::diff_allocation_stacks(*before.profile, *after.profile, frames, top).stacks)
    out.push_back(Json{{"path", d.path()},
                       {"before", counts_json(d.before)},
                       {"after", counts_json(d.after)},
                       {"delta_inuse_bytes", d.delta_inuse_bytes()}});
  return out;
}

}  // namespace ctxheap::report::detail
