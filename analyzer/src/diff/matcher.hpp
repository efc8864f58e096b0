// Pairs up keyed aggregates of two sides: equal strict keys first, then, among the
// still unmatched, equal loose keys when exactly one candidate on each side has it.
#pragma once

#include <cstdint>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "model/flat_map.hpp"

namespace ctxheap::analyzer::detail {

struct Keys {
  std::uint64_t strict = 0;
  std::uint64_t loose = 0;
};

/// Strict keys are unique within each side (callers aggregate by strict key).
/// Returns, for each before element, the matched after element or kNoIndex.
inline std::vector<Index> match_keys(const std::vector<Keys>& before, const std::vector<Keys>& after) {
  std::vector<Index> match(before.size(), kNoIndex);
  std::vector<bool> taken(after.size(), false);
  FlatIndexMap strict(after.size());
  for (Index j = 0; j < after.size(); ++j) strict.emplace(after[j].strict, j);
  for (Index i = 0; i < before.size(); ++i) {
    const Index j = strict.find(before[i].strict);
    if (j != kNoIndex && !taken[j]) {
      match[i] = j;
      taken[j] = true;
    }
  }
  // Loose fallback among the unmatched: per loose key, how many candidates and which.
  struct Candidates {
    std::uint32_t before = 0, after = 0;
    Index before_index = kNoIndex, after_index = kNoIndex;
  };
  std::vector<Candidates> candidates;
  FlatIndexMap loose;
  for (Index i = 0; i < before.size(); ++i) {
    if (match[i] != kNoIndex) continue;
    const auto [slot, added] = loose.emplace(before[i].loose, static_cast<Index>(candidates.size()));
    if (added) candidates.emplace_back();
    ++candidates[slot].before;
    candidates[slot].before_index = i;
  }
  if (candidates.empty()) return match;
  for (Index j = 0; j < after.size(); ++j) {
    if (taken[j]) continue;
    const Index slot = loose.find(after[j].loose);
    if (slot == kNoIndex) continue;
    ++candidates[slot].after;
    candidates[slot].after_index = j;
  }
  for (const Candidates& c : candidates)
    if (c.before == 1 && c.after == 1) match[c.before_index] = c.after_index;
  return match;
}

}  // namespace ctxheap::analyzer::detail
