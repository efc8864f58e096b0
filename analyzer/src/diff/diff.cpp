// Before/after comparison: per creation site, per parent, and per stale group.
#include "ctxheap/analyzer/diff.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "diff/matcher.hpp"
#include "model/flat_map.hpp"
#include "model/hash.hpp"
#include "model/stage_progress.hpp"

namespace ctxheap::analyzer {

std::string_view to_string(MatchMode mode) noexcept {
  switch (mode) {
    case MatchMode::Auto: return "auto";
    case MatchMode::ById: return "id";
    case MatchMode::ByCreationPath: return "creation_path";
  }
  return "unknown";
}

std::string_view to_string(GroupChange change) noexcept {
  switch (change) {
    case GroupChange::Fixed: return "fixed";
    case GroupChange::New: return "new";
    case GroupChange::Persisting: return "persisting";
  }
  return "unknown";
}

std::size_t ProfileDiff::count(GroupChange change) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(groups.begin(), groups.end(), [change](const StaleGroupDelta& g) { return g.change == change; }));
}

namespace {

using detail::hash_combine;
using detail::Keys;
using detail::kHashSeed;

std::int64_t signed_delta(std::uint64_t before, std::uint64_t after) {
  return static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
}

/// The key each creation site matches by. Two lines of one function are two sites in
/// every mode: within a run the line itself tells them apart; across runs (where lines
/// shift) the line's rank among the lines of that function and file in its own run does,
/// so handler.cpp:23 and :25 pair with the other run's :22 and :24, in order, and never
/// merge.
std::vector<std::uint64_t> site_match_keys(const Analysis& a, MatchMode mode) {
  std::vector<std::uint64_t> out(a.sites.size());
  if (mode == MatchMode::ById) {
    for (Index i = 0; i < a.sites.size(); ++i) out[i] = hash_combine(a.sites[i].key, a.sites[i].line);
    return out;
  }
  std::vector<Index> order(a.sites.size());
  for (Index i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
    return std::make_pair(a.sites[x].key, a.sites[x].line) < std::make_pair(a.sites[y].key, a.sites[y].line);
  });
  std::uint64_t rank = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const CreationSite& s = a.sites[order[k]];
    if (k == 0 || a.sites[order[k - 1]].key != s.key) rank = 0;
    else if (a.sites[order[k - 1]].line != s.line) ++rank;
    out[order[k]] = hash_combine(s.key, rank);
  }
  return out;
}

/// Creation-site path keys of every context: its retention ancestors' sites and its own.
struct PathKeys {
  std::vector<std::uint64_t> strict, loose;
};

PathKeys path_keys(const Analysis& a) {
  PathKeys k;
  k.strict.resize(a.forest.size());
  k.loose.resize(a.forest.size());
  const std::vector<std::uint64_t> site_keys = site_match_keys(a, MatchMode::ByCreationPath);
  for (Index v : a.forest.preorder()) {
    const Index p = a.forest.node(v).parent;
    const CreationSite& s = a.site_of(v);
    k.strict[v] = hash_combine(p == kNoIndex ? kHashSeed : k.strict[p], site_keys[a.context_site[v]]);
    k.loose[v] = hash_combine(p == kNoIndex ? kHashSeed : k.loose[p], s.loose_key);
  }
  return k;
}

// ---- Sites ----

struct SiteAgg {
  Keys keys;
  SiteSide side;
};

std::vector<SiteAgg> aggregate_sites(const Analysis& a, MatchMode mode) {
  std::vector<SiteAgg> out;
  detail::FlatIndexMap by_key(a.sites.size());
  const std::vector<std::uint64_t> keys = site_match_keys(a, mode);
  for (Index i = 0; i < a.sites.size(); ++i) {
    const CreationSite& s = a.sites[i];
    if (s.contexts == 0) continue;
    const auto [it, added] = by_key.emplace(keys[i], static_cast<Index>(out.size()));
    if (added) out.push_back({{keys[i], s.loose_key}, SiteSide{}});
    SiteSide& side = out[it].side;
    if (side.site == kNoIndex || a.sites[side.site].contexts < s.contexts) side.site = i;
    side.contexts += s.contexts;
    side.live += s.live;
    side.stale += s.stale;
    side.self += s.self;
    side.stale_retained += s.stale_retained;
  }
  return out;
}

