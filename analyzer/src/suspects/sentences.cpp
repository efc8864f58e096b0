// Every sentence the analyzer writes. Plain text, one line, numbers formatted by text.hpp.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "ctxheap/analyzer/text.hpp"
#include "pipeline.hpp"

namespace ctxheap::analyzer {
namespace {

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return format_count(n) + " " + std::string(n == 1 ? one : many);
}

/// "41.2 MiB (aside)"; from a sampled profile "an estimated 41.2 MiB (35.0–52.3 MiB, 95 %
/// range; aside)". The range is the analysis's (Retained), never recomputed here.
std::string retained_bytes(const Retained& r, const std::string& aside = {}) {
  std::string inner = r.has_range() ? format_bytes_range(r.bytes_low(), r.bytes_high()) + ", 95 % range" : "";
  if (!aside.empty()) inner += (inner.empty() ? "" : "; ") + aside;
  return (r.has_range() ? "an estimated " : "") + format_bytes(r.bytes) + (inner.empty() ? "" : " (" + inner + ")");
}

/// "41.2 MiB in 9,000 objects", with the range when sampled.
std::string retained_in_objects(const Retained& r) {
  return retained_bytes(r) + " in " + plural(r.objects, "object", "objects");
}

std::string created_at(const Analysis& a, Index context) {
  return "created at " + describe_site(*a.profile, a.site_of(context));
}

/// "Context #16 "server" (created at main handler_leak.cpp:37)", or the id alone when
/// the context is absent from the profile.
std::string context_with_site(const Analysis& a, Index context, ContextId id) {
  if (context == kNoIndex) return "Context #" + std::to_string(id) + " (not in the snapshot)";
  return "Context " + describe_context(a, context) + " (" + created_at(a, context) + ")";
}

std::string growing_set_clause(const Analysis& a, bool one) {
  return std::string(one ? "that has" : "that have") + " been idle for over " +
         format_duration(a.options.findings.idle_threshold_ns) + " with " + (one ? "its" : "their") +
         " cancel kept but never called while the set keeps growing";
}

/// The figures a growth clause states: the same ones the growth table shows.
struct GrowthFigures {
  GrowthVerdict verdict = GrowthVerdict::Stable;
  std::size_t snapshots = 0;
  std::int64_t last_delta = 0;
  double per_snapshot = 0;
  double per_second = 0;
};

std::string signed_rate(double rate) { return (rate > 0 ? "+" : "") + format_rate(rate); }

std::string growth_clause(const GrowthFigures& g) {
  const auto delta = static_cast<std::uint64_t>(std::llabs(g.last_delta));
  const std::string over = " over " + std::to_string(g.snapshots) + " snapshots";
  switch (g.verdict) {
    case GrowthVerdict::Growing:
      if (g.snapshots < 3) return "; the set grew by " + format_count(delta) + " since the previous snapshot";
      return "; the set is growing: " + signed_rate(g.per_snapshot) + " per snapshot (" + format_rate(g.per_second) +
             " entries/s)" + over + ", up " + format_count(delta) + " since the previous snapshot";
    case GrowthVerdict::Plateau: return "; the set grew, then reached a plateau" + over;
    case GrowthVerdict::Shrinking: return "; the set shrank by " + format_rate(-g.per_snapshot) + " per snapshot" + over;
    case GrowthVerdict::Transient: return "; the set rose and came back down" + over + " (transient)";
    case GrowthVerdict::Fluctuating: return "; the set rose and fell" + over + ", no steady growth";
    case GrowthVerdict::Stable: break;
  }
  return "; the set did not change significantly" + over;
}

/// The growth of a group's set: its registrar's row of the growth table when it has one
/// (so the sentence and the table cannot disagree), else the group's own.
GrowthFigures figures_of(const Analysis& a, const StaleGroup& group) {
  for (const ParentGrowth& p : a.growth) {
    if (p.id != group.registrar_id || group.registrar_id == 0) continue;
    return {p.verdict, p.points.size(), p.last_children_delta, p.children_per_snapshot, p.children_per_second};
  }
  const GroupGrowth& g = *group.growth;
  return {g.verdict, g.snapshots, g.delta_entries, g.entries_per_snapshot, g.entries_per_second};
}

/// Where an inferred context's evidence came from: "(inferred from the heap profile)" or
/// "(inferred from the goroutine profile)".
std::string inferred_from(const Context& c) {
  return c.inferred_from == InferredFrom::GoroutineProfile ? "(inferred from the goroutine profile)"
                                                          : "(inferred from the heap profile)";
}

/// What keeps inferred children alive and why their cancel was never called, by what holds
/// them (Context::held_by) and where that was seen (Context::inferred_from).
std::string held_clause(const Context& c, bool one) {
  const std::string their = one ? "its" : "their";
  if (c.held_by == InferredHolder::WatcherGoroutine)
    return std::string(one ? " that is" : " that are") +
           " held by the watcher goroutine the context package starts for each child of a parent that is not a "
           "*cancelCtx (propagateCancel's goroutine, waiting on the parent's and the child's Done), not by a children "
           "set, so " + their + " cancel was never called " + inferred_from(c);
  if (c.inferred_from == InferredFrom::GoroutineProfile)
    return std::string(one ? " that is" : " that are") + " still in its children set, waited on by parked goroutines, so " +
           their + " cancel was never called " + inferred_from(c);
  return std::string(one ? " that is" : " that are") + " still in its children set after GC, so " + their +
         " cancel was never called " + inferred_from(c);
}

}  // namespace

