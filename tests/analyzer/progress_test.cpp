// The GUI runs the analysis off its UI thread: it reports progress per stage and stops
// when asked.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

ProfileMaker big_leak(ContextId requests) {
  ProfileMaker m = with_server();
  m.builder().reserve_contexts(2 * requests + 2);
  for (ContextId r = 0; r < requests; ++r) add_request(m, 100 + 2 * r, 101 + 2 * r);
  return m;
}

TEST(AnalysisControl, ProgressReachesTheEndOfEveryStageInOrder) {
  std::map<Stage, std::pair<std::uint64_t, std::uint64_t>> last;
  std::vector<Stage> order;
  RunControl control;
  control.progress = [&](Stage stage, std::uint64_t done, std::uint64_t total) {
    if (order.empty() || order.back() != stage) order.push_back(stage);
    auto& [d, t] = last[stage];
    EXPECT_GE(done, d);
    EXPECT_LE(done, total);
    d = done;
    t = total;
  };
  analyze(big_leak(20000).profile(), {}, control);
  EXPECT_EQ(order, (std::vector<Stage>{Stage::Forest, Stage::Findings, Stage::Suspects}));
  for (const auto& [stage, p] : last) EXPECT_EQ(p.first, p.second) << to_string(stage);
}

TEST(AnalysisControl, CancelFlagStopsTheAnalysis) {
  std::atomic<bool> cancel{false};
  RunControl control;
  control.cancel = &cancel;
  control.progress = [&](Stage stage, std::uint64_t, std::uint64_t) {
    if (stage == Stage::Findings) cancel = true;
  };
  EXPECT_THROW(analyze(big_leak(20000).profile(), {}, control), Cancelled);
}

TEST(AnalysisControl, CancelFlagStopsADiff) {
  const Analysis a = big_leak(10).analyze();
  const Analysis b = big_leak(20).analyze();
  std::atomic<bool> cancel{true};
  RunControl control;
  control.cancel = &cancel;
  EXPECT_THROW(diff(a, b, {}, control), Cancelled);
}

}  // namespace
