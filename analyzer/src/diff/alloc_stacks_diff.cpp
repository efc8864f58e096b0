// The diff of two inputs' folded allocation stacks (alloc_stacks_diff.hpp).
#include "ctxheap/analyzer/alloc_stacks_diff.hpp"

#include <algorithm>
#include <compare>
#include <unordered_map>

namespace ctxheap::analyzer {
namespace {

/// The ranking of a change: in-use bytes, then in-use objects, then allocated bytes.
struct Rank {
  std::uint64_t inuse_bytes, inuse_objects, alloc_bytes;
  auto operator<=>(const Rank&) const = default;
};
std::uint64_t magnitude(std::int64_t v) noexcept {
  return v >= 0 ? static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(-(v + 1)) + 1;
}
Rank rank_of(const SampleCounts& b, const SampleCounts& a) noexcept {
  return {magnitude(signed_change(b.inuse_bytes, a.inuse_bytes)), magnitude(signed_change(b.inuse_objects, a.inuse_objects)),
          magnitude(signed_change(b.alloc_bytes, a.alloc_bytes))};
}

/// A folded stack's identity across inputs: its shown names, root first.
std::string key_of(const AllocationStacks& s, std::size_t i) {
  std::string key;
  for (const FunctionId f : s.stack(i)) {
    key += s.function_name(f);
    key += '\0';
  }
  return key;
}

template <typename Row>
void rank_and_cut(std::vector<Row>& rows, std::vector<Rank>& ranks, std::size_t top) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  // Stable: equal changes keep first-met order (before's, then after's new rows).
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return ranks[x] > ranks[y]; });
  if (top != 0 && order.size() > top) order.resize(top);
  std::vector<Row> out;
  out.reserve(order.size());
  for (const std::size_t k : order) out.push_back(std::move(rows[k]));
  rows = std::move(out);
}

}  // namespace

std::string AllocStackDelta::path() const {
  std::string out;
  for (const std::string& f : frames) {
    if (!out.empty()) out += ';';
    out += f;
  }
  return out;
}

AllocationDiff diff_allocation_stacks(const AllocationStacks& before, const AllocationStacks& after, std::size_t top) {
  AllocationDiff d;
  d.detail = after.detail();
  d.estimated = before.estimated() || after.estimated();
  d.total_before = before.total();
  d.total_after = after.total();
  d.objects_only = d.total_before.inuse_bytes == 0 && d.total_before.alloc_bytes == 0 && d.total_after.inuse_bytes == 0 &&
                   d.total_after.alloc_bytes == 0;

  // Stacks, matched by their shown names.
  std::unordered_map<std::string, std::size_t> by_key;
  by_key.reserve(before.stack_count() + after.stack_count());
  const auto add_side = [&](const AllocationStacks& side, bool is_before) {
    for (std::size_t i = 0; i < side.stack_count(); ++i) {
      auto [it, added] = by_key.try_emplace(key_of(side, i), d.stacks.size());
      if (added) {
        AllocStackDelta row;
        for (const FunctionId f : side.stack(i)) row.frames.emplace_back(side.function_name(f));
        d.stacks.push_back(std::move(row));
      }
      (is_before ? d.stacks[it->second].before : d.stacks[it->second].after) = side.stack_counts(i);
    }
  };
  add_side(before, true);
  add_side(after, false);
  std::erase_if(d.stacks, [](const AllocStackDelta& s) { return s.before == s.after; });
  std::vector<Rank> ranks;
  ranks.reserve(d.stacks.size());
  for (const auto& s : d.stacks) ranks.push_back(rank_of(s.before, s.after));
  rank_and_cut(d.stacks, ranks, top);

  // Functions, matched by name, with the analyzer's inclusive and self figures.
  std::unordered_map<std::string_view, std::size_t> by_name;
  const auto before_rows = before.functions(AllocMeasure::InUse);
  const auto after_rows = after.functions(AllocMeasure::InUse);
  const auto add_functions = [&](const AllocationStacks& side, const std::vector<AllocNode>& rows, bool is_before) {
    for (const AllocNode& n : rows) {
      const std::string_view name = side.function_name(n.function);
      auto [it, added] = by_name.try_emplace(name, d.functions.size());
      if (added) d.functions.push_back({std::string(name), {}, {}, {}, {}});
      AllocFunctionDelta& f = d.functions[it->second];
      (is_before ? f.total_before : f.total_after) = n.total;
      (is_before ? f.self_before : f.self_after) = n.self;
    }
  };
  add_functions(before, before_rows, true);
  add_functions(after, after_rows, false);
  std::erase_if(d.functions, [](const AllocFunctionDelta& f) {
    return f.total_before == f.total_after && f.self_before == f.self_after;
  });
  ranks.clear();
  for (const auto& f : d.functions) ranks.push_back(rank_of(f.total_before, f.total_after));
  rank_and_cut(d.functions, ranks, top);
  return d;
}

AllocationDiff diff_allocation_stacks(const Profile& before, const Profile& after, FrameDetail detail, std::size_t top) {
  return diff_allocation_stacks(AllocationStacks(before, detail), AllocationStacks(after, detail), top);
}

}  // namespace ctxheap::analyzer
