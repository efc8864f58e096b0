// Heap and goroutine profiles of one Go process given together, in any order: both are
// used (tests/data/go/field: a worker pool blocked on ctx.Done, its fix).
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/golang.hpp"
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

}  // namespace