std::string describe_context(const Analysis& a, Index context) {
  const Context& c = a.context(context);
  std::string out = "#" + std::to_string(c.id);
  const std::string_view name = a.profile->str(c.name);
  if (!name.empty()) out += " \"" + std::string(name) + "\"";
  return out;
}

std::string describe(const Analysis& a, const StaleGroup& g) {
  const bool one = g.entries == 1;
  if (a.profile->meta.source_kind == "goroutine" && g.never_cancelled == g.entries) {
    // Inferred from a goroutine profile alone (golang::infer_parked_waits): parked goroutines, no heap.
    const std::string site = describe_site(*a.profile, a.sites[g.site]);
    std::string out = plural(g.entries, "goroutine is", "goroutines are") + " parked waiting at " + site +
                      (site.starts_with("context.")
                           ? " (the context package's own watcher for a parent of a type it cannot see into)"
                           : " (a receive or select: how a wait on ctx.Done() shows)") +
                      ", more than work in flight explains: counted as " + plural(g.entries, "uncancelled child", "uncancelled children") + " of " +
                      context_with_site(a, g.registrar, g.registrar_id) +
                      " that nobody cancels (inferred from the goroutine profile, whose counts are exact; it holds no "
                      "heap, so what they retain is not known)";
    if (g.growth) out += growth_clause(figures_of(a, g));
    return out + ".";
  }
  const std::string children = plural(g.entries, "uncancelled child", "uncancelled children") + " created at " +
                               describe_site(*a.profile, a.sites[g.site]);
  std::string out;
  if (g.registrar_id == 0 && g.timer_held != 0) {
    // Registered nowhere (a Background parent has no children set): timers hold them.
    out = std::string(one ? "A pending timer holds " : "Pending timers hold ") + children;
    out += one ? " that is registered in no children set (its parent, e.g. Background, has none), so only its "
                 "timer keeps it alive until its deadline"
               : " that are registered in no children set (their parent, e.g. Background, has none), so only "
                 "their timers keep them alive until their deadlines";
    out += g.never_cancelled != 0 ? "; their cancel was never called " + inferred_from(a.context(g.first_entry))
                                  : std::string("; their cancel was dropped");
  } else {
    out = context_with_site(a, g.registrar, g.registrar_id) + " holds " + children;
  }
  if (g.registrar_id == 0 && g.timer_held != 0) {
    // the clause is written above
  } else if (g.never_cancelled == g.entries) {
    out += held_clause(a.context(g.first_entry), one);
  } else if (g.growing_set == 0) {
    out += " whose cancel was dropped";
  } else if (g.cancel_dropped == 0) {
    out += " " + growing_set_clause(a, one);
  } else {
    out += " whose cancel was dropped (" + format_count(g.cancel_dropped) + ") or " + growing_set_clause(a, false) +
           " (" + format_count(g.growing_set) + ")";
  }
  out += one ? "; it retains " : "; they retain ";
  out += retained_bytes(g.retained, format_share(g.heap_share) + " of in-use heap");
  if (g.waiters > 0)
    out += "; " + plural(g.waiters, "thread is", "threads are") + " blocked on " + (one ? "its" : "their") + " done()";
  if (g.growth) out += growth_clause(figures_of(a, g));
  return out + ".";
}

