// Reports stay bounded whatever the input's shape: a valid 2 MB snapshot whose forest is a
// chain 400,000 contexts deep (every link a stale entry in its own group, each retaining
// the rest of the chain) gives reports of a few kilobytes that say how much they left out,
// with exact totals, in bounded memory; under an address-space limit the CLI exits 0 or 2,
// never dies of an exception crossing a noexcept frame, and leaves no temporary file.
// Every run goes through the built ctxheap binary, in a child process.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "deep_chain_snapshot.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ctxheap_test::TempDir;

constexpr std::uint64_t kLinks = 400'000;
// Documented in docs/reliability.md: the default reports of the 400k chain stay under
// 64 KiB, and the CLI's peak RSS under 512 MiB (about 1.3 KiB per context: the model, the
// forest, one finding and one stale group per link; the report itself adds nothing that grows).
constexpr std::uintmax_t kMaxReportBytes = 64 * 1024;
constexpr long kMaxPeakRssKiB = 512 * 1024;

struct CliRun {
  bool exited = false;
  int code = -1;        ///< exit status, or the signal that ended it
  long max_rss_kib = 0;  ///< the child's peak resident set (wait4's rusage)
  std::string err;
};

/// Runs ctxheap with `args` in `dir`, standard output to `stdout_path`, optionally under an
/// RLIMIT_AS of `address_space` bytes.
CliRun run_cli(const TempDir& dir, const std::vector<std::string>& args, const fs::path& stdout_path,
            rlim_t address_space = RLIM_INFINITY) {
  const fs::path err_path = dir / ".stderr";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (address_space != RLIM_INFINITY) {
      const rlimit limit{address_space, address_space};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    if (::chdir(dir.path().c_str()) != 0) ::_exit(126);
    const std::string out = stdout_path.string();
    const std::string errp = err_path.string();
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(errp.c_str(), "w", stderr)) ::_exit(126);
    std::vector<char*> argv;
    std::string program = CTXHEAP_CLI;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  CliRun run;
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) return run;
  run.exited = WIFEXITED(status);
  run.code = run.exited ? WEXITSTATUS(status) : WTERMSIG(status);
  run.max_rss_kib = usage.ru_maxrss;
  std::ifstream in(err_path);
  std::stringstream text;
  text << in.rdbuf();
  run.err = text.str();
  fs::remove(err_path);
  return run;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

/// Names in `dir` other than the ones listed.
std::vector<std::string> other_files(const TempDir& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) names.push_back(name);
  }
  return names;
}

/// The 400k chain, written once for the suite (about 2 MB, a few seconds).
class DeepChain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("ctxheap-deep-chain");
    facts_ = ctxheap_test::write_deep_chain_snapshot(dir_->path() / "chain.ctxheap", kLinks);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string snapshot() { return (dir_->path() / "chain.ctxheap").string(); }

  static TempDir* dir_;
  static ctxheap_test::DeepChainFacts facts_;
  TempDir work_{"ctxheap-bounded"};
};

TempDir* DeepChain::dir_ = nullptr;
ctxheap_test::DeepChainFacts DeepChain::facts_{};

TEST_F(DeepChain, TheSnapshotIsSmallAndEveryLinkIsAStaleEntry) {
  EXPECT_LT(fs::file_size(snapshot()), 4u << 20);
  EXPECT_EQ(facts_.stale, kLinks);
}

