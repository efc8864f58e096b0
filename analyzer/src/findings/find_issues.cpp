// Stale child entries, memory retained after cancel, and blocked waiters: one pass over
// the contexts, rules as in docs/analysis.md §3.
#include <algorithm>
#include <numeric>

#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/findings.hpp"
#include "model/stage_progress.hpp"
#include "pipeline.hpp"

namespace ctxheap::analyzer {

std::string_view to_string(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::StaleChild: return "stale_child";
    case FindingKind::RetainedAfterCancel: return "retained_after_cancel";
    case FindingKind::UnboundedChildren: return "unbounded_children";
    case FindingKind::BlockedWaiters: return "blocked_waiters";
  }
  return "unknown";
}

std::string_view to_string(StaleReasons reasons) noexcept {
  if (reasons.timer_held) return reasons.never_cancelled ? "never_cancelled+timer_held" : "cancel_dropped+timer_held";
  if (reasons.never_cancelled) return "never_cancelled";
  if (reasons.cancel_dropped && reasons.idle) return "cancel_dropped+idle";
  if (reasons.cancel_dropped) return "cancel_dropped";
  if (reasons.growing_set) return "growing_set";
  return "none";
}

std::string_view to_string(GrowthVerdict verdict) noexcept {
  switch (verdict) {
    case GrowthVerdict::Growing: return "growing";
    case GrowthVerdict::Plateau: return "plateau";
    case GrowthVerdict::Stable: return "stable";
    case GrowthVerdict::Shrinking: return "shrinking";
    case GrowthVerdict::Transient: return "transient";
    case GrowthVerdict::Fluctuating: return "fluctuating";
  }
  return "unknown";
}

SetChange inferred_set_change(const Context& latest, const Context* previous, std::uint64_t samples_before,
                              SetTurnover turnover, bool grew_before) noexcept {
  double previous_high = 0;
  if (previous != nullptr) {
    previous_high = static_cast<double>(previous->most_count());
  } else if (latest.count_sampled) {
    // Absent before: the recognizer inferred no set there, from the samples it held at
    // the set's stacks (often none). They allow up to poisson_range(K).high samples'
    // worth, at the latest's calls per sample.
    const double per_sample = static_cast<double>(latest.count) / static_cast<double>(std::max<std::uint64_t>(1, latest.count_samples));
    previous_high = poisson_range(samples_before).high * per_sample;
  }
  if (static_cast<double>(latest.least_count()) > previous_high) {
    // Cancelled timerCtx children lingering in the timer heap: the stacks freed most of
    // what they allocated in between, and the set did not grow over the step before.
    const bool lingering = latest.kind == ContextKind::Deadline && !grew_before && turnover.allocated_bytes > 0 &&
                           turnover.kept_bytes < turnover.allocated_bytes / kLingeringShareDivisor;
    return lingering ? SetChange::Lingering : SetChange::Grown;
  }
  // Not beyond the previous range: within it, or below it (a set that shrank is work that
  // finished, never a leak, which keeps every child it holds).
  if (previous != nullptr || samples_before > 0) return SetChange::Flat;
  return SetChange::Neither;
}