std::vector<Keys> keys_of(const auto& aggregates) {
  std::vector<Keys> keys;
  keys.reserve(aggregates.size());
  for (const auto& agg : aggregates) keys.push_back(agg.keys);
  return keys;
}

/// Calls emit(before element or nullptr, after element or nullptr) for every pair and
/// every unmatched element of either side.
template <typename T, typename Emit>
void for_each_pair(const std::vector<T>& before, const std::vector<T>& after, Emit emit) {
  const auto match = detail::match_keys(keys_of(before), keys_of(after));
  std::vector<bool> taken(after.size(), false);
  for (Index i = 0; i < before.size(); ++i) {
    if (match[i] != kNoIndex) taken[match[i]] = true;
    emit(&before[i], match[i] == kNoIndex ? nullptr : &after[match[i]]);
  }
  for (Index j = 0; j < after.size(); ++j)
    if (!taken[j]) emit(nullptr, &after[j]);
}

std::vector<SiteDelta> diff_sites(const Analysis& before, const Analysis& after, MatchMode mode) {
  std::vector<SiteDelta> out;
  for_each_pair(aggregate_sites(before, mode), aggregate_sites(after, mode), [&](const SiteAgg* b, const SiteAgg* a) {
    out.push_back({b ? b->side : SiteSide{}, a ? a->side : SiteSide{}});
  });
  std::stable_sort(out.begin(), out.end(), [](const SiteDelta& x, const SiteDelta& y) {
    return std::llabs(signed_delta(x.before.self.inuse_bytes(), x.after.self.inuse_bytes())) >
           std::llabs(signed_delta(y.before.self.inuse_bytes(), y.after.self.inuse_bytes()));
  });
  return out;
}

// ---- Parents ----

ParentSide parent_side(const Analysis& a, Index i) {
  ParentSide side;
  if (i == kNoIndex) return side;
  const RetentionNode& n = a.node(i);
  side.context = i;
  side.contexts = 1;
  side.registered_children = n.registered_children;
  side.stale_children = n.stale_children;
  side.subtree = n.subtree;
  return side;
}

std::vector<ParentDelta> parents_by_id(const Analysis& before, const Analysis& after) {
  std::vector<ParentDelta> out;
  for (Index i = 0; i < before.forest.size(); ++i)
    if (before.node(i).registered_children > 0)
      out.push_back({parent_side(before, i), parent_side(after, after.forest.find(before.context(i).id))});
  for (Index j = 0; j < after.forest.size(); ++j) {
    if (after.node(j).registered_children == 0) continue;
    const Index i = before.forest.find(after.context(j).id);
    if (i == kNoIndex || before.node(i).registered_children == 0) out.push_back({parent_side(before, i), parent_side(after, j)});
  }
  return out;
}

struct ParentAgg {
  Keys keys;
  ParentSide side;
};

std::vector<ParentAgg> aggregate_paths(const Analysis& a, const PathKeys& paths) {
  std::vector<ParentAgg> out;
  detail::FlatIndexMap by_key(a.forest.size());
  for (Index v = 0; v < a.forest.size(); ++v) {
    const auto [it, added] = by_key.emplace(paths.strict[v], static_cast<Index>(out.size()));
    if (added) out.push_back({{paths.strict[v], paths.loose[v]}, ParentSide{}});
    ParentSide& side = out[it].side;
    const RetentionNode& n = a.node(v);
    if (side.context == kNoIndex || a.node(side.context).registered_children < n.registered_children) side.context = v;
    ++side.contexts;
    side.registered_children += n.registered_children;
    side.stale_children += n.stale_children;
    side.subtree += n.subtree;
  }
  return out;
}

