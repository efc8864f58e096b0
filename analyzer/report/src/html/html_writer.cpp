// One self-contained HTML page: summary, suspects, the diff, a chart of the top parents,
// the context tree, findings and tables. Inline CSS/JS/SVG only; a Content-Security-
// Policy forbids every fetch; every string from the profile is escaped.
#include <ostream>

#include "common/describe.hpp"
#include "common/diff_sides.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/writers.hpp"
#include "html/html_parts.hpp"

namespace ctxheap::report {
namespace {

using analyzer::Analysis;
using analyzer::format_bytes;
using analyzer::format_count;
using detail::html_escape;

void card(std::ostream& out, std::string_view value, std::string_view label, std::string_view css_class = {}) {
  out << "<div class=\"card" << (css_class.empty() ? "" : " ") << css_class << "\"><b>" << html_escape(value)
      << "</b><span>" << html_escape(label) << "</span></div>\n";
}

void write_head(std::ostream& out, const Analysis& a, const ReportOptions& o) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"" << html_escape(o.generator) << "\">\n"
      << "<title>" << html_escape("ctxheap report: " + a.profile->meta.program) << "</title>\n<style>"
      << detail::html_style() << "</style>\n</head>\n<body>\n";
}

void write_header(std::ostream& out, const Analysis& a) {
  const auto& s = a.summary;
  out << "<h1>" << html_escape("ctxheap report: " + detail::snapshot_title(*a.profile)) << "</h1>\n";
  out << "<p class=\"meta\"><code>" << html_escape(a.profile->meta.source_path) << "</code>: "
      << html_escape(detail::source_description(*a.profile)) << "</p>\n<div class=\"cards\">\n";
  card(out, format_count(s.contexts), "contexts (" + format_count(s.live) + " live)");
  card(out, format_bytes(s.heap_inuse_bytes), "in use of " + format_bytes(s.heap_alloc_bytes) + " allocated");
  card(out, format_count(s.stale), "stale child entries", s.stale == 0 ? "good" : "bad");
  card(out, format_bytes(s.stale_retained.bytes), "retained by stale entries", s.stale == 0 ? "good" : "bad");
  card(out, format_count(s.suspects), "leak suspects", s.suspects == 0 ? "good" : "bad");
  out << "</div>\n";
}

void write_suspects(std::ostream& out, const Analysis& a) {
  out << "<h2 id=\"suspects\">Leak suspects</h2>\n";
  if (a.suspects.empty()) {
    out << "<p class=\"none\">None: "
        << (a.stale_groups.empty() ? "no stale child entries." : "no group of stale entries is large enough to be a suspect.")
        << "</p>\n";
    return;
  }
  out << "<ol class=\"suspects\">\n";
  for (const auto& s : a.suspects) out << "<li>" << html_escape(s.sentence) << "</li>\n";
  out << "</ol>\n";
}

void write_diff(std::ostream& out, const ReportSubject& s, const ReportOptions& o) {
  const Analysis& before = *s.before;
  const Analysis& after = *s.analysis;
  const auto& d = *s.diff;
  out << "<h2 id=\"diff\">Diff</h2>\n<p class=\"meta\">before: <code>" << html_escape(before.profile->meta.source_path)
      << "</code> " << html_escape(detail::snapshot_title(*before.profile)) << "<br>after: <code>"
      << html_escape(after.profile->meta.source_path) << "</code> " << html_escape(detail::snapshot_title(*after.profile))
      << "<br>" << html_escape(detail::match_mode_text(d.mode)) << "</p>\n";
  out << "<h3>" << html_escape(detail::diff_groups_heading(d)) << "</h3>\n<ul>\n";
  for (const auto& g : d.groups)
    out << "<li class=\"" << html_escape(analyzer::to_string(g.change)) << "\">" << html_escape(g.sentence) << "</li>\n";
  if (d.groups.empty()) out << "<li>none on either side</li>\n";
  out << "</ul>\n";
  detail::diff_totals_table(before, after, d).write_html(out);
  out << "<h3>Creation sites by change in use</h3>\n";
  detail::diff_sites_table(before, after, d, o.top).write_html(out);
  out << "<h3>Parents by change in subtree in use</h3>\n";
  detail::diff_parents_table(before, after, d, o.top).write_html(out);
}

template <class Finding>
void sentence_list(std::ostream& out, const Analysis& a, const std::vector<Finding>& found, std::size_t n) {
  if (n == 0) return;
  out << "<ul>\n";
  for (std::size_t k = 0; k < n; ++k) out << "<li>" << html_escape(analyzer::describe(a, found[k])) << "</li>\n";
  out << "</ul>\n";
}

void write_findings(std::ostream& out, const Analysis& a, const ReportOptions& o) {
  const auto& f = a.findings;
  out << "<h2 id=\"findings\">Findings</h2>\n";
  const std::size_t stale = detail::listed(f.stale.size(), o.findings);
  out << "<h3>" << html_escape(detail::kind_heading("Stale child entries", f.stale.size(), stale)) << "</h3>\n";
  if (stale != 0) detail::stale_table(a, stale).write_html(out);
  const std::size_t rac = detail::listed(f.retained_after_cancel.size(), o.findings);
  out << "<h3>" << html_escape(detail::kind_heading("Retained after cancel", f.retained_after_cancel.size(), rac)) << "</h3>\n";
  if (rac != 0) detail::retained_after_cancel_table(a, rac).write_html(out);
  const std::size_t blocked = detail::listed(f.blocked_waiters.size(), o.findings);
  out << "<h3>" << html_escape(detail::kind_heading("Blocked waiters", f.blocked_waiters.size(), blocked)) << "</h3>\n";
  sentence_list(out, a, f.blocked_waiters, blocked);
  if (a.series_length > 1) {
    const std::size_t growing = detail::listed(f.unbounded_children.size(), o.findings);
    out << "<h3>" << html_escape(detail::kind_heading("Growing children sets", f.unbounded_children.size(), growing))
        << "</h3>\n";
    sentence_list(out, a, f.unbounded_children, growing);
  }
}

void table_section(std::ostream& out, std::string_view id, std::string_view heading, const detail::Table& table) {
  if (table.empty()) return;
  out << "<h2 id=\"" << id << "\">" << html_escape(heading) << "</h2>\n";
  table.write_html(out);
}

}  // namespace

