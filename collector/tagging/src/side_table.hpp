// The address → owner side table: which counter slot a live tagged allocation belongs to,
// and its requested size, so a free (on any thread, at any later time) is charged back to
// the context that allocated the block.
//
// One table per thread. A thread inserts only into its own table and erases what it
// allocated there with plain (relaxed atomic) stores: no locked instruction and no cache
// line shared with another thread on the common path. A block freed by another thread is
// found by searching the other tables under their locks (the last table that matched
// first); the owner takes its own lock only while it restructures (a bucket split). When a
// thread exits, its table becomes an orphan that keeps its blocks findable and is adopted
// by the next new thread, so the number of tables stays at the peak number of threads.
//
// Budget: 12 bytes per entry and a load factor held near 1.2 (primary slots) by linear
// hashing (a table grows one bucket at a time, never by doubling), so about 15 bytes per
// live allocation. Memory comes from mmap only.
#pragma once

#include <pthread.h>

#include <atomic>
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

  SideTable() noexcept;
  ~SideTable();
  SideTable(const SideTable&) = delete;
  SideTable& operator=(const SideTable&) = delete;

  /// Records a live block in the calling thread's table. False only when out of address
  /// space or the address does not fit the 47-bit user-space encoding (the block is then
  /// simply untracked).
  bool insert(std::uintptr_t address, const Owner& owner) noexcept;
  /// Removes a block, from whichever table holds it; false if it was never recorded.
  bool erase(std::uintptr_t address, Owner* owner) noexcept;

  /// The calling thread is exiting: its table becomes an orphan for a new thread to adopt
  /// (its blocks stay findable). Later inserts from this thread go to a shared locked
  /// table. Called by a thread-exit key the table registers itself.
  void release_thread() noexcept;

  std::size_t live_entries() const noexcept;
  /// Memory the tables have touched (buckets and overflow buckets), for the ≤16 B budget.
  std::size_t committed_bytes() const noexcept;
  /// Tables made so far (peak concurrent threads that inserted, plus the shared one).
  std::size_t table_count() const noexcept;

  /// fork(): hold every table's lock across the fork so the child never inherits a held
  /// lock or a half-split bucket.
  void lock_all() noexcept;
  void unlock_all() noexcept;
  /// In the child after fork(): tables of threads that do not exist there become orphans.
  void after_fork_in_child() noexcept;

 private:
  // A primary bucket is two cache lines holding 10 entries; entries that do not fit go
  // to a chain of small overflow buckets (2 entries, 32 bytes), so a bucket that is
  // one entry over costs 32 bytes, not a whole bucket. Fields are atomics because other
  // threads read them (relaxed: a block's insert happens-before its free by the program's
  // own hand-off of the pointer).
  static constexpr int kWays = 10;
  struct Bucket {
    std::atomic<std::uint64_t> keys[kWays];  // (address >> 3) << 20 | slot; 0 = empty
    std::atomic<std::uint32_t> vals[kWays];  // size (31 bits) | sampled << 31
    std::atomic<std::uint32_t> next;         // 1 + index of the first overflow bucket, 0 = none
    // Ways holding a key, kept by whoever fills slots (the owner, or a lock holder where
    // there is none). A remote eraser leaves its bit set; a set bit over an empty slot
    // only costs a rescan, a clear bit is always an empty slot.
    std::uint32_t used;
  };
  static_assert(sizeof(Bucket) == 128);
  static constexpr std::uint32_t kAllWays = (1u << kWays) - 1;
  static constexpr int kOverflowWays = 2;
  struct Overflow {
    std::atomic<std::uint64_t> keys[kOverflowWays];
    std::atomic<std::uint32_t> vals[kOverflowWays];
    std::atomic<std::uint32_t> next;
    std::uint32_t unused;
  };
  static_assert(sizeof(Overflow) == 32);

  struct Table {
    // Shared with other threads (their own cache line).
    alignas(64) mutable SpinLock lock;    // remote erasers; the owner while it splits
    std::atomic<std::uintptr_t> owner{0}; // owning thread, 0 = orphan, kShared = always locked
    std::atomic<std::uint64_t> remote_erased{0};  // written under lock
    // Overflow buckets a remote erase emptied and left linked (remote erasers never
    // restructure a chain the owner may be filling): the owner sweeps them. Under lock.
    std::atomic<std::uint32_t> remote_emptied{0};
    Table* next_table = nullptr;          // registry link, fixed once published
    Bucket* buckets = nullptr;            // reserved; bucket i committed when first used
    Overflow* overflow = nullptr;         // reserved pool of overflow buckets
    // Written by the owner (or under lock when there is none), read by statistics.
    alignas(64) std::atomic<std::size_t> low_size{16};  // 2^level
    std::atomic<std::size_t> split{0};                  // next bucket to split
    std::atomic<std::uint64_t> owner_live{0};  // inserted minus erased by the owner (or under lock)
    std::atomic<std::uint32_t> overflow_used{0};  // high-water mark in the pool
    std::uint32_t overflow_free = 0;              // free list head (1 + index), 0 = none
    std::uint32_t overflow_live = 0;
  };
  static constexpr std::uintptr_t kShared = 1;

  static constexpr std::size_t kMaxBuckets = std::size_t{1} << 23;    // per table (1 GiB virtual)
  static constexpr std::size_t kMaxOverflow = std::size_t{1} << 22;   // per table (128 MiB virtual)

  Table* local_table() noexcept;
  Table* acquire_table(std::uintptr_t self) noexcept;
  Table* new_table(std::uintptr_t owner) noexcept;
  bool insert_into(Table& t, std::uint64_t hash, std::uint64_t key, std::uint32_t val, bool locked) noexcept;
  bool insert_slow(std::uintptr_t address, const Owner& owner) noexcept;
  bool erase_elsewhere(std::uintptr_t address, std::uint64_t hash, std::uint64_t addr_bits, Owner* owner) noexcept;
  static void note_inserted(Table& t, bool locked) noexcept;
  static void grow(Table& t, bool locked) noexcept;
  static bool decode(std::uintptr_t address, std::uint64_t key, std::uint32_t val, Owner* owner, SideTable& st) noexcept;
  static bool take(Table& t, std::uint64_t hash, std::uint64_t addr_bits, std::uint64_t* key,
                   std::uint32_t* val) noexcept;
  // Where locate() found an entry: a way of the primary bucket (overflow null) or of an
  // overflow bucket.
  struct Slot {
    std::uint64_t key;
    std::atomic<std::uint64_t>* key_cell;
    std::atomic<std::uint32_t>* val;
    Overflow* overflow;
    int way;
  };
  static bool locate(const Table& t, std::size_t bucket, std::uint64_t addr_bits, Slot* slot) noexcept;
  static bool overflow_empty(const Overflow& o) noexcept;
  static void unlink_empty(Table& t, std::size_t bucket) noexcept;
  static void unlink_empty_locked(Table& t, std::size_t bucket) noexcept;
  static void sweep_emptied(Table& t) noexcept;
  bool take_remote(Table& t, std::uint64_t hash, std::uint64_t addr_bits, std::uint64_t* key,
                   std::uint32_t* val) noexcept;

  static std::size_t bucket_index(const Table& t, std::uint64_t hash) noexcept;
  static Overflow* overflow_bucket(const Table& t, std::uint32_t link) noexcept { return &t.overflow[link - 1]; }
  template <class F>
  static void for_each_entry(const Table& t, std::size_t bucket, F&& f) noexcept;
  static std::uint32_t new_overflow(Table& t) noexcept;
  static void free_overflow(Table& t, std::uint32_t link) noexcept;
  static bool place(Table& t, std::size_t bucket, std::uint64_t key, std::uint32_t val) noexcept;
  static int free_way(const Table& t, Bucket& b) noexcept;
  static void rebuild_used(Bucket& b) noexcept;
  static bool place_in_chain(Table& t, std::size_t bucket, std::uint64_t key, std::uint32_t val) noexcept;
  static void split_one(Table& t) noexcept;
  static void compact_chain(Table& t, std::size_t bucket) noexcept;
  static std::size_t chain_overflow_count(const Table& t, std::size_t bucket) noexcept;
  bool huge_insert(std::uintptr_t address, std::uint64_t size) noexcept;
  std::uint64_t huge_take(std::uintptr_t address) noexcept;

  const std::uint64_t instance_;      // tells this table set from earlier ones at one address
  pthread_key_t exit_key_{};
  bool exit_key_ok_ = false;
  std::atomic<Table*> tables_{nullptr};  // registry: every table, newest first
  SpinLock registry_lock_;               // adding a table (and fork)
  Table* shared_ = nullptr;              // inserts of threads that already exited

  // Blocks of 2 GiB and more are rare; their exact sizes live in a fixed list.
  static constexpr int kHugeCapacity = 4096;
  SpinLock huge_lock_;
  std::uintptr_t huge_addr_[kHugeCapacity] = {};
  std::uint64_t huge_size_[kHugeCapacity] = {};
};

}  // namespace ctxheap::collector
