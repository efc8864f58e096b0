// The allocation-site tables (alloc_sites.hpp) for the text, Markdown and HTML reports:
// top sites, the call tree, sites across a series, the folded allocation stacks of a diff.
#include <algorithm>

#include "common/describe.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "common/terminal.hpp"
#include "ctxheap/analyzer/alloc_stacks_diff.hpp"
#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::format_bytes;
using analyzer::format_count;
using analyzer::SampleCounts;

std::string ratio(const SampleCounts& c) {
  return c.alloc_bytes == 0 ? std::string("-")
                            : analyzer::format_share(static_cast<double>(c.inuse_bytes) / static_cast<double>(c.alloc_bytes));
}

/// The leaf-side end of a symbol path ("…;a;b;c"), at most `frames` frames.
std::string path_tail(const std::string& path, std::size_t frames) {
  std::size_t at = path.size();
  for (std::size_t k = 0; k < frames; ++k) {
    const std::size_t semi = path.rfind(';', at == 0 ? 0 : at - 1);
    if (semi == std::string::npos || at == 0) return path;
    at = semi;
  }
  return "…" + path.substr(at);
}

}  // namespace

bool goroutine_diff(const analyzer::Analysis& before, const analyzer::Analysis& after) noexcept {
  return before.profile->meta.source_kind == "goroutine" && after.profile->meta.source_kind == "goroutine";
}

std::vector<analyzer::Index> call_tree_rows(const std::vector<analyzer::CallTreeNode>& nodes, std::size_t max_rows) {
  std::vector<analyzer::Index> rows;
  if (nodes.size() <= 1) return rows;
  std::vector<std::vector<analyzer::Index>> children(nodes.size());
  for (analyzer::Index i = 1; i < nodes.size(); ++i) children[nodes[i].parent].push_back(i);
  const std::uint64_t floor = std::max<std::uint64_t>(1, nodes[0].cumulative.inuse_bytes / 100);
  std::vector<analyzer::Index> stack;
  auto push_children = [&](analyzer::Index n) {
    auto& c = children[n];
    std::stable_sort(c.begin(), c.end(), [&](auto x, auto y) {
      return nodes[x].cumulative.inuse_bytes > nodes[y].cumulative.inuse_bytes;
    });
    for (auto it = c.rbegin(); it != c.rend(); ++it)
      if (nodes[*it].cumulative.inuse_bytes >= floor) stack.push_back(*it);
  };
  push_children(0);
  while (!stack.empty() && (max_rows == 0 || rows.size() < max_rows)) {
    const analyzer::Index n = stack.back();
    stack.pop_back();
    rows.push_back(n);
    push_children(n);
  }
  return rows;
}

Table alloc_sites_table(const analyzer::Analysis& a, std::size_t top) {
  Table t({{"in use", Align::Right}, {"objects", Align::Right}, {"allocated", Align::Right}, {"ratio", Align::Right},
           {"stacks", Align::Right}, {"allocation site"}});
  const auto sites = analyzer::allocation_sites(*a.profile);
  if (top != 0 && sites.size() > top) t.set_not_shown(not_shown_text(sites.size() - top, "allocation sites", kTopOption));
  for (std::size_t k = 0; k < sites.size() && (top == 0 || k < top); ++k) {
    const auto& s = sites[k];
    t.add_row({format_bytes(s.totals.inuse_bytes), format_count(s.totals.inuse_objects), format_bytes(s.totals.alloc_bytes),
               ratio(s.totals), format_count(s.stacks), single_line(analyzer::describe_alloc_site(*a.profile, s))});
  }
  return t;
}

