// Folded stacks: every line is "frame;...;frame value", the root is the context's name.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

struct Line {
  std::vector<std::string> frames;
  std::uint64_t value = 0;
};

std::vector<Line> parse(const std::string& text) {
  std::vector<Line> lines;
  std::istringstream in(text);
  const std::regex shape("^(.+) ([0-9]+)$");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, shape)) << line;
    if (m.empty()) continue;
    Line l;
    l.value = std::stoull(m[2]);
    std::string frames = m[1];
    for (std::size_t start = 0;;) {
      const std::size_t end = frames.find(';', start);
      l.frames.push_back(frames.substr(start, end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    lines.push_back(l);
  }
  return lines;
}

TEST(FoldedWriter, LinesParseAndSumToTheSites) {
  const Analysis a = analyze(leak_profile());
  const auto lines = parse(write(report::Format::Folded, report::ReportSubject::of(a)));
  ASSERT_EQ(lines.size(), 2u);  // request.body and <no context> (whose in-use estimate is 1000)
  std::uint64_t total = 0;
  for (const auto& l : lines) {
    total += l.value;
    for (const auto& f : l.frames) EXPECT_FALSE(f.empty());
  }
  EXPECT_EQ(total, 150 * kBody + 1000);
  const auto& body = lines[1].frames[0] == "request.body" ? lines[1] : lines[0];
  EXPECT_EQ(body.frames.front(), "request.body");
  EXPECT_EQ(body.frames[1], "main");  // outermost first
  EXPECT_EQ(body.frames.back(), "operator new(unsigned long)");
  EXPECT_EQ(body.value, 150 * kBody);
}

TEST(FoldedWriter, SampleIndexPicksTheValue) {
  const Analysis a = analyze(leak_profile());
  report::ReportOptions options;
  options.sample_index = report::SampleIndex::AllocObjects;
  const auto lines = parse(write(report::Format::Folded, report::ReportSubject::of(a), options));
  std::uint64_t total = 0;
  for (const auto& l : lines) total += l.value;
  EXPECT_EQ(total, 150u + 2u);
}

TEST(FoldedWriter, SemicolonsAndNewlinesInNamesCannotBreakTheFormat) {
  ProfileBuilder b;
  Context c;
  c.id = 5;
  c.kind = ContextKind::Cancel;
  c.name = b.intern("a;b\nc");
  b.add_context(c);
  const FrameText frames[] = {{"f;g", "x.cpp", 1, "", 0, 0, false}};
  Site s;
  s.context_id = 5;
  s.stack = b.add_stack(std::span<const FrameText>(frames));
  s.estimated = {1, 10, 1, 10};
  b.add_site(s);
  const Analysis odd = analyze(std::move(b).finish());
  const auto lines = parse(write(report::Format::Folded, report::ReportSubject::of(odd)));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].frames, (std::vector<std::string>{"a:b c", "f:g"}));
}

}  // namespace
