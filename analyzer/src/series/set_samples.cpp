// What an inferred children set had in the previous profile of a series when the
// recognizer inferred no set there (pipeline.hpp, samples_before): a sampled profile may
// hold samples of the set's buffers but none of its contexts, its map or its timers.
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline.hpp"

namespace ctxheap::analyzer::detail {
namespace {

using StackKey = std::vector<std::pair<std::string_view, std::uint32_t>>;

StackKey key_of(const Profile& p, Index stack) {
  StackKey key;
  for (const Frame& f : p.stack_frames(stack)) key.emplace_back(p.str(f.function), f.line);
  return key;
}

}  // namespace

std::uint64_t samples_before(const Profile& latest, ContextId set, const Profile& previous) {
  std::set<StackKey> stacks;
  for (const Site& site : latest.sites)
    if (site.context_id == set && site.sampled.inuse_objects > 0) stacks.insert(key_of(latest, site.stack));
  if (stacks.empty()) return 0;
  std::uint64_t samples = 0;
  for (const Site& site : previous.sites)
    if (site.sampled.inuse_objects > 0 && stacks.contains(key_of(previous, site.stack)))
      samples += site.sampled.inuse_objects;
  return samples;
}

}  // namespace ctxheap::analyzer::detail
