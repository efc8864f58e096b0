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

bool is_parent(const analyzer::Analysis& a, Index i) {
  const auto& node = a.node(i);
  return node.registered_children > 0 || (node.children > 0 && !holds_nothing(a.context(i).kind));
}

bool is_listed_site(const analyzer::CreationSite& site) { return site.self.alloc_bytes != 0 || site.stale != 0; }

}  // namespace

std::size_t parent_count(const analyzer::Analysis& a) {
  std::size_t n = 0;
  for (Index i = 0; i < a.forest.size(); ++i) n += is_parent(a, i) ? 1 : 0;
  return n;
}

std::size_t site_count(const analyzer::Analysis& a) {
  return static_cast<std::size_t>(std::count_if(a.sites.begin(), a.sites.end(), is_listed_site));
}

std::vector<Index> top_parents(const analyzer::Analysis& a, std::size_t n) {
  std::vector<Index> parents;
  for (Index i = 0; i < a.forest.size(); ++i)
    if (is_parent(a, i)) parents.push_back(i);
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
    if (is_listed_site(a.sites[i])) sites.push_back(i);
  keep_top(sites, n, [&](Index x, Index y) {
    const auto& sx = a.sites[x];
    const auto& sy = a.sites[y];
    return std::make_tuple(sy.self.inuse_bytes(), sy.contexts, x) < std::make_tuple(sx.self.inuse_bytes(), sx.contexts, y);
  });
  return sites;
}

}  // namespace ctxheap::report