std::string describe(const Analysis& a, const StaleChild& s) {
  std::string out = "Context " + describe_context(a, s.context) + " (" + created_at(a, s.context) + ")";
  const Context& c = a.context(s.context);
  if (s.entries > 1)
    out += ", standing for " + format_count(s.entries) + " contexts inferred from the " +
           (c.inferred_from == InferredFrom::GoroutineProfile ? "goroutine" : "heap") + " profile,";
  if (s.reasons.timer_held) {
    out += std::string(" is registered in no children set; only ") + (s.entries > 1 ? "their pending timers keep them" : "its pending timer keeps it") +
           " alive until the deadline, and " + (s.reasons.never_cancelled ? "the cancel was never called" : "its cancel was dropped");
    return out + "; " + (s.entries > 1 ? "they retain " : "it retains ") + retained_in_objects(s.retained) + ".";
  }
  if (s.reasons.never_cancelled && a.profile->meta.source_kind == "goroutine") {
    out += " is registered under ";
    out += s.registrar == kNoIndex ? "#" + std::to_string(s.registrar_id) : describe_context(a, s.registrar);
    out += " and waited on by " + plural(static_cast<std::uint64_t>(std::max(s.waiters, 0)), "parked goroutine", "parked goroutines") +
           " that nobody cancels (inferred from the goroutine profile).";
    return out;
  }
  if (s.reasons.never_cancelled) {
    out += " is a child of ";
    out += s.registrar == kNoIndex ? "#" + std::to_string(s.registrar_id) : describe_context(a, s.registrar);
    out += held_clause(c, true) + "; it retains " + retained_in_objects(s.retained);
    return out + ".";
  }
  out += " is registered under ";
  out += s.registrar == kNoIndex ? "#" + std::to_string(s.registrar_id) + " (not in the snapshot)"
                                 : describe_context(a, s.registrar);
  out += " and was never cancelled: ";
  if (s.reasons.cancel_dropped) out += "its cancel was dropped";
  if (s.reasons.cancel_dropped && s.reasons.idle) out += " and ";
  if (s.reasons.idle) out += "it has been idle for " + format_duration(s.idle_ns) + " with no waiter";
  if (s.reasons.growing_set) out += ", its cancel kept but never called, while the set keeps growing";
  out += "; it retains " + retained_in_objects(s.retained);
  if (s.waiters > 0) out += "; " + plural(static_cast<std::uint64_t>(s.waiters), "thread is", "threads are") + " blocked on its done()";
  return out + ".";
}

std::string describe(const Analysis& a, const RetainedAfterCancel& r) {
  const Context& c = a.context(r.context);
  std::string out = "Context " + describe_context(a, r.context) + " (" + created_at(a, r.context) + ") ";
  out += r.state == ContextState::Expired ? "expired" : "was cancelled";
  if (r.ended_ago_ns != 0) out += " " + format_duration(r.ended_ago_ns) + " before the snapshot";
  const std::string_view cause = a.profile->str(c.cause);
  if (!cause.empty()) out += " (cause: " + std::string(cause) + ")";
  out += " but still owns " + format_bytes(r.inuse_bytes) + " in " + plural(r.inuse_objects, "object", "objects");
  if (r.node_destroyed) out += "; the context itself is gone, its allocations outlived it";
  return out + ".";
}

std::string describe(const Analysis& a, const BlockedWaiters& b) {
  std::string out = plural(static_cast<std::uint64_t>(b.waiters), "thread is", "threads are");
  out += " blocked on done() of " + describe_context(a, b.context) + " (" + created_at(a, b.context) + "), a stale child of ";
  out += b.registrar == kNoIndex ? "#" + std::to_string(a.context(b.context).registered_under_id)
                                 : describe_context(a, b.registrar);
  return out + " that nobody will cancel; " + (b.waiters == 1 ? "it waits" : "they wait") +
         " until the parent is cancelled.";
}

std::string describe(const Analysis& a, const UnboundedChildren& u) {
  const ParentGrowth& g = a.growth[u.growth];
  const GrowthPoint& last = g.points.back();
  std::string out = "Context " + describe_context(a, g.context) + " (" + created_at(a, g.context) + ") holds " +
                    plural(last.registered_children, "registered child", "registered children");
  out += ", up " + format_count(static_cast<std::uint64_t>(std::llabs(g.last_children_delta))) +
         " since the previous snapshot";
  if (g.points.size() >= 3)
    out += "; growing by " + signed_rate(g.children_per_snapshot) + " children per snapshot (" +
           format_rate(g.children_per_second) + " children/s, " +
           format_bytes(static_cast<std::uint64_t>(std::max(0.0, g.bytes_per_second))) + "/s) over " +
           std::to_string(g.points.size()) + " snapshots";
  return out + ".";
}

