// The one estimate model: figures scaled up from sampled allocations, for every input
// that samples (ctxheap's sampled stacks, gperftools' sampled dumps, Go heap profiles).
//
// Sampling works as in tcmalloc and Go's runtime: with a mean sampling interval of R
// bytes, an allocation of s bytes is sampled with probability p(s) = 1 - exp(-s/R). A
// site with k sampled allocations of mean size s stands for k / p(s) allocations. k is
// a Poisson count, so the estimate carries the 95 % confidence range of a Poisson mean
// (Garwood's interval) scaled the same way. Where the input also has exact counters
// (ctxheap's per-context counters, a gperftools header's totals), estimates are
// reconciled with them: the parts are scaled so they never add up to more than the
// exact total (docs/analysis.md, "Estimates").
#pragma once

#include <cstdint>
#include <span>

namespace ctxheap::analyzer {

/// A figure with its 95 % confidence range; exact figures have low == value == high.
struct Estimate {
  double value = 0;
  double low = 0;
  double high = 0;
  bool exact = true;

  static Estimate counted(double v) noexcept { return {v, v, v, true}; }
};

/// p(s) = 1 - exp(-size/interval): the chance one allocation of `size_bytes` is sampled.
/// 1 when sampling is off or records everything (interval <= 1) or size is 0 bytes
/// with no interval.
double sample_probability(double size_bytes, std::uint64_t mean_interval_bytes) noexcept;

/// Garwood's 95 % range of a Poisson mean given `count` observed events: [low, high].
/// count 0 gives [0, 3.69].
Estimate poisson_range(std::uint64_t count) noexcept;

/// What `sampled_objects` samples totalling `sampled_bytes` stand for at the mean
/// interval: objects and bytes, each with its range. Exact (no scaling) when the
/// interval is <= 1 (every allocation recorded).
struct SampledAllocations {
  Estimate objects{};
  Estimate bytes{};
};
SampledAllocations estimate_from_samples(std::uint64_t sampled_objects, std::uint64_t sampled_bytes,
                                         std::uint64_t mean_interval_bytes) noexcept;

/// One allocating statement of a call that allocates once at each of several statements
/// (Go's WithCancel: the context, its closures): the raw in-use samples there and the
/// object size.
struct StatementSamples {
  std::uint64_t samples = 0;
  double object_bytes = 0;
};
/// How many calls are alive, from all their statements at once: each live call leaves
/// one object at each statement, sampled with p(size), so the samples of all statements
/// are one Poisson count with mean calls * sum p. Value K / sum p, range
/// poisson_range(K) / sum p. Pooling beats the largest statement's estimate, which one
/// lucky sample of a small object blows up to the interval's worth of calls. Exact (the
/// largest statement's samples) when the interval is <= 1.
Estimate estimate_calls(std::span<const StatementSamples> statements, std::uint64_t mean_interval_bytes) noexcept;

/// One term of a sum of sampled estimates: the raw samples behind it and the bytes (or
/// any amount) they stand for. A term with no sample is taken as exact.
struct SampledTerm {
  std::uint64_t samples = 0;
  double amount = 0;
};
/// What a sum of sampled estimates (e.g. the in-use bytes of the sites charged to one
/// set of children) is worth: value V = sum a_i. Term i is k_i samples of w_i = a_i / k_i
/// each, so its variance is k_i w_i^2 = a_i^2 / k_i. The sum is taken as one Poisson count
/// of n_eff = V^2 / sum(a_i^2 / k_i) samples of V / n_eff each (the effective count: n_eff
/// = k when every sample weighs the same), with Garwood's range of floor(n_eff) (at least
/// 1: wider, never narrower) scaled by V / floor(n_eff). Exact when the interval is <= 1
/// or no term is sampled.
Estimate estimate_sum(std::span<const SampledTerm> terms, std::uint64_t mean_interval_bytes) noexcept;

/// A sum of which part was attributed by a match that sampling can get wrong (sites on a
/// request path matched to a set of children by their count): `sure` terms belong to it
/// whatever the sampler drew, `doubtful` terms were attributed by the point estimates but
/// the count ranges also allow no match, `possible` terms were not attributed but the
/// count ranges allow a match. Value: sure + doubtful (what was charged). Low end:
/// estimate_sum(sure) low. High end: estimate_sum(sure + doubtful + possible) high. Exact
/// when the interval is <= 1 (counts exact: no match in doubt).
Estimate estimate_attributed_sum(std::span<const SampledTerm> sure, std::span<const SampledTerm> doubtful,
                                 std::span<const SampledTerm> possible, std::uint64_t mean_interval_bytes);

/// Scales `parts` (e.g. the estimated bytes of one context's sites) down in proportion
/// when their values add up to more than the exact total counted for the whole, so the
/// parts never contradict the counter; ranges are capped at the total. Parts that add up
/// to less are left alone (unsampled allocations have no site). Returns the factor
/// applied (<= 1).
double reconcile_with_exact(std::span<Estimate> parts, double exact_total) noexcept;

}  // namespace ctxheap::analyzer
