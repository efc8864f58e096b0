// The one report outline: the text, Markdown and HTML writers render the same sections in
// the same order under the same headings, and say the same thing when there is nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ctxheap/report/outline.hpp"
#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

// Each heading's position in `text`, searched in order; fails at the first one missing
// or out of order.
void expect_in_order(const std::string& text, const std::vector<std::string>& headings, const char* writer) {
  std::size_t at = 0;
  for (const std::string& h : headings) {
    const std::size_t found = text.find(h, at);
    ASSERT_NE(found, std::string::npos) << writer << ": \"" << h << "\" missing or out of order";
    at = found + h.size();
  }
}

// What every writer must show of the outline: the sections that are not drawn and not
// empty, and the finding kinds.
std::vector<std::string> written_headings(const report::ReportSubject& subject, bool with_drawn) {
  std::vector<std::string> out;
  const Analysis& a = *subject.analysis;
  for (const report::Section& s : report::report_outline(subject)) {
    if (s.drawn && !with_drawn) continue;
    if (s.part == report::Part::Growth && a.growth.empty()) continue;
    if (s.part == report::Part::CallTree || s.part == report::Part::AllocationSites || s.part == report::Part::AllocationGrowth ||
        s.part == report::Part::Threads)
      continue;  // tables left out when they have no rows (checked by the writers' own tests)
    out.push_back(s.heading);
    if (s.part == report::Part::Diff)
      for (const report::DiffSection& d : report::diff_outline(*subject.diff))
        if (d.part == report::DiffPart::Groups || d.part == report::DiffPart::Totals) out.push_back(d.heading);
    if (s.part == report::Part::Findings)
      for (const report::FindingSection& f : report::findings_outline(a, 5)) out.push_back(f.heading);
  }
  return out;
}

TEST(ReportOutline, TextMarkdownAndHtmlRenderTheSameSectionsInTheSameOrder) {
  const Analysis a = analyze(leak_profile());
  const auto subject = report::ReportSubject::of(a);
  const auto headings = written_headings(subject, false);
  ASSERT_GE(headings.size(), 8u);
  expect_in_order(write(report::Format::Text, subject), headings, "text");
  expect_in_order(write(report::Format::Markdown, subject), headings, "markdown");
  expect_in_order(write(report::Format::Html, subject), written_headings(subject, true), "html");
}

TEST(ReportOutline, TheDiffHasTheSamePartsInEveryWriter) {
  const Analysis before = analyze(leak_profile());
  const Analysis after = analyze(fixed_profile());
  const ProfileDiff d = diff(before, after);
  const auto subject = report::ReportSubject::of(before, after, d);
  std::vector<std::string> parts;
  for (const report::DiffSection& s : report::diff_outline(d)) parts.push_back(s.heading);
  ASSERT_EQ(parts.front(), "Stale groups: 1 fixed, 0 new, 0 persisting");
  // Every part with rows appears in all three, in the outline's order.
  for (const auto format : {report::Format::Text, report::Format::Markdown, report::Format::Html}) {
    const std::string text = write(format, subject);
    std::vector<std::string> shown;
    for (const std::string& p : parts)
      if (text.find(p) != std::string::npos) shown.push_back(p);
    EXPECT_GE(shown.size(), 3u) << text;
    expect_in_order(text, shown, "diff");
  }
  const std::string text = write(report::Format::Text, subject);
  const std::string html = write(report::Format::Html, subject);
  for (const std::string& p : parts) EXPECT_EQ(text.find(p) != std::string::npos, html.find(p) != std::string::npos) << p;
}

TEST(ReportOutline, NoSuspectIsSaidInOneWording) {
  const Analysis a = analyze(fixed_profile());
  const std::string none(report::no_suspects_text(a));
  EXPECT_EQ(none, "None: no stale child entries");
  for (const auto format : {report::Format::Text, report::Format::Markdown, report::Format::Html})
    EXPECT_NE(write(format, report::ReportSubject::of(a)).find(none), std::string::npos) << report::to_string(format);
}

TEST(ReportOutline, SourceIsDescribedInOneWording) {
  Profile p = leak_profile();
  p.meta.source_format = SourceFormat::CtxheapSnapshot;
  p.meta.source_format_version = 1;
  EXPECT_EQ(report::source_description(p), "ctxheap snapshot v1, exact counters, allocation stacks sampled every 512.0 KiB");
  const Analysis a = analyze(std::move(p));
  for (const auto format : {report::Format::Text, report::Format::Markdown, report::Format::Html})
    EXPECT_NE(write(format, report::ReportSubject::of(a)).find("ctxheap snapshot v1, exact counters"), std::string::npos);
}

}  // namespace
