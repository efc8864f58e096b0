// Impossible inputs are refused (docs/analysis.md, "Impossible inputs"): a context that is
// its own parent or registrar, a cycle of parents or registrars, or a context still alive
// whose parent or registrar is absent. The collector cannot write these; analysing them
// anyway gives nonsense (suspects adding up to more than the heap).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctxheap/analyzer/load.hpp"

namespace ctxheap::analyzer {
namespace {

std::string name_of(const Profile& p) { return p.meta.source_path.empty() ? std::string("profile") : p.meta.source_path; }

[[noreturn]] void refuse(const Profile& p, const std::string& what) { throw LoadError(name_of(p) + ": impossible context graph: " + what); }

/// Finds a cycle along `next` (kNoIndex = none), iteratively; returns a context on it.
template <typename Next>
Index find_cycle(std::size_t n, Next next) {
  enum : std::uint8_t { kNew, kOnPath, kDone };
  std::vector<std::uint8_t> state(n, kNew);
  std::vector<Index> path;
  for (Index start = 0; start < n; ++start) {
    if (state[start] != kNew) continue;
    Index at = start;
    while (at != kNoIndex && state[at] == kNew) {
      state[at] = kOnPath;
      path.push_back(at);
      at = next(at);
    }
    if (at != kNoIndex && state[at] == kOnPath) return at;
    for (Index v : path) state[v] = kDone;
    path.clear();
  }
  return kNoIndex;
}

}  // namespace

void check_context_graph(const Profile& p) {
  const auto n = p.contexts.size();
  std::unordered_map<ContextId, Index> by_id;
  by_id.reserve(n);
  for (Index i = 0; i < n; ++i) by_id.emplace(p.contexts[i].id, i);
  auto find = [&](ContextId id) -> Index {
    if (id == 0) return kNoIndex;
    const auto it = by_id.find(id);
    return it == by_id.end() ? kNoIndex : it->second;
  };
  for (const Context& c : p.contexts) {
    const std::string who = "context #" + std::to_string(c.id);
    if (c.parent_id == c.id) refuse(p, who + " is its own parent");
    if (c.registered_under_id == c.id) refuse(p, who + " is registered in its own children set");
    // A destroyed context may outlive its retired parent in the snapshot; a live one not.
    if (c.destroyed) continue;
    if (c.parent_id != 0 && find(c.parent_id) == kNoIndex)
      refuse(p, who + " derives from #" + std::to_string(c.parent_id) + ", which is not in the snapshot");
    if (c.registered_under_id != 0 && find(c.registered_under_id) == kNoIndex)
      refuse(p, who + " is registered under #" + std::to_string(c.registered_under_id) + ", which is not in the snapshot");
  }
  if (const Index v = find_cycle(n, [&](Index i) { return find(p.contexts[i].parent_id); }); v != kNoIndex)
    refuse(p, "context #" + std::to_string(p.contexts[v].id) + " is its own ancestor (a cycle of parents)");
  if (const Index v = find_cycle(n, [&](Index i) { return find(p.contexts[i].registered_under_id); }); v != kNoIndex)
    refuse(p, "context #" + std::to_string(p.contexts[v].id) + " is registered under its own descendant (a cycle of registrars)");
}

}  // namespace ctxheap::analyzer
