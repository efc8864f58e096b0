// Markdown: tables line up in the source, and names cannot inject markup.
#include <gtest/gtest.h>

#include <sstream>

#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

/// Positions of unescaped '|' in a table line.
std::vector<std::size_t> pipes(const std::string& line) {
  std::vector<std::size_t> at;
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // count code points
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) at.push_back(column);
    ++column;
  }
  return at;
}

/// Checks every table of a document; returns how many there are.
int check_tables(const std::string& md) {
  std::istringstream in(md);
  std::vector<std::size_t> expected;
  int tables = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '|') {
      expected.clear();
      continue;
    }
    if (expected.empty()) {
      expected = pipes(line);
      ++tables;
      continue;
    }
    EXPECT_EQ(pipes(line), expected) << line;
  }
  return tables;
}

TEST(MarkdownWriter, EveryTableLinesUp) {
  LeakShape shape;
  shape.server_name = "a|b \u00e9t\u00e9 `x`";
  shape.ended_with_memory = 2;
  const Analysis before = analyze(leak_profile(shape));
  const Analysis after = analyze(fixed_profile());
  const ProfileDiff d = diff(before, after);
  // The leak alone: summary, stale entries, retained after cancel, parents, sites,
  // allocation sites, call tree.
  EXPECT_EQ(check_tables(write(report::Format::Markdown, report::ReportSubject::of(before))), 7);
  // The diff: its totals, sites, parents and allocation stacks, then the fixed
  // snapshot's summary, sites, allocation sites and call tree.
  EXPECT_EQ(check_tables(write(report::Format::Markdown, report::ReportSubject::of(before, after, d))), 8);
}

TEST(MarkdownWriter, EscapesMarkupInNames) {
  LeakShape shape;
  shape.server_name = "<script>alert(1)</script> *bold* [link](x) `code`";
  const Analysis a = analyze(leak_profile(shape));
  const std::string md = write(report::Format::Markdown, report::ReportSubject::of(a));
  for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1))
    EXPECT_TRUE(at > 0 && md[at - 1] == '\\') << md.substr(at, 20);
  EXPECT_EQ(md.find("*bold*"), std::string::npos);
  EXPECT_EQ(md.find("[link]"), std::string::npos);
  EXPECT_NE(md.find("\\<script>alert(1)\\</script>"), std::string::npos);
}

TEST(MarkdownWriter, HasTheSuspectAndSections) {
  const Analysis a = analyze(leak_profile());
  const std::string md = write(report::Format::Markdown, report::ReportSubject::of(a));
  EXPECT_NE(md.find("## Leak suspects\n\n1. Context #16"), std::string::npos) << md;
  EXPECT_NE(md.find("## Top parents by subtree in use"), std::string::npos);
  EXPECT_NE(md.find("### Stale child entries: 150, the 5 largest"), std::string::npos);
}

}  // namespace