void write_html(std::ostream& out, const ReportSubject& subject, const ReportOptions& o) {
  const Analysis& a = *subject.analysis;
  write_head(out, a, o);
  write_header(out, a);
  write_suspects(out, a);
  if (subject.has_diff()) write_diff(out, subject, o);
  out << "<h2 id=\"chart\">Top parents: in use versus allocated</h2>\n";
  detail::write_parents_chart(out, a, o.top);
  out << "<h2 id=\"context-tree\">Context tree</h2>\n<p class=\"meta\">Contexts hang under the context whose children set "
         "holds them (edge <code>registered</code>) or, when registered nowhere, under the one they were derived "
         "from (<code>created_from</code>). Largest subtrees first.</p>\n";
  detail::write_context_tree(out, a, o);
  write_findings(out, a, o);
  table_section(out, "parents", "Top parents by subtree in use", detail::parents_table(a, o.top));
  table_section(out, "sites", "Top creation sites by in use", detail::sites_table(a, o.top));
  table_section(out, "growth", "Growth over " + std::to_string(a.series_length) + " snapshots", detail::growth_table(a, o.top));
  table_section(out, "alloc-sites", "Top allocation sites by in use", detail::alloc_sites_table(a, o.top));
  table_section(out, "call-tree", "Call tree by in use", detail::call_tree_table(a, o.top, o.frames));
  if (subject.series != nullptr) {
    table_section(out, "alloc-growth",
                  "Allocation sites over " + std::to_string(subject.series->snapshots.size()) + " snapshots",
                  detail::alloc_growth_table(*subject.series, o.top));
    table_section(out, "snapshots", "Snapshots", detail::series_table(*subject.series));
  }
  if (!a.warnings.empty()) {
    out << "<h2 id=\"warnings\">Warnings</h2>\n<ul>\n";
    for (const auto& w : a.warnings) out << "<li>" << html_escape(w) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<p class=\"meta\">" << html_escape("Generated by " + o.generator) << ".</p>\n<script>" << detail::html_script()
      << "</script>\n</body>\n</html>\n";
}

}  // namespace ctxheap::report