Table threads_table(const analyzer::Analysis& a, std::size_t top) {
  Table t({{"in use", Align::Right}, {"objects", Align::Right}, {"allocated", Align::Right}, {"ratio", Align::Right},
           {"thread"}});
  const auto& threads = a.summary.no_context_threads;
  if (top != 0 && threads.size() > top) t.set_not_shown(not_shown_text(threads.size() - top, "threads", kTopOption));
  for (std::size_t k = 0; k < threads.size() && (top == 0 || k < top); ++k) {
    const analyzer::ThreadCounters& th = threads[k];
    t.add_row({format_bytes(th.counters.inuse_bytes()), format_count(th.counters.inuse_objects()),
               format_bytes(th.counters.alloc_bytes),
               th.counters.alloc_bytes == 0 ? std::string("-") : analyzer::format_share(analyzer::inuse_ratio(th.counters)),
               single_line(analyzer::describe_thread(th))});
  }
  return t;
}

Table call_tree_table(const analyzer::Analysis& a, std::size_t top, analyzer::FrameDetail frames) {
  Table t({{"in use", Align::Right}, {"self", Align::Right}, {"allocated", Align::Right}, {"ratio", Align::Right},
           {"call tree (callers above callees, ≥ 1 % of in use)"}});
  const auto nodes = analyzer::call_tree(*a.profile, 0, frames);
  const auto rows = call_tree_rows(nodes, top == 0 ? 0 : top * 2);
  if (const std::size_t all = top == 0 ? rows.size() : call_tree_rows(nodes, 0).size(); all > rows.size())
    t.set_not_shown(not_shown_text(all - rows.size(), "call-tree nodes", kTopOption));
  for (const analyzer::Index n : rows) {
    const auto& node = nodes[n];
    const std::string& name = node.name;
    t.add_row({format_bytes(node.cumulative.inuse_bytes), format_bytes(node.self.inuse_bytes),
               format_bytes(node.cumulative.alloc_bytes), ratio(node.cumulative),
               std::string(2 * (node.depth - 1), ' ') + single_line(name)});
  }
  return t;
}

Table alloc_growth_table(const analyzer::SeriesAnalysis& series, std::size_t top) {
  std::vector<const analyzer::Profile*> profiles;
  for (const auto& s : series.snapshots) profiles.push_back(s.profile.get());
  Table t({{"trend"}, {"first", Align::Right}, {"last", Align::Right}, {"last change", Align::Right}, {"allocation site"}});
  for (const auto& g : analyzer::site_growth(profiles, top)) {
    t.add_row({std::string(analyzer::to_string(g.trend)), format_bytes(g.inuse_bytes.front()),
               format_bytes(g.inuse_bytes.back()), signed_bytes(g.last_delta_bytes), single_line(g.site)},
              g.trend == analyzer::SiteTrend::Growing ? kYellow : std::string_view{});
  }
  return t;
}

Table alloc_diff_table(const analyzer::Analysis& before, const analyzer::Analysis& after, std::size_t top,
                       analyzer::FrameDetail frames) {
  const analyzer::AllocationDiff d = analyzer::diff_allocation_stacks(*before.profile, *after.profile, frames, top);
  if (goroutine_diff(before, after)) {
    // Goroutine profiles count goroutines (no bytes): the stacks whose count changed.
    Table t({{"before", Align::Right}, {"after", Align::Right}, {"change", Align::Right}, {"goroutine stack (leaf end)"}});
    for (const auto& s : d.stacks) {
      const std::int64_t delta = s.delta_inuse_objects();
      if (delta == 0) continue;
      t.add_row({format_count(s.before.inuse_objects), format_count(s.after.inuse_objects),
                 (delta > 0 ? "+" : "-") + format_count(static_cast<std::uint64_t>(std::llabs(delta))),
                 single_line(path_tail(s.path(), 4))},
                delta > 0 ? kRed : kGreen);
    }
    return t;
  }
  Table t({{"before", Align::Right}, {"after", Align::Right}, {"change", Align::Right}, {"stack (leaf end)"}});
  for (const auto& s : d.stacks) {
    if (s.delta_inuse_bytes() == 0) continue;
    t.add_row({format_bytes(s.before.inuse_bytes), format_bytes(s.after.inuse_bytes), signed_bytes(s.delta_inuse_bytes()),
               single_line(path_tail(s.path(), 4))},
              s.delta_inuse_bytes() > 0 ? kRed : kGreen);
  }
  return t;
}

}  // namespace ctxheap::report::detail
