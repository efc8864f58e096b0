// The context tree as a table whose rows fold: largest subtrees first, ratio bars, stale
// entries marked with their reason.
#include <ostream>

#include "common/describe.hpp"
#include "common/escape.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/outline.hpp"
#include "ctxheap/report/selection.hpp"
#include "html/html_parts.hpp"

namespace ctxheap::report::detail {
namespace {

using analyzer::format_bytes;
using analyzer::format_count;

void open_row(std::ostream& out, std::uint32_t depth, std::string_view css_class) {
  out << "<tr data-depth=\"" << depth << '"';
  if (!css_class.empty()) out << " class=\"" << css_class << '"';
  out << "><td style=\"padding-left:" << 8 + 18 * depth << "px\">";
}

void context_row(std::ostream& out, const analyzer::Analysis& a, const TreeRow& row) {
  const auto& n = a.node(row.context);
  const auto& c = a.context(row.context);
  open_row(out, row.depth, n.stale ? "stale" : "");
  out << (n.children != 0 ? "<span class=\"tog\"></span>" : "<span class=\"tog\" style=\"visibility:hidden\"></span>");
  out << html_escape(analyzer::describe_context(a, row.context));
  if (n.stale) {
    const auto& f = a.findings.stale[a.findings.stale_of_context[row.context]];
    out << "<span class=\"badge\">stale: " << html_escape(reasons_text(f.reasons)) << "</span>";
  }
  out << "</td><td>" << html_escape(analyzer::to_string(c.kind)) << "</td><td>" << html_escape(analyzer::to_string(c.state))
      << "</td><td>" << html_escape(analyzer::to_string(n.edge)) << "</td><td class=\"num\">"
      << html_escape(format_count(n.registered_children)) << "</td><td class=\"num\">"
      << html_escape(format_count(n.stale_children)) << "</td><td class=\"num\">" << html_escape(format_bytes(n.self.inuse_bytes()))
      << "</td><td class=\"num\">" << html_escape(format_bytes(n.subtree.inuse_bytes())) << "</td><td class=\"num\">"
      << html_escape(format_bytes(n.subtree.alloc_bytes)) << "</td><td>" << ratio_bar(analyzer::inuse_ratio(n.subtree))
      << "</td><td><code>" << html_escape(analyzer::describe_site(*a.profile, a.site_of(row.context)))
      << "</code></td></tr>\n";
}

void summary_row(std::ostream& out, const TreeRow& row) {
  open_row(out, row.depth, "more");
  out << "<span class=\"tog\" style=\"visibility:hidden\"></span>";
  if (row.hidden_children == 0) {
    out << html_escape(not_shown_text(row.hidden_contexts, "contexts", kTreeRowsOption)) << "</td><td colspan=\"10\"></td></tr>\n";
    return;
  }
  out << "\u2026 " << html_escape(format_count(row.hidden_children)) << " more children ("
      << html_escape(format_count(row.hidden_contexts)) << " contexts)</td><td></td><td></td><td></td><td></td>"
      << "<td class=\"num\">" << html_escape(format_count(row.hidden_stale)) << "</td><td></td><td class=\"num\">"
      << html_escape(format_bytes(row.hidden_subtree.inuse_bytes())) << "</td><td class=\"num\">"
      << html_escape(format_bytes(row.hidden_subtree.alloc_bytes)) << "</td><td>"
      << ratio_bar(analyzer::inuse_ratio(row.hidden_subtree)) << "</td><td></td></tr>\n";
}

}  // namespace

void write_context_tree(std::ostream& out, const analyzer::Analysis& a, const ReportOptions& o) {
  out << "<div class=\"tools\"><input id=\"filter\" type=\"search\" placeholder=\"filter contexts\">"
         "<button id=\"expand\" type=\"button\">expand all</button>"
         "<button id=\"collapse\" type=\"button\">collapse all</button></div>\n";
  out << "<div class=\"scroll\"><table id=\"tree\">\n<thead><tr><th>context</th><th>kind</th><th>state</th><th>edge</th>"
         "<th class=\"num\">registered</th><th class=\"num\">stale</th><th class=\"num\">self in use</th>"
         "<th class=\"num\">subtree in use</th><th class=\"num\">subtree allocated</th><th>in use / allocated</th>"
         "<th>created at</th></tr></thead>\n<tbody>\n";
  for (const TreeRow& row : select_tree(a, o.tree_rows, o.tree_children, o.tree_depth)) {
    if (row.context == analyzer::kNoIndex) {
      summary_row(out, row);
    } else {
      context_row(out, a, row);
    }
  }
  out << "</tbody></table></div>\n";
}

}  // namespace ctxheap::report::detail
