// What an inferred children set had in the previous profile of a series, read at the
// set's allocation stacks (pipeline.hpp): the samples there when the recognizer inferred
// no set (a sampled profile may hold samples of the set's buffers but none of its
// contexts, its map or its timers), and what those stacks allocated and kept in between.
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

/// The set's allocation stacks in `latest`, by their shown frames' functions and lines.
std::set<StackKey> set_stacks(const Profile& latest, ContextId set) {
  std::set<StackKey> stacks;
  for (const Site& site : latest.sites)
    if (site.context_id == set) stacks.insert(key_of(latest, site.stack));
  return stacks;
}

}  // namespace

SetTurnover set_turnover(const Profile& latest, ContextId set, const Profile& previous) {
  const std::set<StackKey> stacks = set_stacks(latest, set);
  SetTurnover t;
  std::uint64_t alloc_before = 0, inuse_before = 0, alloc_now = 0, inuse_now = 0;
  for (const Site& site : latest.sites)
    if (site.context_id == set) alloc_now += site.estimated.alloc_bytes, inuse_now += site.estimated.inuse_bytes;
  for (const Site& site : previous.sites)
    if (stacks.contains(key_of(previous, site.stack)))
      alloc_before += site.estimated.alloc_bytes, inuse_before += site.estimated.inuse_bytes;
  t.allocated_bytes = alloc_now > alloc_before ? alloc_now - alloc_before : 0;
  t.kept_bytes = inuse_now > inuse_before ? inuse_now - inuse_before : 0;
  return t;
}

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
