// Bad input and bad usage: exit 2, exactly one line on stderr ("ctxheap: <reason>"),
// no stack trace, and no output file (not even a temporary one) left behind.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>

#include "cli_test_support.hpp"

namespace {

using namespace ctxheap_test;

/// Makes each kind of bad input in `dir`; returns their names.
std::vector<std::string> make_bad_inputs(const TempDir& dir) {
  std::filesystem::create_directory(dir / "a_directory");
  std::ofstream(dir / "empty.ctxheap");
  const std::string good = read_text(sample_snapshot("handler_leak", 2));
  std::ofstream(dir / "truncated.ctxheap", std::ios::binary) << good.substr(0, good.size() / 3);
  std::string magic = good;
  magic[0] ^= 0x5a;
  magic[1] ^= 0x5a;
  std::ofstream(dir / "wrong_magic.ctxheap", std::ios::binary) << magic;
  std::ofstream(dir / "text.ctxheap") << "heap profile?\nnot really\n";
  return {"missing.ctxheap", "a_directory", "empty.ctxheap", "truncated.ctxheap", "wrong_magic.ctxheap", "text.ctxheap"};
}

void expect_one_line_failure(const CliRun& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.out << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << what << "\n" << r.err;
  EXPECT_EQ(lines[0].rfind("ctxheap: ", 0), 0u) << what << ": " << lines[0];
  EXPECT_GT(lines[0].size(), std::string("ctxheap: ").size() + 5) << what;
}

TEST(BadInput, EveryCommandExitsTwoWithOneLineAndNoOutputFile) {
  TempDir dir;
  const auto inputs = make_bad_inputs(dir);
  const auto before = files_in(dir);
  const std::string good = sh_quote(sample_snapshot("handler_fixed", 2));
  for (const auto& bad : inputs) {
    const std::string in = sh_quote(bad);
    for (const std::string& args : {"report -o out.html " + in, "report -o out.json " + in + " " + good,
                                    "check " + in, "convert " + in + " -o out.pb.gz",
                                    "diff -o out.md " + in + " " + good, "diff -o out.md " + good + " " + in}) {
      const CliRun r = run_ctxheap(dir, args);
      expect_one_line_failure(r, args);
      EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
      EXPECT_EQ(files_in(dir), before) << args;
    }
  }
}

// Every input format cut at every tenth of its length. A ctxheap snapshot and a gzipped
// profile cut short are always rejected; a raw proto or a text profile cut at a record
// boundary is a shorter valid file and may load. Either way: exit 2 with one line and no
// output file, or exit 0 with the report written; never a crash.
TEST(BadInput, EveryFormatCutAtEveryTenthFailsWithOneLineOrLoadsWhatIsThere) {
  TempDir dir;
  const std::pair<const char*, bool> formats[] = {
      {"v1-small.ctxheap", true}, {"go-heap.pb.gz", true}, {"go-heap.pb", false}, {"gperftools-heap-profiler.heap", false}};
  for (const auto& [file, must_fail] : formats) {
    const std::string whole = read_text(std::filesystem::path(CTXHEAP_FORMAT_DATA) / file);
    ASSERT_GT(whole.size(), 100u) << file;
    for (int tenth = 1; tenth < 10; ++tenth) {
      const std::string name = std::to_string(tenth * 10) + "pct-" + file;
      std::ofstream(dir / name, std::ios::binary) << whole.substr(0, whole.size() * tenth / 10);
      const auto before = files_in(dir);
      const CliRun r = run_ctxheap(dir, "report -o out.json " + sh_quote(name));
      if (must_fail || r.exit_code != 0) {
        expect_one_line_failure(r, name);
        EXPECT_EQ(files_in(dir), before) << name;
      } else {
        EXPECT_TRUE(std::filesystem::remove(dir / "out.json")) << name;
      }
    }
  }
}

TEST(BadInput, FutureVersionAndWrongCompressionFlagAreRejected) {
  TempDir dir;
  const std::string whole = read_text(std::filesystem::path(CTXHEAP_FORMAT_DATA) / "v1-small.ctxheap");
  ASSERT_EQ(whole.substr(1, 7), "CTXHEAP");
  std::string future = whole;
  future[8] = 99;  // version, little-endian u32 after the 8-byte magic
  std::ofstream(dir / "future.ctxheap", std::ios::binary) << future;
  std::string flag = whole;
  flag[12] ^= 1;  // the zstd flag: the body says otherwise
  std::ofstream(dir / "flag.ctxheap", std::ios::binary) << flag;
  const auto before = files_in(dir);
  const CliRun f = run_ctxheap(dir, "report -o out.html future.ctxheap");
  expect_one_line_failure(f, "future version");
  EXPECT_NE(f.err.find("newer"), std::string::npos) << f.err;
  const CliRun c = run_ctxheap(dir, "report -o out.html flag.ctxheap");
  expect_one_line_failure(c, "wrong compression flag");
  EXPECT_EQ(files_in(dir), before);
}

TEST(BadInput, MessagesSayWhatIsWrong) {
  TempDir dir;
  make_bad_inputs(dir);
  EXPECT_NE(run_ctxheap(dir, "report missing.ctxheap").err.find("missing.ctxheap"), std::string::npos);
  EXPECT_NE(run_ctxheap(dir, "report empty.ctxheap").err.find("empty"), std::string::npos);
  EXPECT_NE(run_ctxheap(dir, "report truncated.ctxheap").err.find("truncated"), std::string::npos);
  EXPECT_NE(run_ctxheap(dir, "report wrong_magic.ctxheap").err.find("wrong_magic.ctxheap"), std::string::npos);
}

TEST(BadInput, StandardInputIsNamedAndLeavesNothingBehind) {
  TempDir dir;
  make_bad_inputs(dir);
  const auto before = files_in(dir);
  const CliRun r = run_ctxheap(dir, "report -o out.html -", (dir / "wrong_magic.ctxheap").string());
  expect_one_line_failure(r, "stdin");
  EXPECT_NE(r.err.find("<stdin>"), std::string::npos) << r.err;
  EXPECT_EQ(files_in(dir), before);
}

TEST(BadInput, UsageErrorsExitTwoWithOneLine) {
  TempDir dir;
  const std::string good = sh_quote(sample_snapshot("handler_leak", 2));
  for (const std::string& args :
       {std::string(""), std::string("frobnicate"), std::string("report"), "report --no-such-option " + good,
        "report --format yaml " + good, "report --idle 5parsecs " + good, "check --max-retained lots " + good,
        "check --max-stale -1 " + good, "diff " + good, "report --color=sometimes " + good,
        "report -o /no/such/dir/out.html " + good, "report -o . " + good}) {
    const CliRun r = run_ctxheap(dir, args);
    expect_one_line_failure(r, args);
  }
  EXPECT_TRUE(files_in(dir).empty());
}

}  // namespace

namespace {

// A file name carrying a terminal title sequence (ESC ] ... BEL), a raw 8-bit CSI and a
// RIGHT-TO-LEFT OVERRIDE reaches the error line escaped, in visible_text's notation.
TEST(BadInput, ErrorLinesShowTerminalEscapesInFileNamesEscaped) {
  TempDir dir;
  const std::string name = "evil\x1b]0;owned\x07\x9b" "2J\xe2\x80\xae" "txt.ctxheap";
  std::ofstream(dir / name) << "not a snapshot";
  const CliRun r = run_ctxheap(dir, "report " + sh_quote(name));
  expect_one_line_failure(r, "escaped name");
  EXPECT_NE(r.err.find("evil\\x1B]0;owned\\x07\\x9B2J\\u{202E}txt.ctxheap"), std::string::npos) << r.err;
  for (char c : {'\x1b', '\x07', '\x9b'}) EXPECT_EQ(r.err.find(c), std::string::npos);
  EXPECT_EQ(r.err.find("\xe2\x80\xae"), std::string::npos);
}

}  // namespace
