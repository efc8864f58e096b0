// The allocation stacks of a subtree (subtree_stacks.hpp).
#include "ctxheap/analyzer/subtree_stacks.hpp"

#include <algorithm>
#include <unordered_map>

namespace ctxheap::analyzer {
namespace {

void add(SampleCounts& a, const SampleCounts& b) {
  a.alloc_objects += b.alloc_objects;
  a.alloc_bytes += b.alloc_bytes;
  a.inuse_objects += b.inuse_objects;
  a.inuse_bytes += b.inuse_bytes;
}

}  // namespace

SitesByContext::SitesByContext(const Analysis& a) {
  const Profile& p = *a.profile;
  const std::size_t n = p.contexts.size();
  std::vector<Index> owner(p.sites.size(), kNoIndex);
  begin_.assign(n + 1, 0);
  for (Index s = 0; s < p.sites.size(); ++s) {
    const ContextId id = p.sites[s].context_id;
    if (id == 0) {
      no_context_.push_back(s);
      continue;
    }
    owner[s] = a.forest.find(id);
    if (owner[s] != kNoIndex) ++begin_[owner[s] + 1];
  }
  for (std::size_t i = 0; i < n; ++i) begin_[i + 1] += begin_[i];
  list_.assign(begin_[n], 0);
  std::vector<std::uint32_t> fill(begin_.begin(), begin_.end() - 1);
  for (Index s = 0; s < p.sites.size(); ++s)
    if (owner[s] != kNoIndex) list_[fill[owner[s]]++] = s;
  const auto larger = [&p](Index x, Index y) { return p.sites[x].estimated.inuse_bytes > p.sites[y].estimated.inuse_bytes; };
  for (std::size_t i = 0; i < n; ++i)
    if (begin_[i + 1] - begin_[i] > 1) std::stable_sort(list_.begin() + begin_[i], list_.begin() + begin_[i + 1], larger);
  std::stable_sort(no_context_.begin(), no_context_.end(), larger);
}

std::span<const Index> SitesByContext::of(Index context) const noexcept {
  if (begin_.empty() || context >= begin_.size() - 1) return {};  // kNoIndex too
  return std::span<const Index>(list_).subspan(begin_[context], begin_[context + 1] - begin_[context]);
}

SubtreeStacks subtree_stacks(const Analysis& a, const SitesByContext& by_context, Index node, std::size_t top) {
  SubtreeStacks out;
  if (node >= a.forest.size()) return out;
  const Profile& p = *a.profile;
  std::unordered_map<Index, std::size_t> slot;  // stack -> out.stacks
  std::vector<Index> pending{node};
  while (!pending.empty()) {
    const Index n = pending.back();
    pending.pop_back();
    ++out.contexts;
    Index last_stack = kNoIndex;
    for (const Index s : by_context.of(n)) {
      const Site& site = p.sites[s];
      ++out.sites;
      add(out.total, site.estimated);
      auto [it, added] = slot.emplace(site.stack, out.stacks.size());
      if (added) out.stacks.push_back({site.stack, {}, 0});
      SubtreeStack& merged = out.stacks[it->second];
      add(merged.counts, site.estimated);
      if (site.stack != last_stack) ++merged.contexts;  // a context's sites have distinct stacks
      last_stack = site.stack;
    }
    for (const Index c : a.forest.children(n)) pending.push_back(c);
  }
  std::stable_sort(out.stacks.begin(), out.stacks.end(), [](const SubtreeStack& x, const SubtreeStack& y) {
    if (x.counts.inuse_bytes != y.counts.inuse_bytes) return x.counts.inuse_bytes > y.counts.inuse_bytes;
    return x.counts.alloc_bytes > y.counts.alloc_bytes;
  });
  out.distinct = out.stacks.size();
  if (top != 0 && out.stacks.size() > top) out.stacks.resize(top);
  return out;
}

}  // namespace ctxheap::analyzer
