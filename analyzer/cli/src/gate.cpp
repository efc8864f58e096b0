#include "gate.hpp"

#include <algorithm>

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/report/selection.hpp"

namespace ctxheap::cli {
namespace {

enum class GroupFate : std::uint8_t { Counted, Suppressed, Baselined };

}  // namespace

Verdict GateResult::verdict() const noexcept {
  if (stale_failed || retained_failed || inuse_failed || growth_failed) return Verdict::Fail;
  return stale_warned || idle_warned || in_flight_warned || truncated ? Verdict::Warn : Verdict::Pass;
}

GateResult evaluate_gate(const analyzer::Analysis& a, const GateOptions& options, const Suppressions& suppressions,
                         const Baseline& baseline) {
  GateResult r;
  std::vector<GroupFate> fate(a.stale_groups.size(), GroupFate::Counted);
  for (analyzer::Index g = 0; g < a.stale_groups.size(); ++g) {
    const auto& group = a.stale_groups[g];
    const auto& site = a.sites[group.site];
    if (!suppressions.empty() &&
        suppressions.matches(analyzer::describe_site(*a.profile, site), report::site_key(*a.profile, site))) {
      fate[g] = GroupFate::Suppressed;
    } else if (baseline.contains(a, group)) {
      fate[g] = GroupFate::Baselined;
    } else {
      r.groups.push_back(g);  // stale_groups are ranked, so this is too
    }
  }

  std::vector<bool> counted(a.findings.stale.size(), false);
  for (std::size_t k = 0; k < a.findings.stale.size(); ++k) {
    const auto& s = a.findings.stale[k];
    const GroupFate f = s.group == analyzer::kNoIndex ? GroupFate::Counted : fate[s.group];
    if (f == GroupFate::Suppressed) {
      r.suppressed += s.entries;
    } else if (f == GroupFate::Baselined) {
      r.baselined += s.entries;
    } else {
      r.stale += s.entries;
      counted[k] = true;
    }
  }
  // An entry nested under another counted entry is freed with it: the analyzer's rule.
  const analyzer::Retained retained = counted.empty() ? analyzer::Retained{} : analyzer::outermost_stale_retained(a, counted);
  r.retained_bytes = retained.bytes;
  r.retained_low = retained.bytes_low();
  r.retained_high = retained.bytes_high();
  const std::uint64_t heap = a.summary.heap_inuse_bytes;
  r.retained_share = heap == 0 ? 0.0 : static_cast<double>(r.retained_bytes) / static_cast<double>(heap);

  r.stale_failed = options.max_stale != 0 && r.stale >= options.max_stale;
  r.stale_warned = !r.stale_failed && options.warn_stale != 0 && r.stale >= options.warn_stale;
  r.idle = a.findings.idle.size();
  for (const auto& e : a.findings.idle) r.oldest_idle_age_ns = std::max(r.oldest_idle_age_ns, e.age_ns);
  r.idle_warned = r.idle != 0 && options.warn_stale != 0;
  for (analyzer::Index k = 0; k < a.findings.in_flight.size(); ++k)
    if (!a.findings.in_flight[k].passes()) r.in_flight.push_back(k);
  r.in_flight_warned = !r.in_flight.empty() && options.warn_stale != 0;
  if (options.max_retained) {
    const auto& limit = *options.max_retained;
    r.retained_failed = limit.is_share ? r.retained_share > limit.share : r.retained_bytes > limit.bytes;
  }
  return r;
}

void gate_allocations(GateResult& r, const analyzer::SeriesAnalysis& series, const GateOptions& options) {
  const analyzer::Analysis& a = series.latest();
  // A Go heap profile's contexts are the recognizer's to find: none found is a verdict.
  r.no_contexts = a.profile->contexts.empty() && !a.profile->meta.contexts_recognized;
  r.inuse_bytes = a.summary.heap_inuse_bytes;
  r.inuse_failed = options.max_inuse && r.inuse_bytes > *options.max_inuse;
  r.truncated = a.profile->meta.records_missing;
  r.series_length = static_cast<std::uint32_t>(series.snapshots.size());
  if (!r.no_contexts || series.snapshots.size() < 2) return;
  std::vector<const analyzer::Profile*> profiles;
  for (const auto& s : series.snapshots) profiles.push_back(s.profile.get());
  for (const auto& g : analyzer::site_growth(profiles))
    if (g.trend == analyzer::GrowthVerdict::Growing) r.growing_sites.push_back(g.site);
  r.growth_failed = !r.growing_sites.empty();
}

}  // namespace ctxheap::cli
