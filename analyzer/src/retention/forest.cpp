// The retention forest in linear time without recursion: parent pointers, cycle cutting,
// a CSR child list, an explicit-stack preorder, then sums in reverse preorder.
#include <algorithm>
#include <vector>

#include "ctxheap/analyzer/retention.hpp"
#include "ctxheap/analyzer/kept_alive.hpp"
#include "model/stage_progress.hpp"

namespace ctxheap::analyzer {

std::string_view to_string(RetentionEdge edge) noexcept {
  switch (edge) {
    case RetentionEdge::Root: return "root";
    case RetentionEdge::Registered: return "registered";
    case RetentionEdge::CreatedFrom: return "created_from";
  }
  return "unknown";
}

void RetentionForest::mark_stale(Index i, const Retained& retained) noexcept {
  RetentionNode& n = nodes_[i];
  if (!n.stale && n.edge == RetentionEdge::Registered) ++nodes_[n.parent].stale_children;
  n.stale = true;
  n.retained = retained;
}

namespace {

/// Cuts every parent-pointer cycle (possible only in corrupt input) by making one node
/// of it a root. Each node is walked once.
std::size_t cut_cycles(std::vector<RetentionNode>& nodes) {
  constexpr std::uint32_t kDone = 0xffffffffu;
  std::vector<std::uint32_t> walk(nodes.size(), 0);  // 0 = unseen, kDone = finished
  std::vector<Index> path;
  std::size_t cut = 0;
  std::uint32_t walk_id = 0;
  for (Index start = 0; start < nodes.size(); ++start) {
    if (walk[start] != 0) continue;
    ++walk_id;
    path.clear();
    Index x = start;
    while (x != kNoIndex && walk[x] == 0) {
      walk[x] = walk_id;
      path.push_back(x);
      x = nodes[x].parent;
    }
    if (x != kNoIndex && walk[x] == walk_id) {  // came back to this walk: a cycle
      nodes[x].parent = kNoIndex;
      nodes[x].edge = RetentionEdge::Root;
      ++cut;
    }
    for (Index p : path) walk[p] = kDone;
  }
  return cut;
}

}  // namespace

RetentionForest build_forest(const Profile& profile, const RunControl& control) {
  RetentionForest f;
  f.profile_ = &profile;
  f.lookup_ = ContextLookup(profile);
  const auto n = static_cast<Index>(profile.contexts.size());
  detail::StageProgress progress(control, Stage::Forest, std::uint64_t{n} * 3);
  std::uint64_t step = 0;

  f.nodes_.resize(n);
  const std::uint64_t now = profile.meta.monotonic_time_ns;
  for (Index i = 0; i < n; ++i) {
    progress.tick(step++);
    const Context& c = profile.contexts[i];
    RetentionNode& node = f.nodes_[i];
    node.self = c.counters;
    node.age_ns = (now != 0 && c.created_ns != 0 && now >= c.created_ns) ? now - c.created_ns : 0;
    node.subtree_last_activity_ns = std::max(c.created_ns, c.last_alloc_ns);
    Index from = c.parent_id != 0 ? f.lookup_.find(c.parent_id) : kNoIndex;
    if (from == i) from = kNoIndex;
    Index reg = c.registered_under_id != 0 ? f.lookup_.find(c.registered_under_id) : kNoIndex;
    if (reg == i) reg = kNoIndex;
    if ((c.parent_id != 0 && from == kNoIndex) || (c.registered_under_id != 0 && reg == kNoIndex)) ++f.dangling_;
    node.created_from = from;
    if (reg != kNoIndex) {
      node.parent = reg;
      node.edge = RetentionEdge::Registered;
    } else if (from != kNoIndex) {
      node.parent = from;
      node.edge = RetentionEdge::CreatedFrom;
    }
    if (from != kNoIndex && !c.destroyed) ++f.nodes_[from].derived;
  }
  f.cycles_broken_ = cut_cycles(f.nodes_);

  // Children as CSR, in profile order.
  f.child_begin_.assign(std::size_t{n} + 1, 0);
  for (Index i = 0; i < n; ++i) {
    const RetentionNode& node = f.nodes_[i];
    if (node.parent == kNoIndex) {
      f.roots_.push_back(i);
      continue;
    }
    ++f.child_begin_[node.parent + 1];
    ++f.nodes_[node.parent].children;
    if (node.edge == RetentionEdge::Registered) ++f.nodes_[node.parent].registered_children;
  }
  for (Index i = 0; i < n; ++i) f.child_begin_[i + 1] += f.child_begin_[i];
  f.child_list_.resize(f.child_begin_[n]);
  {
    std::vector<std::uint32_t> fill(f.child_begin_.begin(), f.child_begin_.end() - 1);
    for (Index i = 0; i < n; ++i)
      if (const Index p = f.nodes_[i].parent; p != kNoIndex) f.child_list_[fill[p]++] = i;
  }

  // Preorder with an explicit stack; children pushed in reverse so they pop in order.
  f.preorder_.reserve(n);
  std::vector<Index> stack;
  for (auto r = f.roots_.rbegin(); r != f.roots_.rend(); ++r) stack.push_back(*r);
  while (!stack.empty()) {
    progress.tick(step++);
    const Index v = stack.back();
    stack.pop_back();
    f.preorder_.push_back(v);
    const auto kids = f.children(v);
    for (auto k = kids.rbegin(); k != kids.rend(); ++k) {
      f.nodes_[*k].depth = f.nodes_[v].depth + 1;
      stack.push_back(*k);
    }
  }

  // Sums, children before parents.
  for (auto it = f.preorder_.rbegin(); it != f.preorder_.rend(); ++it) {
    progress.tick(step++);
    RetentionNode& node = f.nodes_[*it];
    node.subtree += node.self;
    if (node.parent == kNoIndex) continue;
    RetentionNode& parent = f.nodes_[node.parent];
    parent.subtree += node.subtree;
    parent.subtree_contexts += node.subtree_contexts;
    parent.subtree_last_activity_ns = std::max(parent.subtree_last_activity_ns, node.subtree_last_activity_ns);
  }
  progress.finish();
  return f;
}

std::uint64_t tree_weight(const RetentionNode& node) noexcept {
  return std::max(node.subtree.inuse_bytes(), node.retained.bytes);
}

Index exclusive_values_of(const RetentionForest& forest, Index i) {
  const Profile& profile = forest.profile();
  const RetentionNode& entry = forest.node(i);
  const Index registrar = entry.edge == RetentionEdge::Registered ? entry.parent : kNoIndex;
  Index prev = i;
  Index top = kNoIndex;  // the highest exclusive value context so far
  Index p = entry.created_from;
  // The step bound only matters for corrupt input (a created-from cycle).
  for (std::size_t steps = 0; p != kNoIndex && p != registrar && steps < forest.size(); ++steps) {
    const Context& c = profile.contexts[p];
    const RetentionNode& value = forest.node(p);
    if (c.kind != ContextKind::Value || value.derived != 1 || profile.contexts[prev].destroyed) break;
    top = p;
    prev = p;
    p = value.created_from;
  }
  return top;
}

Retained retained_if_cancelled(const RetentionForest& forest, Index i) {
  const RetentionNode& entry = forest.node(i);
  Retained r;
  r.objects = entry.subtree.inuse_objects();
  r.bytes = entry.subtree.inuse_bytes();
  // A sampled estimate's range: only inferred contexts carry one, and they have no
  // subtree of their own (their counters are the whole of it).
  const Context& self = forest.profile().contexts[i];
  r.bytes_below = std::min(self.inuse_bytes_below, r.bytes);
  r.bytes_above = self.inuse_bytes_above;
  // Value contexts are never registered, so each exclusive value on the chain hangs under
  // the next one: the topmost one's forest subtree holds them all (and not the entry,
  // which hangs under its registrar).
  if (const Index top = exclusive_values_of(forest, i); top != kNoIndex) {
    r.objects += forest.node(top).subtree.inuse_objects();
    r.bytes += forest.node(top).subtree.inuse_bytes();
  }
  return r;
}

std::vector<Index> kept_alive_by_stale(const Analysis& a) {
  std::vector<Index> keeper(a.forest.size(), kNoIndex);
  for (const StaleChild& s : a.findings.stale)
    if (const Index top = exclusive_values_of(a.forest, s.context); top != kNoIndex) keeper[top] = s.context;
  return keeper;
}

}  // namespace ctxheap::analyzer
