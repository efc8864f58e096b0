// Heap and goroutine profiles of one Go process given together, in any order: both are
// used (tests/data/go/field: a worker pool blocked on ctx.Done, its fix).
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/analyzer/series.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

std::filesystem::path field(const std::string& relative) { return data("go/field/profiles/" + relative); }

TEST(GoGoroutineHeld, WorkersBlockedOnDoneAreNamedWithTheirCountInEitherOrder) {
  for (const std::string v : {"go1.19", "go1.23"}) {
    const auto heap = field(v + "/full/workers/heap.pb.gz");
    const auto goroutines = field(v + "/full/workers/goroutine.pb.gz");
    for (const bool heap_first : {true, false}) {
      auto profiles = heap_first ? load_series({heap, goroutines}) : load_series({goroutines, heap});
      ASSERT_EQ(profiles.size(), 1u) << v;  // the goroutine profile joined the heap profile
      const Analysis a = analyze(std::move(profiles.front()));
      ASSERT_EQ(a.suspects.size(), 1u) << v;
      const StaleGroup& g = a.stale_groups[a.suspects[0].group];
      EXPECT_EQ(g.entries, 10'000u) << v;
      EXPECT_EQ(g.waiters, 10'000u) << v;
      EXPECT_GT(g.retained.bytes, 10'000u * 4096u) << v;  // each worker's 4 KiB scratch buffer and more
      const std::string& sentence = a.suspects[0].sentence;
      EXPECT_NE(sentence.find("main.startWorkers"), std::string::npos) << sentence;
      EXPECT_NE(sentence.find("10,000 threads are blocked on their done()"), std::string::npos) << sentence;
      std::string warnings;
      for (const auto& w : a.warnings) warnings += w + "\n";
      EXPECT_NE(warnings.find("10,000 goroutines parked in main.worker wait on the 10,000 inferred children"),
                std::string::npos)
          << warnings;
    }
  }
}

TEST(GoGoroutineHeld, CheckGivenHeapAndGoroutinesUsesBothAndFixedPasses) {
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  const auto leak = interop_test::ctxheap(dir, "check " + q("go1.23/full/workers/goroutine.pb.gz") + " " +
                                                   q("go1.23/full/workers/heap.pb.gz"));
  EXPECT_EQ(leak.exit_code, 1) << leak.out << leak.err;
  EXPECT_NE(leak.out.find("main.startWorkers"), std::string::npos) << leak.out;
  const auto fixed = interop_test::ctxheap(dir, "check " + q("go1.23/full/workers_fixed/heap.pb.gz") + " " +
                                                    q("go1.23/full/workers_fixed/goroutine.pb.gz"));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
}

TEST(GoGoroutineHeld, PairedGoroutineNotesAreReportedOnce) {
  auto profiles = load_series({field("go1.23/full/workers/heap.pb.gz"), field("go1.23/full/workers/goroutine.pb.gz")});
  ASSERT_EQ(profiles.size(), 1u);
  const Analysis a = analyze(std::move(profiles.front()));
  std::size_t parked_notes = 0;
  for (const auto& w : a.warnings)
    if (w.find("parked on a channel receive or select in main.worker") != std::string::npos) ++parked_notes;
  EXPECT_EQ(parked_notes, 1u);
}

TEST(GoGoroutineHeld, FullRateBusyServerIsInFlightAndPassesCheck) {
  // ~1,000 requests in flight, before and after: below the in-flight bound, and flat.
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  const auto one = interop_test::ctxheap(dir, "check " + q("go1.23/full/busy/heap.pb.gz"));
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_NE(one.out.find("below the in-flight bound (2,000, --in-flight)"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("passed with a warning"), std::string::npos) << one.out;
  const auto strict = interop_test::ctxheap(dir, "check --in-flight 500 " + q("go1.23/full/busy/heap.pb.gz"));
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
}

TEST(GoGoroutineHeld, DefaultRateBurstAndBusyServerPassCheckOverTheirSeries) {
  // No contexts found in a Go heap profile is the recognizer's verdict, not an input
  // without contexts to be gated on site growth (goroutine stacks grow between them).
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  for (int run = 1; run <= 5; ++run) {
    for (const std::string scenario : {"burst", "busy"}) {
      const std::string d = "go1.23/default/run" + std::to_string(run) + "/" + scenario + "/";
      const auto r = interop_test::ctxheap(dir, "check " + q(d + "heap_before.pb.gz") + " " + q(d + "heap.pb.gz"));
      EXPECT_EQ(r.exit_code, 0) << d << "\n" << r.out << r.err;
      EXPECT_EQ(r.out.find("not a leak"), std::string::npos) << r.out;
    }
  }
}

TEST(GoGoroutineHeld, GoroutineProfileAloneFailsCheckWhenThousandsParkOnOneWait) {
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  // 10,000 workers blocked in <-ctx.Done() under main.worker: exact counts, a failure alone.
  for (const std::string file : {"go1.23/full/workers/goroutine.pb.gz", "go1.19/full/workers/goroutine.txt"}) {
    const auto leak = interop_test::ctxheap(dir, "check " + q(file));
    EXPECT_EQ(leak.exit_code, 1) << file << leak.out << leak.err;
    EXPECT_NE(leak.out.find("10,000 goroutines are parked waiting at main.worker"), std::string::npos) << leak.out;
    EXPECT_NE(leak.out.find("inferred from the goroutine profile"), std::string::npos) << leak.out;
  }
  // 10,000 of context's own watchers for a custom parent (the bridge).
  const auto bridge = interop_test::ctxheap(dir, "check " + q("go1.23/full/bridge/goroutine.pb.gz"));
  EXPECT_EQ(bridge.exit_code, 1) << bridge.out << bridge.err;
  // Below the bound: a busy server's 1,000 requests in flight, and the fixes, pass.
  for (const std::string file : {"go1.23/full/busy/goroutine.pb.gz", "go1.23/full/workers_fixed/goroutine.pb.gz",
                                 "go1.23/full/bridge_fixed/goroutine.pb.gz"}) {
    const auto pass = interop_test::ctxheap(dir, "check " + q(file));
    EXPECT_EQ(pass.exit_code, 0) << file << pass.out << pass.err;
  }
  // Read alone, the groups are inferred children with the goroutines as waiters.
  const auto alone = load_profile(field("go1.23/full/workers/goroutine.pb.gz"));
  std::uint64_t inferred = 0;
  for (const auto& c : alone.contexts)
    if (c.inferred && c.registered_under_id != 0) inferred += c.count;
  EXPECT_EQ(inferred, 10000u);
}

TEST(GoGoroutineHeld, DiffOfTwoGoroutineProfilesPrintsTheStacksWhoseCountChanged) {
  // Goroutine profiles have no bytes: their stacks rank by the change of goroutines.
  const auto before = load_profile(field("go1.23/full/workers_fixed/goroutine.pb.gz"));
  const auto after = load_profile(field("go1.23/full/workers/goroutine.pb.gz"));
  const auto deltas = diff_by_symbol_path(before, after, 1);
  ASSERT_EQ(deltas.size(), 1u);
  EXPECT_NE(deltas[0].path.find("main.worker"), std::string::npos) << deltas[0].path;
  EXPECT_EQ(deltas[0].delta_inuse_objects(), 10000);

  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  const auto text = interop_test::ctxheap(dir, "diff " + q("go1.23/full/workers_fixed/goroutine.pb.gz") + " " +
                                                   q("go1.23/full/workers/goroutine.pb.gz"));
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Goroutine stacks by change in count"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("+10,000"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("main.worker"), std::string::npos) << text.out;
  // The way back: the fix removes them.
  const auto back = interop_test::ctxheap(dir, "diff " + q("go1.23/full/workers/goroutine.pb.gz") + " " +
                                                   q("go1.23/full/workers_fixed/goroutine.pb.gz"));
  EXPECT_NE(back.out.find("-10,000"), std::string::npos) << back.out;
  const auto md = interop_test::ctxheap(dir, "diff --format md " + q("go1.23/full/workers_fixed/goroutine.pb.gz") + " " +
                                                 q("go1.23/full/workers/goroutine.pb.gz"));
  EXPECT_NE(md.out.find("main.worker"), std::string::npos) << md.out;
}

}  // namespace
