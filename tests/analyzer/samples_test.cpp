// End to end: the sample programs run under the collector, and the analyzer names the
// leak in handler_leak and fanout_leak, and nothing in the negative controls.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap_test;
namespace fmt = ctxheap::format;

/// Runs a sample once; returns the path prefix of its numbered snapshots.
std::string run_sample(const TempDir& dir, const std::string& name) {
  const std::string prefix = (dir / name).string();
  const std::string cmd = std::string(CTXHEAP_SAMPLES_DIR "/") + name + " --out " + prefix + " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return prefix;
}

std::string snapshot(const std::string& prefix, int n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", n);
  return prefix + suffix;
}

std::string_view name_of(const Analysis& a, Index context) { return a.profile->str(a.context(context).name); }
std::string_view function_of(const Analysis& a, Index site) { return a.profile->str(a.sites[site].function); }

TEST(SampleAnalysis, HandlerLeakIsFlaggedWithItsParentSiteAndRetainedBytes) {
  TempDir dir;
  const std::string path = snapshot(run_sample(dir, "handler_leak"), 2);
  const Analysis a = analyze(load_profile(path));
  ASSERT_FALSE(a.suspects.empty());
  const StaleGroup& top = a.stale_groups[a.suspects[0].group];
  ASSERT_NE(top.registrar, kNoIndex);
  EXPECT_EQ(name_of(a, top.registrar), "server");
  EXPECT_EQ(function_of(a, top.site).substr(0, 15), "handle_request(");
  EXPECT_EQ(top.entries, 20000u);
  EXPECT_EQ(top.cancel_dropped, 20000u);

  // The collector's exact counters, read without the analyzer: each stale child's own
  // in-use bytes plus its request.body value context's.
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::uint64_t expected = 0;
  std::size_t children = 0;
  for (const auto& c : snap.contexts) {
    if (c.registered_under_id != a.context(top.registrar).id) continue;
    ++children;
    expected += c.alloc_bytes - c.freed_bytes;
    for (const auto& v : snap.contexts)
      if (v.id == c.parent_id && snap.strings.at(v.name) == "request.body") expected += v.alloc_bytes - v.freed_bytes;
  }
  EXPECT_EQ(children, 20000u);
  EXPECT_GT(expected, 20000u * 4096);
  EXPECT_NEAR(static_cast<double>(top.retained.bytes), static_cast<double>(expected), 0.10 * static_cast<double>(expected));

  const std::string& sentence = a.suspects[0].sentence;
  const std::string holder = "Context #" + std::to_string(a.context(top.registrar).id) + " \"server\" (created at main handler_leak.cpp:";
  EXPECT_EQ(sentence.rfind(holder, 0), 0u) << sentence;
  EXPECT_NE(sentence.find("holds 20,000 uncancelled children created at handle_request(ctxheap::Context const&, int) handler_leak.cpp:"),
            std::string::npos)
      << sentence;
  EXPECT_NE(sentence.find("whose cancel was dropped; they retain "), std::string::npos) << sentence;
}

TEST(SampleAnalysis, HandlerLeakSeriesSaysTheSetGrewBy10000) {
  TempDir dir;
  const std::string prefix = run_sample(dir, "handler_leak");
  const SeriesAnalysis s = analyze_series(load_series({snapshot(prefix, 1), snapshot(prefix, 2)}));
  const Analysis& latest = s.latest();
  ASSERT_FALSE(latest.suspects.empty());
  EXPECT_NE(latest.suspects[0].sentence.find("; the set grew by 10,000 since the previous snapshot."), std::string::npos)
      << latest.suspects[0].sentence;
  ASSERT_EQ(latest.findings.unbounded_children.size(), 1u);
  const ParentGrowth& g = latest.growth[latest.findings.unbounded_children[0].growth];
  EXPECT_EQ(name_of(latest, g.context), "server");
  EXPECT_EQ(g.verdict, GrowthVerdict::Growing);
  EXPECT_EQ(g.last_children_delta, 10000);
}

