// The one estimate model (estimate.hpp, docs/analysis.md "Estimates").
#include "ctxheap/analyzer/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ctxheap::analyzer {
namespace {

constexpr double kZ975 = 1.959963984540054;  // the normal quantile of a two-sided 95 % range

constexpr std::uint64_t kExactUpTo = 200;  // above: Wilson-Hilferty, well within 1 %

/// The chi-square quantile with nu degrees of freedom at normal quantile z
/// (Wilson-Hilferty), for large counts.
double chi_square_quantile(double nu, double z) {
  const double a = 2.0 / (9.0 * nu);
  const double c = 1.0 - a + z * std::sqrt(a);
  return nu * c * c * c;
}

/// P(X <= k) for X ~ Poisson(mu), summed in log space.
double poisson_cdf(std::uint64_t k, double mu) {
  if (mu <= 0) return 1.0;
  double term = std::exp(-mu), sum = term;
  for (std::uint64_t i = 1; i <= k; ++i) {
    term *= mu / static_cast<double>(i);
    sum += term;
  }
  return std::min(1.0, sum);
}

/// The mu in [lo, hi] where f(mu) crosses `target` (f decreasing in mu), by bisection.
template <typename F>
double solve_decreasing(F f, double target, double lo, double hi) {
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) > target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace

double sample_probability(double size_bytes, std::uint64_t mean_interval_bytes) noexcept {
  if (mean_interval_bytes <= 1) return 1.0;
  if (size_bytes <= 0) return 0.0;
  return -std::expm1(-size_bytes / static_cast<double>(mean_interval_bytes));
}

Estimate poisson_range(std::uint64_t count) noexcept {
  const double k = static_cast<double>(count);
  Estimate e{k, 0, 0, false};
  // Garwood: [chi2(0.025; 2k) / 2, chi2(0.975; 2k + 2) / 2], i.e. the means at which
  // P(X >= k) = 0.025 and P(X <= k) = 0.025. Exact by bisection on the Poisson CDF for
  // small counts; Wilson-Hilferty above.
  if (count > kExactUpTo) {
    e.low = std::min(k, chi_square_quantile(2 * k, -kZ975) / 2);
    e.high = std::max(k, chi_square_quantile(2 * k + 2, kZ975) / 2);
    return e;
  }
  const double top = k + 20 + 10 * std::sqrt(k + 1);
  e.low = count == 0 ? 0.0 : solve_decreasing([&](double mu) { return poisson_cdf(count - 1, mu); }, 0.975, 0.0, k);
  e.high = solve_decreasing([&](double mu) { return poisson_cdf(count, mu); }, 0.025, k, top);
  return e;
}

SampledAllocations estimate_from_samples(std::uint64_t sampled_objects, std::uint64_t sampled_bytes,
                                         std::uint64_t mean_interval_bytes) noexcept {
  SampledAllocations out;
  if (mean_interval_bytes <= 1) {
    out.objects = Estimate::counted(static_cast<double>(sampled_objects));
    out.bytes = Estimate::counted(static_cast<double>(sampled_bytes));
    return out;
  }
  const double mean_size = sampled_objects == 0 ? 0.0 : static_cast<double>(sampled_bytes) / static_cast<double>(sampled_objects);
  const double p = sample_probability(mean_size, mean_interval_bytes);
  const Estimate k = poisson_range(sampled_objects);
  // With no sample the size is unknown: the range of objects is open (0 .. 3.69 / p of
  // an unknown p), so report 0 .. 3.69 samples' worth of the interval in bytes.
  const double per_sample = p > 0 ? 1.0 / p : 0.0;
  out.objects = {k.value * per_sample, k.low * per_sample, k.high * per_sample, false};
  const double bytes_per_sample = p > 0 ? mean_size / p : static_cast<double>(mean_interval_bytes);
  out.bytes = {k.value * bytes_per_sample, k.low * bytes_per_sample, k.high * bytes_per_sample, false};
  return out;
}

Estimate estimate_calls(std::span<const StatementSamples> statements, std::uint64_t mean_interval_bytes) noexcept {
  std::uint64_t samples = 0, largest = 0;
  double p = 0;
  for (const StatementSamples& s : statements) {
    samples += s.samples;
    largest = std::max(largest, s.samples);
    p += sample_probability(s.object_bytes, mean_interval_bytes);
  }
  if (mean_interval_bytes <= 1) return Estimate::counted(static_cast<double>(largest));
  if (p <= 0) return {0, 0, 0, false};
  Estimate e = poisson_range(samples);
  return {e.value / p, e.low / p, e.high / p, false};
}

Estimate estimate_sum(std::span<const SampledTerm> terms, std::uint64_t mean_interval_bytes) noexcept {
  double value = 0, exact = 0, variance = 0;
  for (const SampledTerm& t : terms) {
    value += t.amount;
    if (t.samples == 0) exact += t.amount;
    else variance += t.amount * t.amount / static_cast<double>(t.samples);
  }
  if (mean_interval_bytes <= 1 || variance <= 0) return Estimate::counted(value);
  const double sampled = value - exact;
  const double n_eff = std::max(1.0, std::floor(sampled * sampled / variance));
  const Estimate k = poisson_range(static_cast<std::uint64_t>(n_eff));
  const double per_sample = sampled / n_eff;
  return {value, exact + k.low * per_sample, exact + k.high * per_sample, false};
}

Estimate estimate_attributed_sum(std::span<const SampledTerm> sure, std::span<const SampledTerm> doubtful,
                                 std::span<const SampledTerm> possible, std::uint64_t mean_interval_bytes) {
  std::vector<SampledTerm> all(sure.begin(), sure.end());
  all.insert(all.end(), doubtful.begin(), doubtful.end());
  const double value = estimate_sum(all, mean_interval_bytes).value;
  if (mean_interval_bytes <= 1) return Estimate::counted(value);  // counts exact: no match in doubt
  all.insert(all.end(), possible.begin(), possible.end());
  const Estimate wide = estimate_sum(all, mean_interval_bytes);
  const Estimate low = estimate_sum(sure, mean_interval_bytes);
  return {value, std::min(low.low, value), std::max(wide.high, value), wide.exact && low.exact && wide.value == value};
}

double reconcile_with_exact(std::span<Estimate> parts, double exact_total) noexcept {
  double sum = 0;
  for (const Estimate& e : parts) sum += e.value;
  const double factor = sum > exact_total && sum > 0 ? std::max(0.0, exact_total) / sum : 1.0;
  for (Estimate& e : parts) {
    e.value *= factor;
    e.low = std::min(e.low * factor, e.value);
    e.high = std::min(std::max(e.high * factor, e.value), std::max(0.0, exact_total));
  }
  return factor;
}

}  // namespace ctxheap::analyzer
