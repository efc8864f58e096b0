// The pipeline: forest -> creation sites -> findings -> summary -> stale groups and
// suspects; for a series, then growth across the snapshots.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/run_identity.hpp"
#include "pipeline.hpp"

namespace ctxheap::analyzer {
namespace {

void add_warnings(Analysis& a) {
  const auto& forest = a.forest;
  if (forest.lookup().duplicates() != 0)
    a.warnings.push_back(std::to_string(forest.lookup().duplicates()) +
                         " context records repeat an id; references go to the first");
  if (forest.dangling_parents() != 0)
    a.warnings.push_back(std::to_string(forest.dangling_parents()) +
                         " contexts refer to a parent or registrar absent from the profile; they are roots");
  if (forest.cycles_broken() != 0)
    a.warnings.push_back(std::to_string(forest.cycles_broken()) + " parent cycles were cut (corrupt input)");
}

}  // namespace

Analysis analyze(std::shared_ptr<const Profile> profile, const AnalysisOptions& options, const RunControl& control) {
  Analysis a;
  a.profile = std::move(profile);
  a.options = options;
  a.forest = build_forest(*a.profile, control);
  SiteTable sites = build_site_table(*a.profile);
  a.sites = std::move(sites.sites);
  a.context_site = std::move(sites.context_site);
  detail::find_issues(a, control);
  detail::summarize(a);
  detail::group_stale_entries(a, control);
  add_warnings(a);
  detail::write_idle_warnings(a);
  a.warnings.insert(a.warnings.end(), a.profile->meta.notes.begin(), a.profile->meta.notes.end());
  return a;
}

Analysis analyze(Profile profile, const AnalysisOptions& options, const RunControl& control) {
  return analyze(std::make_shared<const Profile>(std::move(profile)), options, control);
}

SeriesAnalysis analyze_series(std::vector<Profile> profiles, const AnalysisOptions& options, const RunControl& control) {
  std::stable_sort(profiles.begin(), profiles.end(), taken_before);
  if (profiles.empty()) throw std::invalid_argument("analyze_series: no profiles");
  SeriesAnalysis series;
  const std::uint64_t total = profiles.size() + 1;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    if (control.progress) control.progress(Stage::Series, i, total);
    series.snapshots.push_back(analyze(std::move(profiles[i]), options, control));
  }
  if (control.cancel != nullptr && control.cancel->load()) throw Cancelled();
  detail::analyze_growth(series);
  // Idle entries with a kept cancel are stale only in a set that grows: that evidence
  // comes from the series, so the latest snapshot is judged again when it holds some.
  Analysis& latest = series.snapshots.back();
  std::vector<ContextId> growing;
  for (const ParentGrowth& g : latest.growth)
    if (g.verdict == GrowthVerdict::Growing) growing.push_back(g.id);
  std::sort(growing.begin(), growing.end());
  bool judge_again = std::any_of(latest.findings.idle.begin(), latest.findings.idle.end(), [&](const IdleEntry& e) {
    return std::binary_search(growing.begin(), growing.end(), e.registrar_id);
  });
  // Inferred sets below the in-flight bound: stale when they grew over the series, in
  // flight (passing) when they stayed flat, lingering (passing) when a deadline set grew
  // by far less than its stacks allocated (findings.hpp, inferred_set_change).
  std::vector<ContextId> grown, flat, lingering;
  struct LingeringFigures {
    ContextId id;
    std::uint64_t before;
    SetTurnover turnover;
  };
  std::vector<LingeringFigures> lingering_figures;
  const std::size_t n = series.snapshots.size();
  if (n >= 2) {
    const Analysis& previous = series.snapshots[n - 2];
    // The sets to judge: those in flight, and deadline sets that passed the in-flight
    // bound only now (below it at the previous snapshot): timer-heap residue can lift a
    // busy server's requests over it (Go <= 1.22), and only their turnover tells.
    std::vector<Index> sets;
    for (const InFlightSet& s : latest.findings.in_flight) sets.push_back(s.context);
    const std::uint64_t bound = options.findings.in_flight_bound;
    for (const StaleChild& s : latest.findings.stale) {
      const Context& c = latest.context(s.context);
      if (!c.inferred || c.kind != ContextKind::Deadline || bound == 0) continue;
      const Index j = previous.forest.find(c.id);
      if (j == kNoIndex) continue;
      if (previous.context(j).most_count() < bound) sets.push_back(s.context);
    }
    for (const Index set : sets) {
      const Context& c = latest.context(set);
      const Index j = previous.forest.find(c.id);
      const Context* before_set = j == kNoIndex ? nullptr : &previous.context(j);
      const auto samples_at = [&](const Analysis& then) {
        return c.count_sampled ? detail::samples_before(*latest.profile, c.id, *then.profile) : 0;
      };
      const std::uint64_t before = before_set == nullptr ? samples_at(previous) : 0;
      // A set that also grew over the step before keeps growing: not lingering.
      bool grew_before = false;
      if (n >= 3 && before_set != nullptr) {
        const Analysis& earlier = series.snapshots[n - 3];
        const Index k = earlier.forest.find(c.id);
        grew_before = inferred_set_change(*before_set, k == kNoIndex ? nullptr : &earlier.context(k),
                                          k == kNoIndex ? samples_at(earlier) : 0) == SetChange::Grown;
      }
      const SetTurnover turnover = detail::set_turnover(*latest.profile, c.id, *previous.profile);
      const SetChange change = inferred_set_change(c, before_set, before, turnover, grew_before);
      if (change == SetChange::Grown) grown.push_back(c.id);
      if (change == SetChange::Flat) flat.push_back(c.id);
      if (change == SetChange::Lingering) {
        lingering.push_back(c.id);
        lingering_figures.push_back({c.id, before_set == nullptr ? 0 : before_set->most_count(), turnover});
      }
    }
  }
  std::sort(grown.begin(), grown.end());
  std::sort(flat.begin(), flat.end());
  std::sort(lingering.begin(), lingering.end());
  judge_again = judge_again || !grown.empty() || !flat.empty() || !lingering.empty();
  if (judge_again) {
    AnalysisOptions with_growth = options;
    with_growth.findings.growing_registrars = std::move(growing);
    with_growth.findings.grown_sets = std::move(grown);
    with_growth.findings.flat_sets = std::move(flat);
    with_growth.findings.lingering_sets = std::move(lingering);
    latest = analyze(latest.profile, with_growth, control);
    for (InFlightSet& s : latest.findings.in_flight)
      for (const LingeringFigures& f : lingering_figures)
        if (s.lingering && latest.context(s.context).id == f.id) s.count_before = f.before, s.turnover = f.turnover;
    detail::analyze_growth(series);
  }
  if (control.progress) control.progress(Stage::Series, total, total);
  return series;
}

}  // namespace ctxheap::analyzer
