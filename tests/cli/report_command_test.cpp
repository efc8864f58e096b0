// ctxheap report and convert end to end: formats by flag and by file name, stdin and
// stdout, series, atomic output, --help and --version.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "schema_validator.hpp"

namespace {

using namespace ctxheap_test;

std::string snap(const std::string& sample, int n = 2) { return sh_quote(sample_snapshot(sample, n)); }

TEST(ReportCommand, TextNamesTheLeakInOneSentence) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "report " + snap("handler_leak"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("Leak suspects\n  1. Context #16 \"server\" (created at main handler_leak.cpp:"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find('\033'), std::string::npos);  // not a terminal: no colour
}

TEST(ReportCommand, ColourWhenForced) {
  TempDir dir;
  EXPECT_NE(run_ctxheap(dir, "report --color=always " + snap("handler_leak")).out.find("\033[1;31m"), std::string::npos);
}

TEST(ReportCommand, FormatFollowsTheOutputName) {
  TempDir dir;
  const std::string in = snap("handler_leak");
  for (const char* name : {"r.json", "r.md", "r.html", "r.folded", "r.pb.gz", "r.txt"})
    ASSERT_EQ(run_ctxheap(dir, "report -o " + std::string(name) + " " + in).exit_code, 0) << name;
  const auto errors = validate_json(report_schema(), nlohmann::json::parse(read_text(dir / "r.json")));
  for (const auto& e : errors) ADD_FAILURE() << e;
  EXPECT_EQ(read_text(dir / "r.md").rfind("# ctxheap report: handler", 0), 0u);
  EXPECT_EQ(read_text(dir / "r.html").rfind("<!DOCTYPE html>", 0), 0u);
  if (allocations_counted(sample_snapshot("handler_leak", 2))) {
    EXPECT_NE(read_text(dir / "r.folded").find(";main;handle_request("), std::string::npos);
  }
  EXPECT_EQ(read_text(dir / "r.pb.gz").substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(read_text(dir / "r.txt").rfind("ctxheap report: ", 0), 0u);
  // --format wins over the name.
  ASSERT_EQ(run_ctxheap(dir, "report --format json -o x.html " + in).exit_code, 0);
  EXPECT_EQ(read_text(dir / "x.html").front(), '{');
}

TEST(ReportCommand, ReadsStandardInputAndNamesIt) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "report -", sample_snapshot("handler_leak", 2));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  <stdin>: ctxheap snapshot"), std::string::npos) << r.out;
  EXPECT_EQ(files_in(dir).size(), 0u);
}

// Standard input is streamed, never copied: with no usable temporary directory a
// snapshot, a gzipped pprof profile and a gperftools dump piped in are still read (a
// temporary copy would fail to be created), and as a series member too.
TEST(ReportCommand, ReadsStandardInputWithoutATemporaryCopy) {
  TempDir dir;
  const std::filesystem::path data = CTXHEAP_FORMAT_DATA;
  const std::string env = "TMPDIR=" + sh_quote((dir / "no-such-dir").string()) + " ";
  const std::string cli = env + sh_quote(CTXHEAP_CLI);
  for (const std::string& input : {sample_snapshot("handler_leak", 2), (data / "go-heap.pb.gz").string(),
                                  (data / "gperftools-heap-profiler.heap").string()}) {
    const std::string cmd = cli + " report -f json -o " + sh_quote((dir / "out.json").string()) + " - < " + sh_quote(input);
    EXPECT_EQ(std::system(cmd.c_str()), 0) << input;
    EXPECT_NE(read_text(dir / "out.json").find("\"<stdin>\""), std::string::npos) << input;
    std::filesystem::remove(dir / "out.json");
  }
  const std::string series = cli + " report -o " + sh_quote((dir / "out.txt").string()) + " " +
                             sh_quote(sample_snapshot("handler_leak", 1)) + " - < " + sh_quote(sample_snapshot("handler_leak", 2));
  EXPECT_EQ(std::system(series.c_str()), 0);
  EXPECT_NE(read_text(dir / "out.txt").find("<stdin>"), std::string::npos);
  std::filesystem::remove(dir / "out.txt");
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(ReportCommand, SeriesShowsGrowth) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "report " + snap("handler_leak", 2) + " " + snap("handler_leak", 1));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("the set grew by 10,000 since the previous snapshot"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Growth over 2 snapshots"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10,000 -> 20,000"), std::string::npos) << r.out;
}

TEST(ReportCommand, SnapshotsOfDifferentRunsAreNotASeries) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "report " + snap("handler_leak") + " " + snap("handler_fixed"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
}

TEST(ReportCommand, AnalysisThresholdsAreOptions) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "report --format json --idle 0 --suspect-entries 50000 --suspect-share 101% " + snap("handler_leak"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["options"]["idle_threshold_ns"], 0);
  EXPECT_EQ(j["options"]["suspect_min_entries"], 50000);
  EXPECT_TRUE(j["suspects"].empty());
  EXPECT_EQ(j["summary"]["stale"], 20000);
}

TEST(ConvertCommand, WritesPprofFoldedAndJson) {
  TempDir dir;
  const std::string in = snap("handler_leak");
  EXPECT_EQ(run_ctxheap(dir, "convert " + in + " -o out.pb.gz").exit_code, 0);
  EXPECT_EQ(read_text(dir / "out.pb.gz").substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(run_ctxheap(dir, "convert " + in + " -o out.folded").exit_code, 0);
  EXPECT_EQ(run_ctxheap(dir, "convert " + in + " --format json -o -").out.front(), '{');
  const CliRun text = run_ctxheap(dir, "convert " + in + " -o out.txt");
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.txt"));
  EXPECT_EQ(run_ctxheap(dir, "convert " + in).exit_code, 2);  // -o is required
}

TEST(ReportCommand, OutputIsReplacedWholeOrNotAtAll) {
  TempDir dir;
  std::ofstream(dir / "keep.html") << "previous report";
  std::ofstream(dir / "bad.ctxheap") << "not a snapshot at all";
  EXPECT_EQ(run_ctxheap(dir, "report -o keep.html bad.ctxheap").exit_code, 2);
  EXPECT_EQ(read_text(dir / "keep.html"), "previous report");
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"bad.ctxheap", "keep.html"}));
  EXPECT_EQ(run_ctxheap(dir, "report -o keep.html " + snap("handler_leak")).exit_code, 0);
  EXPECT_EQ(read_text(dir / "keep.html").rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"bad.ctxheap", "keep.html"}));
}

TEST(Cli, HelpAndVersionExitZero) {
  TempDir dir;
  const CliRun help = run_ctxheap(dir, "--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"report", "diff", "check", "convert"}) EXPECT_NE(help.out.find(command), std::string::npos);
  const CliRun check_help = run_ctxheap(dir, "check --help");
  EXPECT_EQ(check_help.exit_code, 0);
  EXPECT_NE(check_help.out.find("--max-stale"), std::string::npos) << check_help.out;
  const CliRun version = run_ctxheap(dir, "--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("ctxheap " CTXHEAP_VERSION, 0), 0u) << version.out;
}

}  // namespace
