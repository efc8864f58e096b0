// HTML: one self-contained page — no external reference of any kind — and every string
// from the profile escaped.
#include <gtest/gtest.h>

#include <regex>

#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

constexpr const char* kEvil = "<script>alert(1)</script>\"quoted\" 'single' & <b>bold</b>";

LeakShape evil_shape() {
  LeakShape shape;
  shape.server_name = kEvil;
  shape.child_name = kEvil;
  shape.function = std::string("f<T>(\"") + kEvil + "\")";
  shape.ended_with_memory = 2;
  return shape;
}

/// The leak with hostile names, alone or diffed against the same leak fixed (so the
/// names appear on both sides).
std::string evil_report(bool with_diff) {
  const Analysis leak = analyze(leak_profile(evil_shape()));
  if (!with_diff) return write(report::Format::Html, report::ReportSubject::of(leak));
  LeakShape fixed = evil_shape();
  fixed.requests = 0;
  fixed.pid = 43;
  const Analysis after = analyze(leak_profile(fixed));
  const ProfileDiff d = diff(leak, after);
  return write(report::Format::Html, report::ReportSubject::of(leak, after, d));
}

TEST(HtmlWriter, HasNoExternalReference) {
  for (bool with_diff : {false, true}) {
  const std::string html = evil_report(with_diff);
  for (const char* banned : {"http:", "https:", "//", "src=", "href=", "@import", "url(", "<link", "<iframe", "<img",
                             "fetch(", "XMLHttpRequest", "<object", "<embed"})
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  }
}

TEST(HtmlWriter, EscapesEveryNameAndQuote) {
  for (bool with_diff : {false, true}) {
  const std::string html = evil_report(with_diff);
  // Exactly one script element: the page's own.
  std::size_t scripts = 0;
  for (std::size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) ++scripts;
  EXPECT_EQ(scripts, 1u);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(html.find("\"quoted\""), std::string::npos);
  EXPECT_EQ(html.find("'single'"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;quoted&quot; &#39;single&#39; &amp; &lt;b&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("f&lt;T&gt;(&quot;&lt;script&gt;"), std::string::npos);
  }
}

TEST(HtmlWriter, HasSummarySuspectsChartAndTree) {
  const std::string html = evil_report(false);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* part : {"class=\"cards\"", "id=\"suspects\"", "<ol class=\"suspects\">", "<svg", "<rect",
                           "id=\"tree\"", "class=\"bar\"", "class=\"stale\"", "</html>"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
}

TEST(HtmlWriter, CallTreeKeepsItsIndentation) {
  const Analysis a = analyze(leak_profile());
  const std::string html = write(report::Format::Html, report::ReportSubject::of(a));
  // Leading spaces in a cell collapse unless the cell keeps white space.
  EXPECT_NE(html.find("h2#call-tree+table td:last-child{white-space:pre}"), std::string::npos);
  const auto section = html.find("<h2 id=\"call-tree\">");
  ASSERT_NE(section, std::string::npos);
  const std::string heading = "<h2 id=\"call-tree\">Call tree by in use</h2>\n<table>";  // the CSS's "+table"
  EXPECT_EQ(html.compare(section, heading.size(), heading), 0);
  EXPECT_NE(html.find("<td>    make_body(int)</td>", section), std::string::npos);
}

TEST(HtmlWriter, CallTreeShowsNeighbouringInstantiationsAsOneCall) {
  const Analysis a = analyze(pool_profile());
  const std::string html = write(report::Format::Html, report::ReportSubject::of(a));
  const auto section = html.find("<h2 id=\"call-tree\">");
  ASSERT_NE(section, std::string::npos);
  const std::string grow = "<td>    Pool&lt;…&gt;::grow(unsigned long)</td>";
  const auto at = html.find(grow, section);
  ASSERT_NE(at, std::string::npos) << html.substr(section, 2000);
  EXPECT_EQ(html.find("Pool&lt;…&gt;::grow", at + grow.size()), std::string::npos);  // one call, not a call to itself
}

TEST(HtmlWriter, DiffSectionListsTheFixedGroup) {
  const std::string html = evil_report(true);
  EXPECT_NE(html.find("id=\"diff\""), std::string::npos);
  EXPECT_NE(html.find("<li class=\"fixed\">Fixed: "), std::string::npos);
}

TEST(HtmlWriter, TreeRowsAreBoundedWithAMoreRow) {
  const Analysis a = analyze(leak_profile());
  report::ReportOptions options;
  options.tree_children = 4;
  const std::string html = write(report::Format::Html, report::ReportSubject::of(a), options);
  const std::regex row("<tr data-depth=\"2\"");
  const auto rows = std::distance(std::sregex_iterator(html.begin(), html.end(), row), std::sregex_iterator());
  EXPECT_EQ(rows, 5);  // four children and one "more" row under the server
  EXPECT_NE(html.find("296 more children"), std::string::npos);
}

}  // namespace
