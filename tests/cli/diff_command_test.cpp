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

/// The text from the allocation-stacks heading on.
std::string stacks_section(const std::string& out) {
  const std::size_t at = out.find("Allocation stacks by change in use");
  return at == std::string::npos ? std::string() : out.substr(at);
}

TEST(DiffCommand, AllocationStackDeltasFoldLibraryFramesUnlessAllFrames) {
  if (!allocations_counted(sample_snapshot("handler_leak", 2))) GTEST_SKIP() << "no allocations counted (sanitizer build)";
  TempDir dir;
  const CliRun folded = run_ctxheap(dir, "diff " + snap("handler_leak", 1) + " " + snap("handler_leak", 2));
  ASSERT_EQ(folded.exit_code, 0) << folded.err;
  const std::string section = stacks_section(folded.out);
  ASSERT_FALSE(section.empty()) << folded.out;
  // The request bodies' growth, in the user's frames: no std::vector or allocator internals.
  EXPECT_NE(section.find("main;handle_request(ctxheap::Context const&, int)"), std::string::npos) << section;
  EXPECT_EQ(section.find("std::"), std::string::npos) << section;
  EXPECT_EQ(section.find("operator new"), std::string::npos) << section;
  EXPECT_EQ(section.find("tcmalloc"), std::string::npos) << section;

  const CliRun all = run_ctxheap(dir, "diff --all-frames " + snap("handler_leak", 1) + " " + snap("handler_leak", 2));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(stacks_section(all.out).find("std::allocator<char>"), std::string::npos) << all.out;

  // The JSON diff is the same answer.
  const CliRun json = run_ctxheap(dir, "diff --format json " + snap("handler_leak", 1) + " " + snap("handler_leak", 2));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  ASSERT_FALSE(j["diff"]["allocation_sites"].empty());
  EXPECT_EQ(j["diff"]["allocation_sites"][0]["path"], "main;handle_request(ctxheap::Context const&, int)");
}

TEST(DiffCommand, ProfileFormatsAreUsageErrors) {
  TempDir dir;
  const CliRun r = run_ctxheap(dir, "diff -f pprof -o d.pb.gz " + snap("handler_leak") + " " + snap("handler_fixed"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "d.pb.gz"));
}

}  // namespace
