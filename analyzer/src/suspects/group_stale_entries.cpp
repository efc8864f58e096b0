// Stale entries grouped by (registrar, creation site) and ranked by what they retain;
// the groups over SuspectOptions' thresholds become leak suspects.
#include <algorithm>
#include <utility>

#include "model/flat_map.hpp"
#include "model/stage_progress.hpp"
#include "pipeline.hpp"

namespace ctxheap::analyzer {

std::string_view to_string(SuspectRanking ranking) noexcept {
  return ranking == SuspectRanking::Count ? "count" : "bytes";
}

namespace detail {

void group_stale_entries(Analysis& a, const RunControl& control) {
  Findings& f = a.findings;
  StageProgress progress(control, Stage::Suspects, f.stale.size());
  FlatIndexMap by_key;  // hash(registrar id, site) -> group
  std::vector<StaleGroup>& groups = a.stale_groups;
  groups.clear();
  // Entries are visited largest first, so each group's first entry is its largest.
  for (Index s = 0; s < f.stale.size(); ++s) {
    progress.tick(s);
    StaleChild& entry = f.stale[s];
    const std::uint64_t key = hash_combine(hash_combine(kHashSeed, entry.registrar_id), entry.site);
    const auto [it, added] = by_key.emplace(key, static_cast<Index>(groups.size()));
    if (added) {
      StaleGroup g;
      g.registrar = entry.registrar;
      g.registrar_id = entry.registrar_id;
      g.site = entry.site;
      g.first_entry = entry.context;
      groups.push_back(g);
    }
    StaleGroup& g = groups[it];
    const std::uint64_t n = entry.entries;
    g.entries += n;
    g.cancel_dropped += entry.reasons.cancel_dropped ? n : 0;
    g.growing_set += (entry.reasons.growing_set && !entry.reasons.cancel_dropped) ? n : 0;
    g.never_cancelled += entry.reasons.never_cancelled ? n : 0;
    g.timer_held += entry.reasons.timer_held ? n : 0;
    g.waiters += static_cast<std::uint64_t>(std::max(0, entry.waiters));
    g.retained += entry.retained;
    entry.group = it;
  }

  // Rank: retained bytes then entries, or entries then retained bytes (SuspectRanking);
  // remap the entries' group indices.
  std::vector<Index> order(groups.size());
  for (Index g = 0; g < order.size(); ++g) order[g] = g;
  const bool by_count = a.options.suspects.rank_by == SuspectRanking::Count;
  std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
    const auto bytes = [&](Index g) { return groups[g].retained.bytes; };
    const auto count = [&](Index g) { return groups[g].entries; };
    if (by_count) return std::make_pair(count(x), bytes(x)) > std::make_pair(count(y), bytes(y));
    return std::make_pair(bytes(x), count(x)) > std::make_pair(bytes(y), count(y));
  });
  std::vector<Index> new_index(groups.size());
  std::vector<StaleGroup> ranked;
  ranked.reserve(groups.size());
  for (Index r = 0; r < order.size(); ++r) {
    new_index[order[r]] = r;
    ranked.push_back(groups[order[r]]);
  }
  groups = std::move(ranked);
  for (StaleChild& entry : f.stale) entry.group = new_index[entry.group];

  const SuspectOptions& o = a.options.suspects;
  const double heap = static_cast<double>(a.summary.heap_inuse_bytes);
  a.suspects.clear();
  std::uint64_t suspects = 0;  // every group that is a suspect; the first max_suspects are listed
  for (Index g = 0; g < groups.size(); ++g) {
    StaleGroup& group = groups[g];
    group.heap_share = heap > 0 ? static_cast<double>(group.retained.bytes) / heap : 0.0;
    group.suspect = group.heap_share >= o.min_heap_share || group.entries >= o.min_entries;
    if (!group.suspect) continue;
    ++suspects;
    if (o.max_suspects != 0 && a.suspects.size() >= o.max_suspects) continue;
    LeakSuspect suspect;
    suspect.group = g;
    suspect.rank = static_cast<std::uint32_t>(a.suspects.size() + 1);
    a.suspects.push_back(std::move(suspect));
  }
  a.summary.stale_groups = groups.size();
  a.summary.suspects = suspects;
  write_suspect_sentences(a);
  progress.finish();
}

}  // namespace detail
}  // namespace ctxheap::analyzer
