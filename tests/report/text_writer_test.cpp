// Terminal text: the leak named first, aligned tables, colour only when asked.
#include <gtest/gtest.h>

#include <sstream>

#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TextWriter, NamesTheSuspectInOneSentenceBeforeTheNumbers) {
  const Analysis a = analyze(leak_profile());
  const std::string text = write(report::Format::Text, report::ReportSubject::of(a));
  const auto suspects = text.find("Leak suspects\n  1. Context #16 \"server\" (created at main main.cpp:42) holds 150 "
                                  "uncancelled children created at handle_request(int) handler.cpp:88");
  ASSERT_NE(suspects, std::string::npos) << text;
  EXPECT_LT(suspects, text.find("Summary"));
  EXPECT_NE(text.find("Stale child entries: 150, the 5 largest"), std::string::npos) << text;
}

TEST(TextWriter, TheNoContextHeapIsListedByThreadLargestInUseFirst) {
  Profile p = leak_profile();
  p.totals.no_context_threads = {{101, "io-1", false, {10, 1000, 10, 1000}},
                                 {102, "cache-loader", true, {500, 900000, 100, 100000}},
                                 {0, "", false, {40, 4000, 0, 0}}};
  const Analysis a = analyze(std::move(p));
  const std::string text = write(report::Format::Text, report::ReportSubject::of(a));
  const auto section = text.find("Heap with no context, by thread");
  ASSERT_NE(section, std::string::npos) << text;
  const auto loader = text.find("cache-loader (tid 102, exited)", section);
  const auto others = text.find("threads after the first 64", section);
  const auto io = text.find("io-1 (tid 101)", section);
  ASSERT_NE(loader, std::string::npos) << text;
  EXPECT_LT(loader, others);
  EXPECT_LT(others, io);
  EXPECT_NE(text.find("781.2 KiB", section), std::string::npos) << text;  // 800,000 B in use
  // Without thread figures (other inputs) the section is left out.
  const std::string plain = write(report::Format::Text, report::ReportSubject::of(analyze(leak_profile())));
  EXPECT_EQ(plain.find("Heap with no context, by thread"), std::string::npos);
}

TEST(TextWriter, TableColumnsLineUp) {
  const Analysis a = analyze(leak_profile());
  const auto lines = lines_of(write(report::Format::Text, report::ReportSubject::of(a)));
  // In "Top creation sites", every row's right-aligned "in use" column ends where the header's does.
  std::size_t header = 0;
  for (; header < lines.size(); ++header)
    if (lines[header] == "Top creation sites by in use") break;
  ASSERT_LT(header + 2, lines.size());
  const std::string& head = lines[header + 1];
  const std::size_t end = head.find("in use") + std::string("in use").size();
  for (std::size_t r = header + 2; r < lines.size() && !lines[r].empty(); ++r) {
    ASSERT_GT(lines[r].size(), end) << lines[r];
    EXPECT_EQ(lines[r][end], ' ') << lines[r];
    EXPECT_NE(lines[r][end - 1], ' ') << lines[r];
  }
}

TEST(TextWriter, ColourOnlyWhenAsked) {
  const Analysis a = analyze(leak_profile());
  report::ReportOptions options;
  EXPECT_EQ(write(report::Format::Text, report::ReportSubject::of(a), options).find('\033'), std::string::npos);
  options.color = true;
  EXPECT_NE(write(report::Format::Text, report::ReportSubject::of(a), options).find("\033[1;31m"), std::string::npos);
}

/// The "Call tree by in use" section of a text report, header line excluded.
std::vector<std::string> call_tree_lines(const std::string& text) {
  const auto lines = lines_of(text);
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < lines.size() && lines[at] != "Call tree by in use") ++at;
  for (at += 2; at < lines.size() && !lines[at].empty(); ++at) out.push_back(lines[at]);
  return out;
}

TEST(TextWriter, CallTreeFoldsAllocatorFramesUnlessAllFramesAreAsked) {
  const Analysis a = analyze(leak_profile());
  const auto folded = call_tree_lines(write(report::Format::Text, report::ReportSubject::of(a)));
  ASSERT_FALSE(folded.empty());
  for (const std::string& line : folded) EXPECT_EQ(line.find("operator new"), std::string::npos) << line;
  EXPECT_NE(folded.back().find("    make_body(int)"), std::string::npos) << folded.back();  // main > handle_request > make_body
  report::ReportOptions all;
  all.frames = ctxheap::analyzer::FrameDetail::All;
  const auto every = call_tree_lines(write(report::Format::Text, report::ReportSubject::of(a), all));
  ASSERT_EQ(every.size(), folded.size() + 1);
  EXPECT_NE(every.back().find("      operator new(unsigned long)"), std::string::npos) << every.back();
}

TEST(TextWriter, CallTreeShowsNeighbouringInstantiationsAsOneCall) {
  const Analysis a = analyze(pool_profile());
  const auto lines = call_tree_lines(write(report::Format::Text, report::ReportSubject::of(a)));
  ASSERT_EQ(lines.size(), 3u);  // main > open_session > Pool<…>::grow, once
  EXPECT_NE(lines[2].find("    Pool<…>::grow(unsigned long)"), std::string::npos) << lines[2];
  for (const std::string& line : lines) EXPECT_EQ(line.find("std::"), std::string::npos) << line;
}

TEST(TextWriter, NegativeControlSaysNoSuspects) {
  const Analysis a = analyze(fixed_profile());
  const std::string text = write(report::Format::Text, report::ReportSubject::of(a));
  EXPECT_NE(text.find("Leak suspects\n  None: no stale child entries"), std::string::npos) << text;
}

TEST(TextWriter, DiffListsTheFixedGroupAndTotals) {
  const Analysis before = analyze(leak_profile());
  const Analysis after = analyze(fixed_profile());
  const ProfileDiff d = diff(before, after);
  const std::string text = write(report::Format::Text, report::ReportSubject::of(before, after, d));
  EXPECT_NE(text.find("Stale groups: 1 fixed, 0 new, 0 persisting"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  Fixed: "), std::string::npos) << text;
  EXPECT_NE(text.find("stale entries"), std::string::npos) << text;
  EXPECT_NE(text.find("-150"), std::string::npos) << text;
}

TEST(TextWriter, ControlCharactersInNamesCannotBreakLines) {
  LeakShape shape;
  shape.server_name = "evil\nname\rwith\x1b[31mcontrols";
  const Analysis a = analyze(leak_profile(shape));
  const std::string text = write(report::Format::Text, report::ReportSubject::of(a));
  EXPECT_EQ(text.find("evil\n"), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
}

}  // namespace
