// The parents and creation sites the tables show.
#include <algorithm>
#include <tuple>

#include "ctxheap/report/selection.hpp"

namespace ctxheap::report {
namespace {

using analyzer::Index;

/// Sorts `items` by `before` and cuts it to n (0 = all), sorting only what is kept.
template <class Less>
void keep_top(std::vector<Index>& items, std::size_t n, Less before) {
  if (n == 0 || n >= items.size()) {
    std::sort(items.begin(), items.end(), before);
    return;
  }
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n), items.end(), before);
  items.resize(n);
}

bool holds_nothing(analyzer::ContextKind kind) {
  return kind == analyzer::ContextKind::Background || kind == analyzer::ContextKind::Todo;
}

}  // namespace

std::vector<Index> top_parents(const analyzer::Analysis& a, std::size_t n) {
  std::vector<Index> parents;
  for (Index i = 0; i < a.forest.size(); ++i) {
    const auto& node = a.node(i);
    if (node.registered_children > 0 || (node.children > 0 && !holds_nothing(a.context(i).kind))) parents.push_back(i);
  }
  keep_top(parents, n, [&](Index x, Index y) {
    const auto& nx = a.node(x);
    const auto& ny = a.node(y);
    return std::make_tuple(ny.subtree.inuse_bytes(), ny.registered_children, x) <
           std::make_tuple(nx.subtree.inuse_bytes(), nx.registered_children, y);
  });
  return parents;
}

std::vector<Index> top_sites(const analyzer::Analysis& a, std::size_t n) {
  std::vector<Index> sites;
  for (Index i = 0; i < a.sites.size(); ++i)
    if (a.sites[i].self.alloc_bytes != 0 || a.sites[i].stale != 0) sites.push_back(i);
  keep_top(sites, n, [&](Index x, Index y) {
    const auto& sx = a.sites[x];
    const auto& sy = a.sites[y];
    return std::make_tuple(sy.self.inuse_bytes(), sy.contexts, x) < std::make_tuple(sx.self.inuse_bytes(), sx.contexts, y);
  });
  return sites;
}

}  // namespace ctxheap::report