std::string describe(const Analysis& a, const IdleEntry& e) {
  std::string out = "Context " + describe_context(a, e.context) + " (" + created_at(a, e.context) + ")";
  out += " has been in the children set of ";
  out += e.registrar == kNoIndex ? "#" + std::to_string(e.registrar_id) : describe_context(a, e.registrar);
  if (e.age_ns != 0) out += " for " + format_duration(e.age_ns);
  out += ", idle for " + format_duration(e.idle_ns) +
         " with its cancel kept but never called: not stale on one snapshot (a bounded cache cancels on eviction); "
         "stale if the set grows over a series.";
  return out;
}

std::string describe(const Analysis& a, const InFlightSet& s) {
  std::string out = plural(s.count, "uncancelled child", "uncancelled children") + " created at " +
                    (s.site == kNoIndex ? std::string("an unknown site") : describe_site(*a.profile, a.sites[s.site]));
  if (s.sampled)
    out += " (estimated from " + plural(s.samples, "sample", "samples") + ": " + format_count(s.low) + "–" +
           format_count(s.high) + ", 95 % range)";
  const std::string bound = "the in-flight bound (" + format_count(s.bound) + ", --in-flight)";
  // Over a series the flat count has decided: in flight, and `check` passes it.
  if (s.flat)
    return out + ": " + (s.sampled && s.high >= s.bound ? "its range reaches below " : "below ") + bound +
           " and the count did not grow beyond the previous snapshot's range over the series, as work in flight does; "
           "`check` passes it.";
  if (s.lingering) {
    const std::uint64_t allocated = std::max<std::uint64_t>(1, s.turnover.allocated_bytes);
    // Timer-heap residue can lift a busy server's requests over the bound (analyze_series).
    const std::string against = s.low >= s.bound ? ": over " + bound + " only since the previous snapshot"
                                                 : ": below " + bound;
    return out + against + "; the set grew from " + format_count(s.count_before) + " to " +
           format_count(s.count) + " since the previous snapshot while its allocation stacks allocated " + format_bytes(s.turnover.allocated_bytes) +
           " and kept " + format_bytes(s.turnover.kept_bytes) + " of it (" +
           format_share(static_cast<double>(s.turnover.kept_bytes) / static_cast<double>(allocated)) +
           "): cancelled deadline children lingering in the Go runtime's timer heap (before Go 1.23 a stopped timer "
           "stays there until it would have fired or the heap is cleaned), not leaked ones: a leak keeps every child "
           "whose cancel it drops.";
  }
  if (s.sampled && s.high >= s.bound)
    return out + ": not enough samples (" + format_count(s.samples) + ") to decide whether they are work in flight or a "
           "leak; the range reaches below " + bound + ". A series where the set grows, or a profile with a lower "
           "MemProfileRate, decides.";
  return out + ": below " + bound + ", as many as a busy server keeps in flight; one profile cannot tell them from a "
         "leak. A series where the set grows decides.";
}

namespace detail {

void write_idle_warnings(Analysis& a) {
  // One line per (registrar, site): a cache of a million entries is one warning.
  struct Group {
    ContextId registrar_id;
    Index site;
    std::uint64_t entries = 0, oldest_ns = 0, idle_ns = 0;
  };
  std::vector<Group> groups;
  for (const IdleEntry& e : a.findings.idle) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.registrar_id == e.registrar_id && g.site == e.site; });
    if (it == groups.end()) {
      if (groups.size() >= 20) continue;  // bounded: the JSON lists every entry
      groups.push_back({e.registrar_id, e.site});
      it = groups.end() - 1;
      it->idle_ns = e.idle_ns;
    }
    ++it->entries;
    it->oldest_ns = std::max(it->oldest_ns, e.age_ns);
    it->idle_ns = std::min(it->idle_ns, e.idle_ns);
  }
  for (const Group& g : groups) {
    std::string line = plural(g.entries, "child", "children") + " of #" + std::to_string(g.registrar_id) +
                       " created at " + describe_site(*a.profile, a.sites[g.site]) + " kept " +
                       (g.entries == 1 ? "its" : "their") + " cancel without calling it and idle for at least " +
                       format_duration(g.idle_ns);
    if (g.oldest_ns != 0) line += " (oldest " + format_duration(g.oldest_ns) + ")";
    line += ": not stale on one snapshot (a bounded cache cancels on eviction); stale if the set grows over a series.";
    a.warnings.push_back(std::move(line));
  }
}

void write_suspect_sentences(Analysis& a) {
  for (LeakSuspect& s : a.suspects) s.sentence = describe(a, a.stale_groups[s.group]);
}

}  // namespace detail
}  // namespace ctxheap::analyzer