namespace detail {
namespace {

struct StaleVerdict {
  bool stale = false;
  bool idle_kept = false;  ///< idle with a kept cancel, not stale: an IdleEntry
  bool in_flight = false;  ///< an inferred set below the in-flight bound: an InFlightSet
  StaleReasons reasons{};
  std::uint64_t idle_ns = 0;
};

/// An inferred set that would be stale is in flight instead when its count (its range's
/// low end) is below the bound: one profile cannot tell it from a busy server's requests.
/// A set the series found lingering is in flight whatever its count: it was below the
/// bound at the previous snapshot and what lifted it is timer-heap residue (analyze_series).
StaleVerdict in_flight_unless_above_bound(const Context& c, const FindingOptions& o, StaleVerdict v) {
  if (!v.stale || !c.inferred || o.in_flight_bound == 0) return v;
  const bool lingering = std::binary_search(o.lingering_sets.begin(), o.lingering_sets.end(), c.id);
  if (c.least_count() >= o.in_flight_bound && !lingering) return v;
  if (std::binary_search(o.grown_sets.begin(), o.grown_sets.end(), c.id)) {
    v.reasons.growing_set = true;
    return v;
  }
  v.stale = false;
  v.in_flight = true;
  return v;
}

StaleVerdict judge_evidence(const Analysis& a, Index i, Index registrar) {
  const Profile& p = *a.profile;
  const Context& c = p.contexts[i];
  const FindingOptions& o = a.options.findings;
  StaleVerdict v;
  if (c.state != ContextState::Live) return v;
  const std::uint64_t now = p.meta.monotonic_time_ns;
  if (c.registered_under_id == 0) {
    // Registered nowhere: only a pending timer can hold it, until a deadline not due soon.
    if (!c.timer_held || (now != 0 && c.deadline_ns != 0 && c.deadline_ns <= now + o.expiry_grace_ns)) return v;
    v.reasons.timer_held = true;
    v.reasons.cancel_dropped = c.cancel_dropped;
    v.reasons.never_cancelled = c.inferred;
    v.stale = c.cancel_dropped || c.inferred;
    return v;
  }
  // Registration implies a live registrar; a registrar absent from the profile (pruned)
  // is taken as live, one recorded as ended contradicts the entry and clears it.
  if (registrar != kNoIndex && p.contexts[registrar].state != ContextState::Live) return v;
  // Its timer will remove the entry soon: bounded, not stale.
  if (now != 0 && c.deadline_ns != 0 && c.deadline_ns <= now + o.expiry_grace_ns) return v;
  const std::uint64_t last = a.forest.node(i).subtree_last_activity_ns;
  if (now != 0 && last != 0 && now >= last) v.idle_ns = now - last;
  v.reasons.cancel_dropped = c.cancel_dropped;
  v.reasons.idle = o.idle_threshold_ns != 0 && last != 0 && c.waiters <= 0 && v.idle_ns >= o.idle_threshold_ns;
  v.reasons.never_cancelled = c.inferred;
  // Idle is information; with a kept cancel it is evidence only when the set grows.
  const bool kept_idle = v.reasons.idle && !c.cancel_dropped && !c.inferred;
  v.reasons.growing_set = kept_idle && std::binary_search(o.growing_registrars.begin(), o.growing_registrars.end(),
                                                          c.registered_under_id);
  v.stale = v.reasons.cancel_dropped || v.reasons.never_cancelled || v.reasons.growing_set;
  v.idle_kept = kept_idle && !v.stale;
  return v;
}

StaleVerdict judge(const Analysis& a, Index i, Index registrar) {
  return in_flight_unless_above_bound(a.profile->contexts[i], a.options.findings, judge_evidence(a, i, registrar));
}

}  // namespace

void find_issues(Analysis& a, const RunControl& control) {
  const Profile& p = *a.profile;
  const auto n = static_cast<Index>(p.contexts.size());
  StageProgress progress(control, Stage::Findings, n);
  Findings& f = a.findings;
  const std::uint64_t now = p.meta.monotonic_time_ns;
  for (Index i = 0; i < n; ++i) {
    progress.tick(i);
    const Context& c = p.contexts[i];
    const RetentionNode& node = a.forest.node(i);
    const Index registrar = node.edge == RetentionEdge::Registered ? node.parent
                            : c.registered_under_id != 0   ? a.forest.find(c.registered_under_id)
                                                           : kNoIndex;
    const StaleVerdict v = judge(a, i, registrar);
    if (v.idle_kept) {
      const std::uint64_t age = (now != 0 && c.created_ns != 0 && now >= c.created_ns) ? now - c.created_ns : 0;
      f.idle.push_back({i, registrar, c.registered_under_id, age, v.idle_ns, a.context_site[i]});
    }
    if (v.in_flight) {
      InFlightSet s;
      s.context = i;
      s.count = c.count;
      s.sampled = c.count_sampled;
      s.low = c.least_count();
      s.high = c.most_count();
      s.samples = c.count_sampled ? c.count_samples : 0;
      s.bound = a.options.findings.in_flight_bound;
      s.flat = std::binary_search(a.options.findings.flat_sets.begin(), a.options.findings.flat_sets.end(), c.id);
      s.lingering = std::binary_search(a.options.findings.lingering_sets.begin(), a.options.findings.lingering_sets.end(), c.id);
      s.site = a.context_site[i];
      f.in_flight.push_back(s);
    }
    if (v.stale) {
      StaleChild s;
      s.context = i;
      s.registrar = registrar;
      s.registrar_id = c.registered_under_id;
      s.reasons = v.reasons;
      s.entries = std::max<std::uint64_t>(1, c.count);
      s.idle_ns = v.idle_ns;
      s.waiters = c.waiters;
      s.retained = retained_if_cancelled(a.forest, i);
      s.site = a.context_site[i];
      a.forest.mark_stale(i, s.retained);
      f.stale.push_back(s);
      if (c.waiters > 0) f.blocked_waiters.push_back({i, registrar, c.waiters});
    }
    if (c.ended() && node.self.inuse_bytes() >= std::max<std::uint64_t>(1, a.options.findings.retained_after_cancel_min_bytes)) {
      RetainedAfterCancel r;
      r.context = i;
      r.state = c.state;
      r.ended_ago_ns = (now != 0 && c.ended_ns != 0 && now >= c.ended_ns) ? now - c.ended_ns : 0;
      r.inuse_objects = node.self.inuse_objects();
      r.inuse_bytes = node.self.inuse_bytes();
      r.node_destroyed = c.destroyed;
      f.retained_after_cancel.push_back(r);
    }
  }
  std::stable_sort(f.stale.begin(), f.stale.end(),
                   [](const StaleChild& x, const StaleChild& y) { return x.retained.bytes > y.retained.bytes; });
  std::stable_sort(f.retained_after_cancel.begin(), f.retained_after_cancel.end(),
                   [](const auto& x, const auto& y) { return x.inuse_bytes > y.inuse_bytes; });
  std::stable_sort(f.blocked_waiters.begin(), f.blocked_waiters.end(),
                   [](const auto& x, const auto& y) { return x.waiters > y.waiters; });
  std::stable_sort(f.idle.begin(), f.idle.end(), [](const auto& x, const auto& y) { return x.idle_ns > y.idle_ns; });
  f.stale_of_context.assign(n, kNoIndex);
  for (Index s = 0; s < f.stale.size(); ++s) f.stale_of_context[f.stale[s].context] = s;
  progress.finish();
}

void summarize(Analysis& a) {
  const Profile& p = *a.profile;
  Summary& s = a.summary;
  s = Summary{};
  s.contexts = p.contexts.size();
  s.no_context = p.totals.no_context;
  s.no_context_threads = p.totals.no_context_threads;
  std::stable_sort(s.no_context_threads.begin(), s.no_context_threads.end(), [](const auto& x, const auto& y) {
    return x.counters.inuse_bytes() != y.counters.inuse_bytes() ? x.counters.inuse_bytes() > y.counters.inuse_bytes()
                                                                : x.counters.alloc_bytes > y.counters.alloc_bytes;
  });
  for (Index i = 0; i < p.contexts.size(); ++i) {
    const Context& c = p.contexts[i];
    const RetentionNode& node = a.forest.node(i);
    CreationSite& site = a.sites[a.context_site[i]];
    ++site.contexts;
    site.self += c.counters;
    if (c.state != ContextState::Live) {
      ++s.ended;
    } else if (!c.destroyed) {  // a context whose node was freed is not live
      ++s.live;
      ++site.live;
    }
    if (c.destroyed) ++s.destroyed;
    if (node.edge == RetentionEdge::Registered) {
      ++s.registered;
      ++site.registered;
    }
    if (node.stale) {
      // Entries, as the summary counts them: an inferred context stands for `count`.
      site.stale += std::max<std::uint64_t>(1, c.count);
      site.stale_retained += node.retained;
    }
    s.contexts_total += c.counters;
  }
  s.heap_inuse_objects = s.contexts_total.inuse_objects() + s.no_context.inuse_objects();
  s.heap_inuse_bytes = s.contexts_total.inuse_bytes() + s.no_context.inuse_bytes();
  s.heap_alloc_bytes = s.contexts_total.alloc_bytes + s.no_context.alloc_bytes;
  s.stale = 0;
  for (const StaleChild& st : a.findings.stale) s.stale += st.entries;
  s.stale_retained = outermost_stale_retained(a);
  s.retained_after_cancel = a.findings.retained_after_cancel.size();
  for (const auto& r : a.findings.retained_after_cancel) s.retained_after_cancel_bytes += r.inuse_bytes;
  for (const auto& b : a.findings.blocked_waiters) s.blocked_waiter_threads += static_cast<std::uint64_t>(b.waiters);
}

}  // namespace detail

Retained outermost_stale_retained(const Analysis& a, const std::vector<bool>& chosen) {
  const auto& stale = a.findings.stale;
  std::vector<bool> counted(a.forest.size(), false);
  for (std::size_t k = 0; k < stale.size(); ++k)
    if (chosen.empty() || (k < chosen.size() && chosen[k])) counted[stale[k].context] = true;
  // Nested: some forest ancestor is a counted entry (its retained size holds this one).
  std::vector<bool> nested(a.forest.size(), false);
  for (const Index v : a.forest.preorder()) {
    const Index parent = a.forest.node(v).parent;
    nested[v] = parent != kNoIndex && (nested[parent] || counted[parent]);
  }
  Retained total;
  for (std::size_t k = 0; k < stale.size(); ++k)
    if (counted[stale[k].context] && !nested[stale[k].context] && (chosen.empty() || chosen[k])) total += stale[k].retained;
  return total;
}

}  // namespace ctxheap::analyzer
