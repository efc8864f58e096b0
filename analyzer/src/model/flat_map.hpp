// A map from 64-bit keys to indices: open addressing, linear probing, at most half
// full, no allocation per entry. Used wherever the analysis keys millions of things.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer::detail {

class FlatIndexMap {
 public:
  explicit FlatIndexMap(std::size_t expected = 0) { rehash(std::bit_ceil(std::max<std::size_t>(16, expected * 2))); }

  /// The index stored for `key`, or kNoIndex.
  Index find(std::uint64_t key) const noexcept {
    for (std::uint64_t slot = slot_of(key);; slot = (slot + 1) & mask_) {
      if (values_[slot] == kNoIndex) return kNoIndex;
      if (keys_[slot] == key) return values_[slot];
    }
  }

  /// Inserts (key, value) unless key is present; returns the stored value and whether
  /// it was inserted.
  std::pair<Index, bool> emplace(std::uint64_t key, Index value) {
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
    for (std::uint64_t slot = slot_of(key);; slot = (slot + 1) & mask_) {
      if (values_[slot] == kNoIndex) {
        keys_[slot] = key;
        values_[slot] = value;
        ++size_;
        return {value, true};
      }
      if (keys_[slot] == key) return {values_[slot], false};
    }
  }

  std::size_t size() const noexcept { return size_; }

 private:
  std::uint64_t slot_of(std::uint64_t key) const noexcept { return hash_combine(kHashSeed, key) & mask_; }

  void rehash(std::size_t capacity) {
    std::vector<std::uint64_t> keys(capacity, 0);
    std::vector<Index> values(capacity, kNoIndex);
    keys.swap(keys_);
    values.swap(values_);
    mask_ = capacity - 1;
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (values[i] != kNoIndex) emplace(keys[i], values[i]);
  }

  std::vector<std::uint64_t> keys_;
  std::vector<Index> values_;  // kNoIndex marks an empty slot, so kNoIndex is not storable
  std::uint64_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace ctxheap::analyzer::detail