std::vector<ParentDelta> parents_by_path(const Analysis& before, const Analysis& after, const PathKeys& before_paths,
                                         const PathKeys& after_paths) {
  std::vector<ParentDelta> out;
  for_each_pair(aggregate_paths(before, before_paths), aggregate_paths(after, after_paths),
                [&](const ParentAgg* b, const ParentAgg* a) {
                  const bool parent = (b && b->side.registered_children > 0) || (a && a->side.registered_children > 0);
                  if (parent) out.push_back({b ? b->side : ParentSide{}, a ? a->side : ParentSide{}});
                });
  return out;
}

// ---- Stale groups ----

struct GroupAgg {
  Keys keys;
  Index group = kNoIndex;  // the largest group under this key
  std::uint64_t entries = 0;
  std::uint64_t retained_bytes = 0;
  bool suspect = false;
};

std::vector<GroupAgg> aggregate_groups(const Analysis& a, MatchMode mode, const PathKeys* paths) {
  std::vector<GroupAgg> out;
  detail::FlatIndexMap by_key(a.stale_groups.size());
  const std::vector<std::uint64_t> site_keys = site_match_keys(a, mode);
  for (Index g = 0; g < a.stale_groups.size(); ++g) {
    const StaleGroup& group = a.stale_groups[g];
    const CreationSite& site = a.sites[group.site];
    const std::uint64_t site_key = site_keys[group.site];
    Keys keys;
    if (mode == MatchMode::ById || group.registrar == kNoIndex) {
      const std::uint64_t reg = hash_combine(kHashSeed, group.registrar_id);
      keys = {hash_combine(reg, site_key), hash_combine(reg, site.loose_key)};
    } else {
      keys = {hash_combine(paths->strict[group.registrar], site_key), hash_combine(paths->loose[group.registrar], site.loose_key)};
    }
    const auto [it, added] = by_key.emplace(keys.strict, static_cast<Index>(out.size()));
    if (added) out.push_back({keys, g});  // groups are ranked: the first is the largest
    GroupAgg& agg = out[it];
    agg.entries += group.entries;
    agg.retained_bytes += group.retained.bytes;
    agg.suspect = agg.suspect || group.suspect;
  }
  return out;
}

std::string children(std::uint64_t n) { return format_count(n) + (n == 1 ? " stale child" : " stale children"); }

std::string holder(const Analysis& a, const StaleGroup& g) {
  if (g.registrar == kNoIndex) return "#" + std::to_string(g.registrar_id);
  return describe_context(a, g.registrar) + " (created at " + describe_site(*a.profile, a.site_of(g.registrar)) + ")";
}

std::string group_sentence(const StaleGroupDelta& d, const Analysis& before, const Analysis& after) {
  const Analysis& side = d.after != kNoIndex ? after : before;
  const StaleGroup& g = side.stale_groups[d.after != kNoIndex ? d.after : d.before];
  std::string site = describe_site(*side.profile, side.sites[g.site]);
  if (d.before != kNoIndex && d.after != kNoIndex) {
    // Each run's own line: a site that moved says where it was.
    const std::string was = describe_site(*before.profile, before.sites[before.stale_groups[d.before].site]);
    if (was != site) site += " (before: " + was + ")";
  }
  switch (d.change) {
    case GroupChange::Fixed:
      return "Fixed: " + holder(before, g) + " no longer holds the " + children(d.entries_before) + " created at " + site +
             " that retained " + format_bytes(d.retained_bytes_before) + ".";
    case GroupChange::New:
      return "New: " + holder(after, g) + " holds " + children(d.entries_after) + " created at " + site +
             (d.entries_after == 1 ? " that retains " : " that retain ") + format_bytes(d.retained_bytes_after) + ".";
    case GroupChange::Persisting:
      return "Still there: " + holder(after, g) + " holds " + children(d.entries_after) + " created at " + site + " (was " +
             format_count(d.entries_before) + ")" + (d.entries_after == 1 ? " that retains " : " that retain ") +
             format_bytes(d.retained_bytes_after) + " (was " + format_bytes(d.retained_bytes_before) + ").";
  }
  return {};
}

