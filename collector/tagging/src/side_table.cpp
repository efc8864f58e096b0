#include "side_table.hpp"

#include <sched.h>

#include <mutex>

namespace ctxheap::collector {
namespace {

constexpr int kSlotBits = 20;
constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
constexpr std::uintptr_t kMaxAddress = std::uintptr_t{1} << 47;

std::uint64_t address_bits(std::uint64_t key) noexcept { return key >> kSlotBits; }

}  // namespace

void SpinLock::yield() noexcept { sched_yield(); }

SideTable::~SideTable() {
  for (Shard& s : shards_) {
    unreserve(s.buckets, kMaxBuckets * sizeof(Bucket));
    unreserve(s.overflow, kMaxOverflow * sizeof(Overflow));
  }
}

bool SideTable::ensure_shard(Shard& s) noexcept {
  if (s.buckets) return true;
  auto* b = static_cast<Bucket*>(reserve_zeroed(kMaxBuckets * sizeof(Bucket)));
  auto* o = static_cast<Overflow*>(reserve_zeroed(kMaxOverflow * sizeof(Overflow)));
  if (!b || !o) {
    unreserve(b, kMaxBuckets * sizeof(Bucket));
    unreserve(o, kMaxOverflow * sizeof(Overflow));
    return false;
  }
  s.buckets = b;
  s.overflow = o;
  s.low_size = 16;
  s.split = 0;
  return true;
}

// Linear hashing: buckets below the split pointer have already been split and use one
// more bit of the hash.
std::size_t SideTable::bucket_index(const Shard& s, std::uint64_t hash) const noexcept {
  std::size_t i = hash & (s.low_size - 1);
  if (i < s.split) i = hash & (2 * s.low_size - 1);
  return i;
}

std::uint32_t SideTable::new_overflow(Shard& s) noexcept {
  std::uint32_t link;
  if (s.overflow_free != 0) {
    link = s.overflow_free;
    s.overflow_free = overflow_bucket(s, link)->next;
  } else {
    if (s.overflow_used == kMaxOverflow) return 0;
    link = ++s.overflow_used;
  }
  *overflow_bucket(s, link) = Overflow{};
  ++s.overflow_live;
  return link;
}

void SideTable::free_overflow(Shard& s, std::uint32_t link) noexcept {
  overflow_bucket(s, link)->next = s.overflow_free;
  s.overflow_free = link;
  --s.overflow_live;
}

// Visits every slot of a chain (empty ones too): f(key&, val&) returns true to stop.
template <class F>
void SideTable::for_each_entry(Shard& s, std::size_t bucket, F&& f) noexcept {
  Bucket& b = s.buckets[bucket];
  for (int w = 0; w < kWays; ++w)
    if (f(b.keys[w], b.vals[w])) return;
  for (std::uint32_t link = b.next; link != 0;) {
    Overflow* o = overflow_bucket(s, link);
    for (int w = 0; w < kOverflowWays; ++w)
      if (f(o->keys[w], o->vals[w])) return;
    link = o->next;
  }
}

bool SideTable::place(Shard& s, std::size_t bucket, std::uint64_t key, std::uint32_t val) noexcept {
  bool placed = false;
  for_each_entry(s, bucket, [&](std::uint64_t& k, std::uint32_t& v) {
    if (k != 0) return false;
    k = key;
    v = val;
    placed = true;
    return true;
  });
  if (placed) return true;
  // Chain full: prepend a fresh overflow bucket (order within a chain does not matter).
  const std::uint32_t link = new_overflow(s);
  if (link == 0) return false;
  Overflow* o = overflow_bucket(s, link);
  o->keys[0] = key;
  o->vals[0] = val;
  o->next = s.buckets[bucket].next;
  s.buckets[bucket].next = link;
  return true;
}

std::size_t SideTable::chain_overflow_count(Shard& s, std::size_t bucket) noexcept {
  std::size_t n = 0;
  for (std::uint32_t link = s.buckets[bucket].next; link != 0; link = overflow_bucket(s, link)->next) ++n;
  return n;
}

// Moves the entries of chain `from` that belong to its new sibling, then compacts.
void SideTable::split_one(Shard& s) noexcept {
  const std::size_t from = s.split;
  const std::size_t to = from + s.low_size;
  if (to >= kMaxBuckets) return;  // at the reservation's end: chains just get longer
  // Moving entries needs at most as many overflow buckets as the chain has entries
  // beyond one primary bucket; split only when they are surely available, or an entry
  // could end up where lookups will not look.
  const std::size_t needed = chain_overflow_count(s, from) + 1;
  const std::size_t spare = (kMaxOverflow - s.overflow_used) + (s.overflow_used - s.overflow_live);
  if (spare < needed) return;
  s.buckets[to] = Bucket{};
  const std::size_t wide_mask = 2 * s.low_size - 1;
  for_each_entry(s, from, [&](std::uint64_t& key, std::uint32_t& val) {
    if (key != 0 && (mix64(address_bits(key)) & wide_mask) == to) {
      place(s, to, key, val);  // cannot fail: overflow space was checked above
      key = 0;
    }
    return false;
  });
  if (++s.split == s.low_size) {
    s.low_size *= 2;
    s.split = 0;
  }
  compact_chain(s, from);
}

// Packs a chain's entries into its primary bucket first and frees the overflow buckets
// that end up empty.
void SideTable::compact_chain(Shard& s, std::size_t bucket) noexcept {
  Bucket& b = s.buckets[bucket];
  std::uint32_t link = b.next;
  b.next = 0;
  // Entries of the primary bucket stay; gather the overflow entries back in.
  while (link != 0) {
    Overflow* o = overflow_bucket(s, link);
    const std::uint32_t next = o->next;
    std::uint64_t keys[kOverflowWays];
    std::uint32_t vals[kOverflowWays];
    for (int w = 0; w < kOverflowWays; ++w) {
      keys[w] = o->keys[w];
      vals[w] = o->vals[w];
    }
    free_overflow(s, link);
    for (int w = 0; w < kOverflowWays; ++w)
      if (keys[w] != 0) place(s, bucket, keys[w], vals[w]);  // reuses the freed buckets
    link = next;
  }
}

bool SideTable::insert(std::uintptr_t address, const Owner& owner) noexcept {
  if (address == 0 || address >= kMaxAddress || (address & 7) != 0 || owner.slot > kMaxSlot) return false;
  std::uint32_t val;
  if (owner.size >= kHugeSize) {
    if (!huge_insert(address, owner.size)) return false;
    val = static_cast<std::uint32_t>(kHugeSize);
  } else {
    val = static_cast<std::uint32_t>(owner.size);
  }
  if (owner.sampled) val |= 0x80000000u;
  const std::uint64_t addr_bits = address >> 3;
  const std::uint64_t key = (addr_bits << kSlotBits) | owner.slot;
  const std::uint64_t hash = mix64(addr_bits);
  Shard& s = shards_[hash >> (64 - kShardBits)];
  std::lock_guard lock(s.lock);
  if (!ensure_shard(s)) return false;
  if (!place(s, bucket_index(s, hash), key, val)) return false;
  ++s.entries;
  // Split when entries exceed 1.2x the primary buckets' slots: the overflow chains take
  // the rest. Measured: 14.7-15.4 bytes per live block (tests/collector/side_table_test).
  const std::size_t capacity = (s.low_size + s.split) * kWays;
  if (s.entries * 5 > capacity * 6) split_one(s);
  return true;
}

bool SideTable::erase(std::uintptr_t address, Owner* owner) noexcept {
  if (address == 0 || address >= kMaxAddress || (address & 7) != 0) return false;
  const std::uint64_t addr_bits = address >> 3;
  const std::uint64_t hash = mix64(addr_bits);
  Shard& s = shards_[hash >> (64 - kShardBits)];
  std::uint64_t key = 0;
  std::uint32_t val = 0;
  {
    std::lock_guard lock(s.lock);
    if (!s.buckets) return false;
    for_each_entry(s, bucket_index(s, hash), [&](std::uint64_t& k, std::uint32_t& v) {
      if (k == 0 || address_bits(k) != addr_bits) return false;
      key = k;
      val = v;
      k = 0;
      return true;
    });
    if (key == 0) return false;
    --s.entries;
  }
  owner->slot = static_cast<std::uint32_t>(key & kSlotMask);
  owner->sampled = (val & 0x80000000u) != 0;
  const std::uint64_t size = val & 0x7fffffffu;
  owner->size = size == kHugeSize ? huge_take(address) : size;
  return true;
}

bool SideTable::huge_insert(std::uintptr_t address, std::uint64_t size) noexcept {
  std::lock_guard lock(huge_lock_);
  for (int i = 0; i < kHugeCapacity; ++i) {
    if (huge_addr_[i] == 0) {
      huge_addr_[i] = address;
      huge_size_[i] = size;
      return true;
    }
  }
  return false;
}

std::uint64_t SideTable::huge_take(std::uintptr_t address) noexcept {
  std::lock_guard lock(huge_lock_);
  for (int i = 0; i < kHugeCapacity; ++i) {
    if (huge_addr_[i] == address) {
      huge_addr_[i] = 0;
      return huge_size_[i];
    }
  }
  return 0;
}

std::size_t SideTable::live_entries() const noexcept {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.lock);  // statistics are read off the hook path, under the shard's lock
    n += s.entries;
  }
  return n;
}

std::size_t SideTable::committed_bytes() const noexcept {
  std::size_t bytes = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.lock);
    if (!s.buckets) continue;
    bytes += (s.low_size + s.split) * sizeof(Bucket) + std::size_t{s.overflow_used} * sizeof(Overflow);
  }
  return bytes;
}

void SideTable::lock_all() noexcept {
  for (Shard& s : shards_) s.lock.lock();
  huge_lock_.lock();
}

void SideTable::unlock_all() noexcept {
  huge_lock_.unlock();
  for (Shard& s : shards_) s.lock.unlock();
}

}  // namespace ctxheap::collector
