// ctxheap diff end to end: the handler_leak suspect is fixed in handler_fixed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace {

using namespace ctxheap_test;

std::string snap(const std::string& sample, int n = 2) { return sh_quote(sample_snapshot(sample, n)); }

TEST(DiffCommand, ListsTheHandlerLeakSuspectAsFixed) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "diff " + snap("handler_leak") + " " + snap("handler_fixed"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("contexts matched by creation path (different runs)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Stale groups: 1 fixed, 0 new, 0 persisting"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  Fixed: #16 \"server\" (created at main handler_leak.cpp:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20,000 stale children created at handle_request("), std::string::npos) << r.out;
}

TEST(DiffCommand, JsonDiffCountsTheFix) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "diff --format json " + snap("handler_leak") + " " + snap("handler_fixed"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "diff");
  EXPECT_EQ(j["diff"]["fixed"], 1);
  EXPECT_EQ(j["diff"]["groups"][0]["change"], "fixed");
  EXPECT_EQ(j["diff"]["groups"][0]["entries"]["before"], 20000);
}

TEST(DiffCommand, SameRunMatchesByIdAndShowsGrowth) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "diff " + snap("handler_leak", 1) + " " + snap("handler_leak", 2));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("contexts matched by id (same run)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 persisting"), std::string::npos) << r.out;
}

TEST(DiffCommand, ProfileFormatsAreUsageErrors) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "diff -f pprof -o d.pb.gz " + snap("handler_leak") + " " + snap("handler_fixed"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "d.pb.gz"));
}

}  // namespace
