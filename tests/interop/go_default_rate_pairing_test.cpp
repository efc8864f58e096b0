// Heap and goroutine profiles of one moment at Go's default rate (512 KiB): the goroutine
// profile's exact count decides even when the heap profile holds too few samples of the
// children (or of their parent's map) to infer them (tests/data/go/field, five committed
// default-rate runs of the worker pool and the bridge over a custom parent).
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/series.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

std::filesystem::path field(const std::string& relative) { return data("go/field/profiles/" + relative); }

std::string warnings_of(const Analysis& a) {
  std::string out;
  for (const auto& w : a.warnings) out += w + "\n";
  return out;
}

TEST(GoDefaultRatePairing, GoroutinesTheHeapHasTooFewSamplesOfAreCountedAtTheCreationSiteTheHeapNames) {
  // run3/workers: the children are sampled, their parent's children map is not;
  // run4/bridge: only one propagateCancel allocation under main.serve is sampled.
  struct Case {
    std::string dir, site, waiting;
  };
  for (const Case& c : {Case{"go1.23/default/run3/workers/", "main.startWorkers", "main.worker"},
                        Case{"go1.23/default/run4/bridge/", "main.serve", "propagateCancel.func2"}}) {
    for (const bool heap_first : {true, false}) {
      const auto heap = field(c.dir + "heap.pb.gz"), goroutines = field(c.dir + "goroutine.pb.gz");
      auto profiles = heap_first ? load_series({heap, goroutines}) : load_series({goroutines, heap});
      ASSERT_EQ(profiles.size(), 1u) << c.dir;
      const Analysis a = analyze(std::move(profiles.front()));
      ASSERT_EQ(a.suspects.size(), 1u) << c.dir << warnings_of(a);
      const StaleGroup& g = a.stale_groups[a.suspects[0].group];
      EXPECT_EQ(g.entries, 10'000u) << c.dir;  // exact: goroutine profiles are not sampled
      EXPECT_EQ(g.waiters, 10'000u) << c.dir;
      EXPECT_GT(g.retained.bytes, 10'000u * 4096u / 2) << c.dir;  // the 4 KiB buffers, estimated
      const std::string& sentence = a.suspects[0].sentence;
      EXPECT_NE(sentence.find("created at " + c.site), std::string::npos) << sentence;
      EXPECT_NE(warnings_of(a).find("are counted as children created at " + c.site), std::string::npos)
          << warnings_of(a);
    }
  }
}

TEST(GoDefaultRatePairing, WorkerAndBridgeLeaksFailCheckWithTheirCreationSiteInEveryCommittedRunAndFixesPass) {
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  for (int run = 1; run <= 5; ++run) {
    for (const auto& [scenario, site] : {std::pair<std::string, std::string>{"workers", "main.startWorkers"},
                                         std::pair<std::string, std::string>{"bridge", "main.serve"}}) {
      for (const bool fixed : {false, true}) {
        const std::string d = "go1.23/default/run" + std::to_string(run) + "/" + scenario + (fixed ? "_fixed/" : "/");
        const auto r = interop_test::ctxheap(dir, "check " + q(d + "heap.pb.gz") + " " + q(d + "goroutine.pb.gz"));
        EXPECT_EQ(r.exit_code, fixed ? 0 : 1) << d << "\n" << r.out << r.err;
        if (!fixed) {
          EXPECT_NE(r.out.find("created at " + site), std::string::npos) << d << "\n" << r.out;
        }
      }
    }
  }
}

TEST(GoDefaultRatePairing, ParkedGoroutinesBelowTheInFlightBoundAddNoSuspect) {
  // The busy server's ~1,000 requests parked in a select are work in flight: paired with
  // its heap profile they name nothing the heap profile did not.
  for (int run = 1; run <= 5; ++run) {
    const std::string d = "go1.23/default/run" + std::to_string(run) + "/busy/";
    auto profiles = load_series({field(d + "heap.pb.gz"), field(d + "goroutine.pb.gz")});
    ASSERT_EQ(profiles.size(), 1u) << d;
    const Analysis a = analyze(std::move(profiles.front()));
    EXPECT_EQ(warnings_of(a).find("are counted as children created at"), std::string::npos) << d << warnings_of(a);
  }
}

}  // namespace