std::vector<StaleGroupDelta> diff_groups(const Analysis& before, const Analysis& after, MatchMode mode,
                                         const PathKeys* before_paths, const PathKeys* after_paths) {
  std::vector<StaleGroupDelta> out;
  for_each_pair(aggregate_groups(before, mode, before_paths), aggregate_groups(after, mode, after_paths),
                [&](const GroupAgg* b, const GroupAgg* a) {
                  StaleGroupDelta d;
                  d.change = !a ? GroupChange::Fixed : !b ? GroupChange::New : GroupChange::Persisting;
                  if (b) {
                    d.before = b->group;
                    d.entries_before = b->entries;
                    d.retained_bytes_before = b->retained_bytes;
                    d.suspect_before = b->suspect;
                  }
                  if (a) {
                    d.after = a->group;
                    d.entries_after = a->entries;
                    d.retained_bytes_after = a->retained_bytes;
                    d.suspect_after = a->suspect;
                  }
                  d.sentence = group_sentence(d, before, after);
                  out.push_back(std::move(d));
                });
  std::stable_sort(out.begin(), out.end(), [](const StaleGroupDelta& x, const StaleGroupDelta& y) {
    if (x.change != y.change) return x.change < y.change;
    return std::max(x.retained_bytes_before, x.retained_bytes_after) >
           std::max(y.retained_bytes_before, y.retained_bytes_after);
  });
  return out;
}

Counters heap(const Analysis& a) {
  Counters c = a.summary.contexts_total;
  c += a.summary.no_context;
  return c;
}

}  // namespace

std::string_view match_rule_text(const ProfileDiff& d) noexcept {
  if (!d.contexts) return "no contexts to match: allocation stacks compared by function";
  return d.mode == MatchMode::ById ? "contexts matched by id (same run)" : "contexts matched by creation path (different runs)";
}

std::string describe_site_delta(const Analysis& before, const Analysis& after, const SiteDelta& d) {
  const std::string was = d.before.site == kNoIndex ? std::string() : describe_site(*before.profile, before.sites[d.before.site]);
  if (d.after.site == kNoIndex) return was.empty() ? std::string("an unknown site") : was;
  const std::string now = describe_site(*after.profile, after.sites[d.after.site]);
  return was.empty() || was == now ? now : now + " (before: " + was + ")";
}

ProfileDiff diff(const Analysis& before, const Analysis& after, const DiffOptions& options, const RunControl& control) {
  detail::StageProgress progress(control, Stage::Diff, 4);
  ProfileDiff d;
  d.mode = options.match != MatchMode::Auto ? options.match
           : same_run(*before.profile, *after.profile) ? MatchMode::ById
                                                         : MatchMode::ByCreationPath;
  d.contexts = !before.profile->contexts.empty() || !after.profile->contexts.empty();
  d.sites = diff_sites(before, after, d.mode);
  progress.tick(1);
  PathKeys before_paths, after_paths;
  if (d.mode == MatchMode::ByCreationPath) {
    before_paths = path_keys(before);
    after_paths = path_keys(after);
    progress.check();
    d.parents = parents_by_path(before, after, before_paths, after_paths);
  } else {
    d.parents = parents_by_id(before, after);
  }
  std::stable_sort(d.parents.begin(), d.parents.end(), [](const ParentDelta& x, const ParentDelta& y) {
    return std::llabs(signed_delta(x.before.subtree.inuse_bytes(), x.after.subtree.inuse_bytes())) >
           std::llabs(signed_delta(y.before.subtree.inuse_bytes(), y.after.subtree.inuse_bytes()));
  });
  progress.tick(2);
  d.groups = diff_groups(before, after, d.mode, &before_paths, &after_paths);
  d.heap_before = heap(before);
  d.heap_after = heap(after);
  d.stale_before = before.summary.stale;
  d.stale_after = after.summary.stale;
  d.stale_retained_before = before.summary.stale_retained.bytes;
  d.stale_retained_after = after.summary.stale_retained.bytes;
  progress.finish();
  return d;
}

}  // namespace ctxheap::analyzer
