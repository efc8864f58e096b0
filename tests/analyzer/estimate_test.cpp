// The one estimate model: sampling probability as tcmalloc and Go compute it, Poisson
// (Garwood) ranges, and reconciliation with exact counters.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "ctxheap/analyzer/estimate.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap::analyzer;

TEST(Estimate, SampleProbabilityIsOneMinusExpOfSizeOverInterval) {
  EXPECT_DOUBLE_EQ(sample_probability(524288, 524288), 1 - std::exp(-1.0));
  EXPECT_NEAR(sample_probability(1024, 524288), 1 - std::exp(-1024.0 / 524288), 1e-15);
  EXPECT_DOUBLE_EQ(sample_probability(1024, 1), 1.0);  // CTXHEAP_SAMPLE=1: every allocation
  EXPECT_DOUBLE_EQ(sample_probability(1024, 0), 1.0);
}

TEST(Estimate, PoissonRangeIsGarwoodsNinetyFivePercent) {
  const Estimate zero = poisson_range(0);
  EXPECT_DOUBLE_EQ(zero.low, 0.0);
  EXPECT_NEAR(zero.high, 3.689, 1e-3);
  const Estimate one = poisson_range(1);
  EXPECT_NEAR(one.low, 0.0253, 1e-4);
  EXPECT_NEAR(one.high, 5.572, 1e-3);
  const Estimate ten = poisson_range(10);
  EXPECT_NEAR(ten.low, 4.795, 1e-3);
  EXPECT_NEAR(ten.high, 18.39, 1e-2);
  const Estimate many = poisson_range(10'000);  // the large-count approximation
  EXPECT_NEAR(many.low, 9805.0, 1.0);
  EXPECT_NEAR(many.high, 10198.0, 1.0);
  EXPECT_FALSE(many.exact);
}

TEST(Estimate, SamplesScaleByOneOverTheSamplingProbability) {
  const SampledAllocations s = estimate_from_samples(10, 10 * 1024, 512 * 1024);
  const double p = 1 - std::exp(-1024.0 / (512 * 1024));
  EXPECT_NEAR(s.objects.value, 10 / p, 1e-6);
  EXPECT_NEAR(s.bytes.value, 10 * 1024 / p, 1e-3);
  EXPECT_LT(s.objects.low, s.objects.value);
  EXPECT_GT(s.objects.high, s.objects.value);
  EXPECT_NEAR(s.bytes.low / s.bytes.value, poisson_range(10).low / 10, 1e-9);
  EXPECT_FALSE(s.bytes.exact);
}

TEST(Estimate, EveryAllocationRecordedIsExact) {
  const SampledAllocations s = estimate_from_samples(201, 201 * 64, 1);
  EXPECT_TRUE(s.objects.exact);
  EXPECT_DOUBLE_EQ(s.objects.value, 201);
  EXPECT_DOUBLE_EQ(s.objects.low, 201);
  EXPECT_DOUBLE_EQ(s.bytes.high, 201 * 64);
}

TEST(Estimate, PartsNeverAddUpToMoreThanTheExactCounter) {
  // One context: its sites' estimates say 1.0 MiB where its exact counter says 264 KB.
  std::vector<Estimate> parts = {{786432, 600000, 900000, false}, {262144, 100000, 400000, false}};
  const double factor = reconcile_with_exact(parts, 264'000);
  EXPECT_NEAR(factor, 264'000.0 / 1'048'576, 1e-12);
  EXPECT_NEAR(parts[0].value + parts[1].value, 264'000, 1e-6);
  for (const Estimate& e : parts) {
    EXPECT_LE(e.low, e.value);
    EXPECT_GE(e.high, e.value);
    EXPECT_LE(e.high, 264'000);
  }
  // Below the counter: left alone (allocations that were never sampled have no site).
  std::vector<Estimate> small = {{1000, 500, 1500, false}};
  EXPECT_DOUBLE_EQ(reconcile_with_exact(small, 264'000), 1.0);
  EXPECT_DOUBLE_EQ(small[0].value, 1000);
}

TEST(Estimate, ASitesEstimateNeverContradictsItsContextsExactCounters) {
  // The collector's exact counters say 264 KB in 1,000 objects; the sampled sites,
  // un-sampled, claim 1.0 MiB in 3,856.
  ctxheap_test::ProfileMaker m = ctxheap_test::with_server();
  m.add(ctxheap_test::Ctx(20, ContextKind::Cancel).from(16).under(16).inuse(1000, 264'000));
  const FrameText frames[] = {{"fill", "cache.cpp", 12, "/bin/app", 0x1000, 0x1000, false}};
  const Index stack = m.builder().add_stack(std::span<const FrameText>(frames));
  for (std::uint64_t k = 0; k < 2; ++k) {
    Site site;
    site.context_id = 20;
    site.stack = stack;
    site.sampled = {2, 1024, 2, 1024};
    site.estimated = {1928, 524'288, 1928, 524'288};
    m.builder().add_site(site);
  }
  const Profile p = std::move(m).profile();
  std::uint64_t objects = 0, bytes = 0;
  for (const Site& s : p.sites) {
    if (s.context_id != 20) continue;
    objects += s.estimated.inuse_objects;
    bytes += s.estimated.inuse_bytes;
  }
  EXPECT_LE(objects, 1000u);
  EXPECT_GE(objects, 999u);
  EXPECT_LE(bytes, 264'000u);
  EXPECT_GE(bytes, 263'999u);
}

TEST(Estimate, CallsArePooledOverAllTheirStatements) {
  // A busy server's 1,000 live WithTimeout calls at Go's default rate: one sample of the
  // 32-byte closure, none of the 112-byte timerCtx. The closure alone would say 16,384.
  const std::uint64_t rate = 512 * 1024;
  const std::vector<StatementSamples> statements = {{1, 32}, {0, 112}};
  const Estimate e = estimate_calls(statements, rate);
  const double p = sample_probability(32, rate) + sample_probability(112, rate);
  EXPECT_FALSE(e.exact);
  EXPECT_NEAR(e.value, 1 / p, 1e-6);
  EXPECT_NEAR(e.low, poisson_range(1).low / p, 1e-6);
  EXPECT_NEAR(e.high, poisson_range(1).high / p, 1e-6);
  EXPECT_LT(e.low, 2000);  // the range reaches below a busy server's in-flight work
}

TEST(Estimate, CallsOfAnUnsampledProfileAreTheLargestStatementExactly) {
  const std::vector<StatementSamples> statements = {{10'000, 80}, {9'000, 32}};
  const Estimate e = estimate_calls(statements, 1);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.value, 10'000);
  EXPECT_EQ(e.low, 10'000);
}

TEST(Estimate, ASumOfEquallyWeightedSamplesIsOnePoissonCount) {
  // 78 samples of 4 KiB buffers at 512 KiB, split over two sites: the same as 78 at one.
  const double w = 4096 / sample_probability(4096, 512 * 1024);
  const std::vector<SampledTerm> terms = {{50, 50 * w}, {28, 28 * w}};
  const Estimate e = estimate_sum(terms, 512 * 1024);
  EXPECT_FALSE(e.exact);
  EXPECT_NEAR(e.value, 78 * w, 1e-6);
  EXPECT_NEAR(e.low, poisson_range(78).low * w, 1e-3);
  EXPECT_NEAR(e.high, poisson_range(78).high * w, 1e-3);
}

TEST(Estimate, AHeavyRareSampleWidensTheSumsRange) {
  // 78 buffer samples plus one sample of a 220 KiB children map: the map weighs ~3x a
  // buffer sample's worth, so the sum is worth fewer samples than 79 and its range is wider.
  const std::uint64_t rate = 512 * 1024;
  const double buffer = 4096 / sample_probability(4096, rate), map = 225'000 / sample_probability(225'000, rate);
  const std::vector<SampledTerm> terms = {{78, 78 * buffer}, {1, map}};
  const Estimate e = estimate_sum(terms, rate);
  const double v = 78 * buffer + map;
  const Estimate as_79 = poisson_range(79);
  EXPECT_NEAR(e.value, v, 1e-6);
  EXPECT_LT(e.low, as_79.low / 79 * v);
  EXPECT_GT(e.high, as_79.high / 79 * v);
}

TEST(Estimate, UnsampledTermsOfASumAreExact) {
  const std::vector<SampledTerm> exact = {{0, 1000}, {0, 24}};
  EXPECT_TRUE(estimate_sum(exact, 512 * 1024).exact);
  EXPECT_EQ(estimate_sum(exact, 512 * 1024).low, 1024);
  // Every allocation recorded: the sum is the sum, whatever the counts.
  const std::vector<SampledTerm> full = {{10'000, 40'960'000}, {10'000, 800'000}};
  const Estimate e = estimate_sum(full, 1);
  EXPECT_TRUE(e.exact);
  EXPECT_EQ(e.low, 41'760'000);
  EXPECT_EQ(e.high, 41'760'000);
  // A sampled sum's exact part is not scaled with the sampled one.
  const std::vector<SampledTerm> mixed = {{0, 1'000'000}, {100, 100'000}};
  const Estimate m = estimate_sum(mixed, 512 * 1024);
  EXPECT_NEAR(m.low, 1'000'000 + poisson_range(100).low * 1000, 1e-3);
}

TEST(Estimate, TheSumsRangeHoldsTheTrueTotalInAboutNineteenOfTwentyDraws) {
  // Three sites (a 4 KiB buffer and a 48-byte tag per child, one 300 KiB table), each
  // object sampled with p(size) as Go samples, estimated as the recognizer does; the
  // range must hold the true bytes in about 95 % of draws, not much less nor all.
  const std::uint64_t rate = 512 * 1024;
  struct Kind {
    std::uint64_t objects;
    double size;
  };
  const Kind kinds[] = {{10'000, 4096}, {20'000, 48}, {1, 300'000}};
  double truth = 0;
  for (const Kind& k : kinds) truth += static_cast<double>(k.objects) * k.size;
  std::mt19937_64 random(16);
  int inside = 0;
  constexpr int kDraws = 2000;
  for (int d = 0; d < kDraws; ++d) {
    std::vector<SampledTerm> terms;
    for (const Kind& k : kinds) {
      const double p = sample_probability(k.size, rate);
      std::binomial_distribution<std::uint64_t> draw(k.objects, p);
      const std::uint64_t samples = draw(random);
      if (samples > 0) terms.push_back({samples, static_cast<double>(samples) * k.size / p});
    }
    const Estimate e = estimate_sum(terms, rate);
    if (e.low <= truth && truth <= e.high) ++inside;
  }
  EXPECT_GE(inside, kDraws * 93 / 100);
  EXPECT_LE(inside, kDraws * 995 / 1000);
}

TEST(Estimate, AnAttributedSumsLowEndLeavesDoubtfulMatchesOutAndItsHighEndTakesPossibleOnesIn) {
  const std::uint64_t rate = 512 * 1024;
  const std::vector<SampledTerm> sure = {{80, 80'000'000}}, doubtful = {{20, 20'000'000}}, possible = {{10, 10'000'000}};
  const Estimate e = estimate_attributed_sum(sure, doubtful, possible, rate);
  std::vector<SampledTerm> sure_and_doubtful = sure, everything = sure;
  sure_and_doubtful.push_back(doubtful[0]);
  everything.push_back(doubtful[0]);
  everything.push_back(possible[0]);
  EXPECT_FALSE(e.exact);
  EXPECT_DOUBLE_EQ(e.value, 100'000'000);  // what was charged: sure and doubtful
  EXPECT_DOUBLE_EQ(e.low, estimate_sum(sure, rate).low);
  EXPECT_DOUBLE_EQ(e.high, estimate_sum(everything, rate).high);
  EXPECT_LT(e.low, estimate_sum(sure_and_doubtful, rate).low);
  EXPECT_GT(e.high, estimate_sum(sure_and_doubtful, rate).high);
  // Every allocation recorded: counts are exact, so no match is in doubt.
  const Estimate exact = estimate_attributed_sum(sure, doubtful, {}, 1);
  EXPECT_TRUE(exact.exact);
  EXPECT_DOUBLE_EQ(exact.low, 100'000'000);
  EXPECT_DOUBLE_EQ(exact.high, 100'000'000);
}

}  // namespace
