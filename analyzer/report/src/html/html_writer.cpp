// One self-contained HTML page: the report outline (ctxheap/report/outline.hpp) with its
// drawn sections — the diff, suspects, summary cards, a chart of the top parents, the
// context tree, findings and tables. Inline CSS/JS/SVG only; a Content-Security-
// Policy forbids every fetch; every string from the profile is escaped.
#include <ostream>

#include "common/diff_sides.hpp"
#include "common/escape.hpp"
#include "common/report_tables.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/outline.hpp"
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
  out << "<h1>" << html_escape(report_title(*a.profile)) << "</h1>\n";
  out << "<p class=\"meta\"><code>" << html_escape(a.profile->meta.source_path) << "</code>: "
      << html_escape(source_description(*a.profile)) << "</p>\n";
}

void heading(std::ostream& out, const Section& s) {
  out << "<h2 id=\"" << s.anchor << "\">" << html_escape(s.heading) << "</h2>\n";
}

// The summary as cards: the headline figures at a glance.
void write_summary(std::ostream& out, const Analysis& a) {
  const auto& s = a.summary;
  out << "<div class=\"cards\">\n";
  card(out, format_count(s.contexts), "contexts (" + format_count(s.live) + " live)");
  card(out, format_bytes(s.heap_inuse_bytes), "in use of " + format_bytes(s.heap_alloc_bytes) + " allocated");
  card(out, format_count(s.stale), "stale child entries", s.stale == 0 ? "good" : "bad");
  card(out, format_bytes(s.stale_retained.bytes), "retained by stale entries", s.stale == 0 ? "good" : "bad");
  card(out, format_count(s.suspects), "leak suspects", s.suspects == 0 ? "good" : "bad");
  out << "</div>\n";
}

void write_suspects(std::ostream& out, const Analysis& a) {
  if (a.suspects.empty()) {
    out << "<p class=\"none\">" << html_escape(no_suspects_text(a)) << ".</p>\n";
    return;
  }
  out << "<ol class=\"suspects\">\n";
  for (const auto& s : a.suspects) out << "<li>" << html_escape(s.sentence) << "</li>\n";
  out << "</ol>\n";
  if (const std::string more = suspects_not_shown(a); !more.empty()) out << "<p class=\"more\">" << html_escape(more) << "</p>\n";
}

void write_diff(std::ostream& out, const ReportSubject& s, const ReportOptions& o) {
  const Analysis& before = *s.before;
  const Analysis& after = *s.analysis;
  const auto& d = *s.diff;
  out << "<p class=\"meta\">before: <code>" << html_escape(before.profile->meta.source_path) << "</code> "
      << html_escape(snapshot_title(*before.profile)) << "<br>after: <code>" << html_escape(after.profile->meta.source_path)
      << "</code> " << html_escape(snapshot_title(*after.profile)) << "<br>" << html_escape(analyzer::match_rule_text(d))
      << "</p>\n";
  for (const DiffSection& part : diff_outline(d, o.findings, detail::goroutine_diff(*s.before, *s.analysis))) {
    if (part.part == DiffPart::Groups) {
      out << "<h3>" << html_escape(part.heading) << "</h3>\n<ul>\n";
      for (std::size_t k = 0; k < part.listed; ++k) {
        const auto& g = d.groups[k];
        out << "<li class=\"" << html_escape(analyzer::to_string(g.change)) << "\">" << html_escape(g.sentence) << "</li>\n";
      }
      if (d.groups.empty()) out << "<li>" << html_escape(kNoDiffGroupsText) << "</li>\n";
      out << "</ul>\n";
      if (!part.not_shown.empty()) out << "<p class=\"more\">" << html_escape(part.not_shown) << "</p>\n";
    } else if (const detail::Table table = detail::diff_section_table(part.part, s, o.top, o.frames); !table.empty()) {
      out << "<h3>" << html_escape(part.heading) << "</h3>\n";
      table.write_html(out);
    }
  }
}

void write_findings(std::ostream& out, const Analysis& a, const ReportOptions& o) {
  for (const FindingSection& kind : findings_outline(a, o.findings)) {
    out << "<h3>" << html_escape(kind.heading) << "</h3>\n";
    if (kind.listed == 0) continue;
    if (const detail::Table table = detail::finding_table(kind.part, a, kind.listed); !table.empty()) table.write_html(out);
    const std::vector<std::string> sentences = detail::finding_sentences(kind.part, a, kind.listed);
    if (!sentences.empty()) {
      out << "<ul>\n";
      for (const std::string& sentence : sentences) out << "<li>" << html_escape(sentence) << "</li>\n";
      out << "</ul>\n";
    }
    if (!kind.not_shown.empty()) out << "<p class=\"more\">" << html_escape(kind.not_shown) << "</p>\n";
  }
}

}  // namespace

void write_html(std::ostream& out, const ReportSubject& subject, const ReportOptions& o) {
  const Analysis& a = *subject.analysis;
  write_head(out, a, o);
  write_header(out, a);
  for (const Section& s : report_outline(subject)) {
    switch (s.part) {
      case Part::Diff:
        heading(out, s);
        write_diff(out, subject, o);
        break;
      case Part::Suspects:
        heading(out, s);
        write_suspects(out, a);
        break;
      case Part::Summary:
        heading(out, s);
        write_summary(out, a);
        break;
      case Part::ParentsChart:
        heading(out, s);
        detail::write_parents_chart(out, a, o.top);
        break;
      case Part::ContextTree:
        heading(out, s);
        out << "<p class=\"meta\">Contexts hang under the context whose children set holds them (edge "
               "<code>registered</code>) or, when registered nowhere, under the one they were derived from "
               "(<code>created_from</code>). Largest subtrees first.</p>\n";
        detail::write_context_tree(out, a, o);
        break;
      case Part::Findings:
        heading(out, s);
        write_findings(out, a, o);
        break;
      case Part::Warnings:
        heading(out, s);
        out << "<ul>\n";
        for (const auto& w : a.warnings) out << "<li>" << html_escape(w) << "</li>\n";
        out << "</ul>\n";
        break;
      default:
        if (const detail::Table table = detail::section_table(s.part, subject, o.top, o.frames); !table.empty()) {
          heading(out, s);
          table.write_html(out);
        }
    }
  }
  out << "<p class=\"meta\">" << html_escape("Generated by " + o.generator) << ".</p>\n<script>" << detail::html_script()
      << "</script>\n</body>\n</html>\n";
}

}  // namespace ctxheap::report