TEST_F(DeepChain, JsonReportIsBoundedSaysWhatItLeftOutAndKeepsTotalsExactInBoundedMemory) {
  const fs::path out = work_ / "report.json";
  const CliRun run = run_cli(work_, {"report", "-f", "json", "-o", out.string(), snapshot()}, work_ / "stdout");
  ASSERT_TRUE(run.exited) << "killed by signal " << run.code;
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_LT(fs::file_size(out), kMaxReportBytes);
  EXPECT_LT(run.max_rss_kib, kMaxPeakRssKiB);
  const Json j = Json::parse(read_file(out));
  // Totals: exact.
  EXPECT_EQ(j["summary"]["contexts"], facts_.contexts);
  EXPECT_EQ(j["summary"]["stale"], kLinks);
  EXPECT_EQ(j["summary"]["stale_groups"], kLinks);
  EXPECT_EQ(j["findings"]["stale_child"]["count"], kLinks);
  // Lists: cut at the defaults, each saying how many it left out.
  EXPECT_EQ(j["findings"]["stale_child"]["items"].size(), 5u);
  EXPECT_EQ(j["stale_groups"].size(), 5u);
  EXPECT_EQ(j["not_shown"]["stale_groups"], kLinks - 5);
  EXPECT_EQ(j["suspects"].size(), 20u);
  const std::uint64_t suspects = j["summary"]["suspects"];
  EXPECT_GT(suspects, 390'000u);  // every link retaining >= 1 % of the heap
  EXPECT_EQ(j["not_shown"]["suspects"], suspects - 20);
  EXPECT_LE(j["parents"].size(), 10u);
  EXPECT_EQ(j["not_shown"]["parents"].get<std::uint64_t>() + j["parents"].size(), kLinks);  // server + links but the last
  EXPECT_EQ(other_files(work_, {"report.json", "stdout"}), std::vector<std::string>{});
}

TEST_F(DeepChain, TextMarkdownAndHtmlReportsAreBoundedAndSayHowManyMoreAreNotShown) {
  for (const std::string format : {"text", "md", "html"}) {
    SCOPED_TRACE(format);
    const fs::path out = work_ / ("report." + format);
    const CliRun run = run_cli(work_, {"report", "-f", format, "-o", out.string(), snapshot()}, work_ / "stdout");
    ASSERT_TRUE(run.exited) << "killed by signal " << run.code;
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_LT(fs::file_size(out), kMaxReportBytes + (format == "html" ? 64 * 1024 : 0));  // HTML: its own script and style
    const std::string text = read_file(out);
    EXPECT_NE(text.find("more leak suspects not shown (--max-suspects all lists them)"), std::string::npos);
    EXPECT_NE(text.find("399,995 more stale child entries not shown (--findings all lists them)"), std::string::npos);
    EXPECT_NE(text.find("400,000"), std::string::npos) << "the exact count of stale entries";
    EXPECT_NE(text.find("more parents not shown (--top all lists them)"), std::string::npos);
    if (format == "html") {
      // The context tree stops at --tree-depth (64): the rest of the chain is one row.
      EXPECT_NE(text.find("1 more children (399,9"), std::string::npos);
    }
  }
}

TEST_F(DeepChain, CheckListsTheFirstGroupsCountsAllAndItsBaselineHoldsEveryGroup) {
  const fs::path baseline = work_ / "baseline.json";
  const CliRun run = run_cli(work_, {"check", "--color", "never", "--write-baseline", baseline.string(), snapshot()},
                          work_ / "check.txt");
  ASSERT_TRUE(run.exited) << "killed by signal " << run.code;
  EXPECT_EQ(run.code, 1) << run.err;
  const std::string text = read_file(work_ / "check.txt");
  EXPECT_LT(count_lines(text), 30u);
  EXPECT_NE(text.find("400,000 stale child entries"), std::string::npos) << text;
  EXPECT_NE(text.find("399,990 more stale groups not shown (--top all lists them)"), std::string::npos) << text;

  // The baseline is never cut: with it, every one of the 400,000 entries is known.
  const CliRun again = run_cli(work_, {"check", "--color", "never", "--baseline", baseline.string(), snapshot()},
                            work_ / "again.txt");
  ASSERT_TRUE(again.exited);
  EXPECT_EQ(again.code, 0) << again.err;
  const std::string known = read_file(work_ / "again.txt");
  EXPECT_NE(known.find("0 stale child entries"), std::string::npos) << known;
  EXPECT_NE(known.find("400,000 entries in groups known to the baseline not counted"), std::string::npos) << known;
}

TEST_F(DeepChain, AJsonReportWhoseGroupsWereCutIsRefusedAsABaseline) {
  const fs::path report = work_ / "report.json";
  ASSERT_EQ(run_cli(work_, {"report", "-f", "json", "-o", report.string(), snapshot()}, work_ / "stdout").code, 0);
  const CliRun run = run_cli(work_, {"check", "--baseline", report.string(), snapshot()}, work_ / "stdout");
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("--write-baseline"), std::string::npos) << run.err;
}