TEST(SampleAnalysis, NegativeControlsGiveNoSuspects) {
  TempDir dir;
  const struct {
    const char* name;
    int snapshots;
  } controls[] = {{"handler_fixed", 2}, {"timeout_ok", 2}, {"cache_bounded", 3}};
  for (const auto& control : controls) {
    const std::string prefix = run_sample(dir, control.name);
    for (int n = 1; n <= control.snapshots; ++n) {
      const Analysis a = analyze(load_profile(snapshot(prefix, n)));
      EXPECT_TRUE(a.suspects.empty()) << control.name << " #" << n << ": " << a.suspects[0].sentence;
      EXPECT_TRUE(a.findings.stale.empty()) << control.name << " #" << n;
      EXPECT_TRUE(a.findings.retained_after_cancel.empty()) << control.name << " #" << n;
    }
  }
}

TEST(SampleAnalysis, CacheBoundedPlateausWhileHandlerLeakGrows) {
  TempDir dir;
  const std::string cache = run_sample(dir, "cache_bounded");
  const SeriesAnalysis s = analyze_series(load_series({snapshot(cache, 1), snapshot(cache, 2), snapshot(cache, 3)}));
  const Analysis& latest = s.latest();
  const ParentGrowth* service = nullptr;
  for (const ParentGrowth& g : latest.growth)
    if (name_of(latest, g.context) == "cache-service") service = &g;
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->verdict, GrowthVerdict::Plateau);
  EXPECT_TRUE(latest.findings.unbounded_children.empty());
  EXPECT_TRUE(latest.suspects.empty());
}

TEST(SampleAnalysis, DiffOfLeakAndFixedListsTheSuspectAsFixed) {
  TempDir dir;
  const Analysis leak = analyze(load_profile(snapshot(run_sample(dir, "handler_leak"), 2)));
  const Analysis fixed = analyze(load_profile(snapshot(run_sample(dir, "handler_fixed"), 2)));
  const ProfileDiff d = diff(leak, fixed);
  EXPECT_EQ(d.mode, MatchMode::ByCreationPath);
  ASSERT_EQ(d.count(GroupChange::Fixed), 1u);
  EXPECT_EQ(d.count(GroupChange::New), 0u);
  const StaleGroupDelta& g = d.groups[0];
  EXPECT_EQ(g.change, GroupChange::Fixed);
  EXPECT_TRUE(g.suspect_before);
  EXPECT_EQ(g.before, leak.suspects[0].group);
  EXPECT_EQ(g.entries_before, 20000u);
  EXPECT_EQ(g.sentence.rfind("Fixed: #", 0), 0u) << g.sentence;
  EXPECT_NE(g.sentence.find("\"server\""), std::string::npos) << g.sentence;
  EXPECT_NE(g.sentence.find("handle_request("), std::string::npos) << g.sentence;
  EXPECT_EQ(d.stale_after, 0u);
}

TEST(SampleAnalysis, FanoutLeakShowsEightBlockedWorkers) {
  TempDir dir;
  const Analysis a = analyze(load_profile(snapshot(run_sample(dir, "fanout_leak"), 2)));
  EXPECT_EQ(a.findings.blocked_waiters.size(), 8u);
  EXPECT_EQ(a.summary.blocked_waiter_threads, 8u);
  ASSERT_FALSE(a.suspects.empty());
  const StaleGroup& g = a.stale_groups[a.suspects[0].group];
  EXPECT_EQ(name_of(a, g.registrar), "job");
  EXPECT_EQ(function_of(a, g.site).substr(0, 13), "start_worker(");
  EXPECT_EQ(g.waiters, 8u);
  EXPECT_NE(a.suspects[0].sentence.find("8 threads are blocked on their done()"), std::string::npos) << a.suspects[0].sentence;
}

}  // namespace
