#include <algorithm>
#include <bit>

#include "ctxheap/analyzer/retention.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer {

ContextLookup::ContextLookup(const Profile& profile) {
  const std::size_t n = profile.contexts.size();
  ContextId lo = ~ContextId{0}, hi = 0;
  for (const Context& c : profile.contexts) {
    if (c.id == 0) continue;
    lo = std::min(lo, c.id);
    hi = std::max(hi, c.id);
  }
  // Dense ids (the usual case): a direct table of at most 4 entries per context.
  if (lo <= hi && hi - lo < 4 * static_cast<std::uint64_t>(n) + 1024) {
    direct_ = true;
    base_ = lo;
    values_.assign(hi - lo + 1, kNoIndex);
    for (Index i = 0; i < n; ++i) {
      const ContextId id = profile.contexts[i].id;
      if (id == 0) continue;
      Index& slot = values_[id - base_];
      if (slot != kNoIndex) {
        ++duplicates_;
        continue;
      }
      slot = i;
    }
    return;
  }
  // Sparse ids: open addressing with linear probing, at most half full.
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, n * 2));
  keys_.assign(capacity, 0);
  values_.assign(capacity, kNoIndex);
  mask_ = capacity - 1;
  for (Index i = 0; i < n; ++i) {
    const ContextId id = profile.contexts[i].id;
    if (id == 0) continue;  // 0 means "no context" and is never looked up
    std::uint64_t slot = detail::hash_combine(detail::kHashSeed, id) & mask_;
    while (keys_[slot] != 0 && keys_[slot] != id) slot = (slot + 1) & mask_;
    if (keys_[slot] == id) {
      ++duplicates_;
      continue;
    }
    keys_[slot] = id;
    values_[slot] = i;
  }
}

Index ContextLookup::find(ContextId id) const noexcept {
  if (id == 0 || values_.empty()) return kNoIndex;
  if (direct_) return id >= base_ && id - base_ < values_.size() ? values_[id - base_] : kNoIndex;
  std::uint64_t slot = detail::hash_combine(detail::kHashSeed, id) & mask_;
  while (keys_[slot] != 0) {
    if (keys_[slot] == id) return values_[slot];
    slot = (slot + 1) & mask_;
  }
  return kNoIndex;
}

}  // namespace ctxheap::analyzer