// Under a 1 GiB address space the default report succeeds (its peak is about 330 MB).
// Under less, reading, analysing or writing runs out of memory somewhere: exit 2 with one
// line. Never a signal (SIGABRT from std::terminate: a std::bad_alloc crossing a noexcept
// destructor), never a temporary file left next to the output.
TEST_F(DeepChain, UnderAnAddressSpaceLimitTheReportExitsZeroOrTwoAndLeavesNoTemporaryFile) {
  struct Case {
    rlim_t limit;
    std::vector<std::string> extra;
    bool must_succeed;
  };
  const std::vector<Case> cases = {
      {1ull << 30, {}, true},          {128ull << 20, {}, false}, {192ull << 20, {}, false},
      {256ull << 20, {}, false},       {320ull << 20, {}, false},
      {320ull << 20, {"--findings", "all"}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.limit >> 20) + " MiB, " + std::to_string(c.extra.size()) + " extra args");
    const fs::path out = work_ / "report.json";
    std::vector<std::string> args{"report", "-f", "json", "-o", out.string()};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    args.push_back(snapshot());
    const CliRun run = run_cli(work_, args, work_ / "stdout", c.limit);
    ASSERT_TRUE(run.exited) << "killed by signal " << run.code << "; stderr: " << run.err;
    if (c.must_succeed) {
      EXPECT_EQ(run.code, 0) << run.err;
    }
    if (run.code == 0) {
      EXPECT_TRUE(Json::accept(read_file(out)));
      EXPECT_EQ(other_files(work_, {"report.json", "stdout"}), std::vector<std::string>{});
    } else {
      EXPECT_EQ(run.code, 2);
      EXPECT_EQ(count_lines(run.err), 1u) << run.err;
      EXPECT_EQ(other_files(work_, {"stdout"}), std::vector<std::string>{});
    }
    fs::remove(out);
  }
}

TEST(BoundedReport, FindingsAllAndMaxSuspectsAllListEverythingOnASmallInput) {
  TempDir dir("ctxheap-bounded-small");
  const fs::path snap = dir / "small.ctxheap";
  constexpr std::uint64_t links = 30;
  ctxheap_test::write_deep_chain_snapshot(snap, links, 1);
  const fs::path out = dir / "all.json";
  const CliRun run = run_cli(dir, {"report", "-f", "json", "--findings", "all", "--max-suspects", "all", "--top", "all",
                                "-o", out.string(), snap.string()},
                          dir / "stdout");
  ASSERT_EQ(run.code, 0) << run.err;
  const Json j = Json::parse(read_file(out));
  EXPECT_EQ(j["stale_groups"].size(), links);
  EXPECT_EQ(j["findings"]["stale_child"]["items"].size(), links);
  EXPECT_EQ(j["suspects"].size(), j["summary"]["suspects"].get<std::size_t>());
  EXPECT_EQ(j["parents"].size(), links);  // the server and every link but the last
  EXPECT_TRUE(j["not_shown"].empty()) << j["not_shown"].dump();

  const CliRun text = run_cli(dir, {"report", "--findings", "all", "--max-suspects", "all", "--top", "all", snap.string()},
                           dir / "all.txt");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(read_file(dir / "all.txt").find("not shown"), std::string::npos);

  // By default the same input is cut, and says so.
  const CliRun cut = run_cli(dir, {"report", snap.string()}, dir / "cut.txt");
  ASSERT_EQ(cut.code, 0) << cut.err;
  EXPECT_NE(read_file(dir / "cut.txt").find("25 more stale child entries not shown (--findings all lists them)"),
            std::string::npos);
}

TEST(BoundedReport, ALimitThatIsNeitherACountNorAllIsOneLineAndExitTwo) {
  TempDir dir("ctxheap-bounded-flags");
  const fs::path snap = dir / "small.ctxheap";
  ctxheap_test::write_deep_chain_snapshot(snap, 3, 1);
  for (const std::string flag : {"--findings", "--top", "--max-suspects", "--tree-depth"}) {
    SCOPED_TRACE(flag);
    const CliRun run = run_cli(dir, {"report", flag, "many", snap.string()}, dir / "stdout");
    EXPECT_EQ(run.code, 2);
    EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  }
}

}  // namespace
