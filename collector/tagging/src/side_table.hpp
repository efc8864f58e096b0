// The address → owner side table: which counter slot a live tagged allocation belongs to,
// and its requested size, so a free (on any thread, at any later time) is charged back to
// the context that allocated the block.
//
// Budget: 12 bytes per entry and a load factor held near 1.2 (primary slots) by linear hashing (the
// table grows one bucket at a time, never by doubling), so about 15 bytes per live
// allocation. Memory comes from mmap only. 64 shards, each with its own SpinLock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "raw_memory.hpp"

namespace ctxheap::collector {

struct Owner {
  std::uint32_t slot = 0;
  std::uint64_t size = 0;
  bool sampled = false;
};

class SideTable {
 public:
  /// Slots are stored in 20 bits; sizes of 2 GiB and more go to a small exact list.
  static constexpr std::uint32_t kMaxSlot = (1u << 20) - 1;
  static constexpr int kShardBits = 6;
  static constexpr int kShards = 1 << kShardBits;

  SideTable() noexcept = default;
  ~SideTable();
  SideTable(const SideTable&) = delete;
  SideTable& operator=(const SideTable&) = delete;

  /// Records a live block. False only when out of address space or the address does not
  /// fit the 47-bit user-space encoding (the block is then simply untracked).
  bool insert(std::uintptr_t address, const Owner& owner) noexcept;
  /// Removes a block; false if it was never recorded.
  bool erase(std::uintptr_t address, Owner* owner) noexcept;

  std::size_t live_entries() const noexcept;
  /// Memory the table has touched (buckets and overflow buckets), for the ≤16 B budget.
  std::size_t committed_bytes() const noexcept;

  /// fork(): hold every shard across the fork so the child never inherits a held lock.
  void lock_all() noexcept;
  void unlock_all() noexcept;

 private:
  // A primary bucket is two cache lines holding 10 entries; entries that do not fit go
  // to a chain of small overflow buckets (2 entries, 32 bytes), so a bucket that is
  // one entry over costs 32 bytes, not a whole bucket.
  static constexpr int kWays = 10;
  struct Bucket {
    std::uint64_t keys[kWays];  // (address >> 3) << 20 | slot; 0 = empty
    std::uint32_t vals[kWays];  // size (31 bits) | sampled << 31
    std::uint32_t next;         // 1 + index of the first overflow bucket, 0 = none
    std::uint32_t unused;
  };
  static_assert(sizeof(Bucket) == 128);
  static constexpr int kOverflowWays = 2;
  struct Overflow {
    std::uint64_t keys[kOverflowWays];
    std::uint32_t vals[kOverflowWays];
    std::uint32_t next;
    std::uint32_t unused;
  };
  static_assert(sizeof(Overflow) == 32);

  struct alignas(64) Shard {
    mutable SpinLock lock;  // guards every field below
    Bucket* buckets = nullptr;    // reserved; bucket i committed when first used
    Overflow* overflow = nullptr; // reserved pool of overflow buckets
    std::size_t low_size = 0;     // 2^level
    std::size_t split = 0;        // next bucket to split
    std::size_t entries = 0;
    std::uint32_t overflow_used = 0;   // high-water mark in the pool
    std::uint32_t overflow_free = 0;   // free list head (1 + index), 0 = none
    std::uint32_t overflow_live = 0;
  };

  static constexpr std::size_t kMaxBuckets = std::size_t{1} << 21;    // per shard (256 MiB virtual)
  static constexpr std::size_t kMaxOverflow = std::size_t{1} << 21;   // per shard (64 MiB virtual)
  static constexpr std::uint64_t kHugeSize = 0x7fffffffu;

  bool ensure_shard(Shard& s) noexcept;
  std::size_t bucket_index(const Shard& s, std::uint64_t hash) const noexcept;
  Overflow* overflow_bucket(Shard& s, std::uint32_t link) const noexcept { return &s.overflow[link - 1]; }
  template <class F>
  void for_each_entry(Shard& s, std::size_t bucket, F&& f) noexcept;
  std::uint32_t new_overflow(Shard& s) noexcept;
  void free_overflow(Shard& s, std::uint32_t link) noexcept;
  bool place(Shard& s, std::size_t bucket, std::uint64_t key, std::uint32_t val) noexcept;
  void split_one(Shard& s) noexcept;
  void compact_chain(Shard& s, std::size_t bucket) noexcept;
  std::size_t chain_overflow_count(Shard& s, std::size_t bucket) noexcept;
  bool huge_insert(std::uintptr_t address, std::uint64_t size) noexcept;
  std::uint64_t huge_take(std::uintptr_t address) noexcept;

  Shard shards_[kShards];

  // Blocks of 2 GiB and more are rare; their exact sizes live in a fixed list.
  static constexpr int kHugeCapacity = 4096;
  SpinLock huge_lock_;
  std::uintptr_t huge_addr_[kHugeCapacity] = {};
  std::uint64_t huge_size_[kHugeCapacity] = {};
};

}  // namespace ctxheap::collector
