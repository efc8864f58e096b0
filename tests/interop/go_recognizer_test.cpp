// The Go context-leak recognizer on real Go heap profiles: the shared fixtures (a leak
// and its fix) and the cases under tests/data/go/src (timer-held children of
// Background, a burst that leaves map capacity, a worker pool's map leak).
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

Analysis analyze_file(const std::string& relative) { return analyze(load_profile(data(relative))); }

/// The recognizer's per-site estimates, run on a profile read without it.
std::vector<golang::SiteEstimate> estimates(const std::string& relative) {
  const std::string bytes = interop_test::read_file(data(relative));
  ReadOptions o;
  o.recognize_go_contexts = false;
  Profile p = read_pprof(std::as_bytes(std::span<const char>(bytes)), o);
  EXPECT_TRUE(p.contexts.empty());
  return golang::recognize_context_leaks(p);
}

const golang::SiteEstimate* estimate_for(const std::vector<golang::SiteEstimate>& all, std::string_view function) {
  for (const auto& e : all)
    if (e.function == function) return &e;
  return nullptr;
}

TEST(GoRecognizer, FixtureLeakIsNamedAtItsCreationSiteWithItsChildren) {
  const Analysis a = analyze_file("go/fixtures/leak/heap.pb.gz");
  ASSERT_EQ(a.suspects.size(), 1u);
  const StaleGroup& g = a.stale_groups[a.suspects[0].group];
  // README: 40,000 cancelCtx + 10,000 timerCtx children; every allocation recorded.
  EXPECT_EQ(g.entries, 50'000u);
  EXPECT_EQ(g.never_cancelled, 50'000u);
  EXPECT_EQ(g.timer_held, 0u);
  EXPECT_NE(g.registrar, kNoIndex);
  EXPECT_TRUE(a.context(g.registrar).inferred);
  // "about 64 MB in use" kept alive below the children.
  EXPECT_GT(g.retained.bytes, 60'000'000u);
  EXPECT_LT(g.retained.bytes, 68'000'000u);
  const std::string& sentence = a.suspects[0].sentence;
  EXPECT_NE(sentence.find("holds 50,000 uncancelled children created at main.handleRequestLeaky main.go:"),
            std::string::npos)
      << sentence;
  EXPECT_NE(sentence.find("still in its children set"), std::string::npos) << sentence;
}

TEST(GoRecognizer, FixtureLeakCountsCancelAndTimerChildrenApart) {
  const auto all = estimates("go/fixtures/leak/heap.pb.gz");
  const auto* e = estimate_for(all, "main.handleRequestLeaky");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->retention, golang::Retention::ChildrenMap);
  EXPECT_EQ(e->cancel_contexts, 40'000u);
  EXPECT_EQ(e->timer_contexts, 10'000u);
  // One time.Timer per timerCtx, plus the few growths of the runtime's timer heap.
  EXPECT_GE(e->pending_timers, 10'000u);
  EXPECT_LT(e->pending_timers, 10'100u);
  EXPECT_GT(e->map_bytes, 1'000'000u);  // a map with 50,000 entries
}

TEST(GoRecognizer, FixedFixtureAndTheOneBeforeRequestsHaveNoSuspect) {
  for (const char* file : {"go/fixtures/fixed/heap.pb.gz", "go/fixtures/fixed/heap_before.pb.gz",
                           "go/fixtures/leak/heap_before.pb.gz"}) {
    const Analysis a = analyze_file(file);
    EXPECT_TRUE(a.suspects.empty()) << file << ": " << a.suspects[0].sentence;
    EXPECT_TRUE(a.findings.stale.empty()) << file;
  }
}

TEST(GoRecognizer, ChildrenOfBackgroundAreHeldByTheirTimersOnly) {
  const Analysis a = analyze_file("go/timerleak.heap.pb.gz");
  ASSERT_EQ(a.suspects.size(), 1u);
  const StaleGroup& g = a.stale_groups[a.suspects[0].group];
  EXPECT_EQ(g.registrar_id, 0u);
  EXPECT_EQ(g.timer_held, g.entries);
  // timerleak/main.go makes 20,000 sessions; the profile is sampled (rate 4096).
  EXPECT_GT(g.entries, 17'000u);
  EXPECT_LT(g.entries, 23'000u);
  const std::string& sentence = a.suspects[0].sentence;
  EXPECT_NE(sentence.find("Pending timers hold"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("main.startSession"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("registered in no children set"), std::string::npos) << sentence;
}

TEST(GoRecognizer, BurstThenCancelLeavesMapCapacityNotALeak) {
  const Analysis a = analyze_file("go/burst.heap.pb.gz");
  EXPECT_TRUE(a.suspects.empty());
  EXPECT_TRUE(a.findings.stale.empty());
  std::string warnings;
  for (const auto& w : a.warnings) warnings += w;
  EXPECT_NE(warnings.find("Leftover map capacity, not a leak of children"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("main.handleBurst"), std::string::npos) << warnings;
  const auto all = estimates("go/burst.heap.pb.gz");
  const auto* e = estimate_for(all, "main.handleBurst");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->retention, golang::Retention::LeftoverMapCapacity);
  EXPECT_GT(e->map_slots, 30'000u);  // it held 30,000 children at the peak
}

TEST(GoRecognizer, WorkerPoolChildrenInTheParentsMapAreASuspect) {
  const Analysis a = analyze_file("go/mapleak.heap.pb.gz");
  ASSERT_EQ(a.suspects.size(), 1u);
  const StaleGroup& g = a.stale_groups[a.suspects[0].group];
  // mapleak/main.go: 8,000 jobs, sampled at 8 KiB.
  EXPECT_GT(g.entries, 6'500u);
  EXPECT_LT(g.entries, 9'500u);
  // Each child keeps a 2 KiB result buffer through the value context below it.
  EXPECT_GT(g.retained.bytes, 8'000u * 2048u * 8 / 10);
  EXPECT_NE(a.suspects[0].sentence.find("main.runJob"), std::string::npos);
}

TEST(GoRecognizer, SeriesOfGoProfilesSaysHowMuchTheSetGrew) {
  auto series = load_series({data("go/fixtures/leak/heap.pb.gz"), data("go/fixtures/leak/heap_before.pb.gz")});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_LT(series[0].meta.wall_time_ns, series[1].meta.wall_time_ns);  // ordered by time
  const SeriesAnalysis s = analyze_series(std::move(series));
  ASSERT_EQ(s.latest().suspects.size(), 1u);
  EXPECT_NE(s.latest().suspects[0].sentence.find("grew by 50,000"), std::string::npos) << s.latest().suspects[0].sentence;
}

TEST(GoRecognizer, CheckGateFailsOnTheLeakAndPassesTheFix) {
  interop_test::TempDir dir;
  const auto leak = interop_test::ctxheap(dir, "check " + interop_test::sh_quote(data("go/fixtures/leak/heap.pb.gz").string()));
  EXPECT_EQ(leak.exit_code, 1) << leak.out << leak.err;
  EXPECT_NE(leak.out.find("main.handleRequestLeaky"), std::string::npos) << leak.out;
  // The gate counts every inferred child, not inferred records.
  const std::string leak_path = interop_test::sh_quote(data("go/fixtures/leak/heap.pb.gz").string());
  EXPECT_EQ(interop_test::ctxheap(dir, "check --warn-stale 0 --max-stale 50001 " + leak_path).exit_code, 0);
  EXPECT_EQ(interop_test::ctxheap(dir, "check --warn-stale 0 --max-stale 50000 " + leak_path).exit_code, 1);
  const auto fixed = interop_test::ctxheap(dir, "check " + interop_test::sh_quote(data("go/fixtures/fixed/heap.pb.gz").string()));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  const auto diff = interop_test::ctxheap(dir, "diff " + interop_test::sh_quote(data("go/fixtures/leak/heap.pb.gz").string()) +
                                                   " " + interop_test::sh_quote(data("go/fixtures/fixed/heap.pb.gz").string()));
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(diff.out.find("1 fixed"), std::string::npos) << diff.out;
}

}  // namespace
