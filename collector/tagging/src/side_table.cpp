#include "side_table.hpp"

#include <sched.h>

#include <mutex>

namespace ctxheap::collector {
namespace {

constexpr int kSlotBits = 20;
constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
constexpr std::uintptr_t kMaxAddress = std::uintptr_t{1} << 47;
constexpr auto kRelaxed = std::memory_order_relaxed;
// An entry's value: the requested size in 31 bits (kHugeSize: look it up in the huge-block
// list) and whether the block was sampled.
constexpr std::uint64_t kHugeSize = 0x7fffffffu;
constexpr std::uint32_t kSampledBit = 0x80000000u;

std::uint64_t address_bits(std::uint64_t key) noexcept { return key >> kSlotBits; }
std::uint64_t entry_key(std::uint64_t addr_bits, std::uint32_t slot) noexcept { return addr_bits << kSlotBits | slot; }
std::uint32_t entry_val(const Owner& o) noexcept {
  return static_cast<std::uint32_t>(o.size < kHugeSize ? o.size : kHugeSize) | (o.sampled ? kSampledBit : 0u);
}

std::atomic<std::uint64_t> g_instances{0};

// A table's header takes one page of its own; its buckets and overflow buckets are
// committed a page at a time as they are first touched (small pages: see reserve_zeroed).
constexpr std::size_t kTablePage = 4096;
constexpr std::size_t round_to_page(std::size_t bytes) noexcept { return (bytes + kTablePage - 1) & ~(kTablePage - 1); }

// The calling thread's table in the side table `instance` (there is one in a process; tests
// make several, one after another, maybe at one address).
struct LocalRef {
  std::uint64_t instance;
  void* table;  // SideTable::Table*
  void* hint;   // the table where this thread last found another thread's block
  bool exited;
};
constinit thread_local LocalRef t_local{};

std::uintptr_t self_id() noexcept { return static_cast<std::uintptr_t>(pthread_self()); }

}  // namespace

void SpinLock::yield() noexcept { sched_yield(); }

SideTable::SideTable() noexcept : instance_(g_instances.fetch_add(1, kRelaxed) + 1) {
  exit_key_ok_ = pthread_key_create(&exit_key_, [](void* table) {
                   static_cast<SideTable*>(table)->release_thread();
                 }) == 0;
  shared_ = new_table(kShared);
}

SideTable::~SideTable() {
  if (exit_key_ok_) pthread_key_delete(exit_key_);
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr;) {
    Table* next = t->next_table;
    unreserve(t->buckets, kMaxBuckets * sizeof(Bucket));
    unreserve(t->overflow, kMaxOverflow * sizeof(Overflow));
    unreserve(t, sizeof(Table));
    t = next;
  }
}

SideTable::Table* SideTable::new_table(std::uintptr_t owner) noexcept {
  void* mem = reserve_zeroed(sizeof(Table));
  auto* b = static_cast<Bucket*>(reserve_zeroed(kMaxBuckets * sizeof(Bucket)));
  auto* o = static_cast<Overflow*>(reserve_zeroed(kMaxOverflow * sizeof(Overflow)));
  if (!mem || !b || !o) {
    unreserve(mem, sizeof(Table));
    unreserve(b, kMaxBuckets * sizeof(Bucket));
    unreserve(o, kMaxOverflow * sizeof(Overflow));
    return nullptr;
  }
  auto* t = new (mem) Table;
  t->buckets = b;
  t->overflow = o;
  t->owner.store(owner, kRelaxed);
  std::lock_guard lock(registry_lock_);
  t->next_table = tables_.load(kRelaxed);
  tables_.store(t, std::memory_order_release);
  return t;
}

// A new thread adopts an orphan (a table whose thread exited) before making a table.
SideTable::Table* SideTable::acquire_table(std::uintptr_t self) noexcept {
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) {
    if (t->owner.load(kRelaxed) != 0) continue;
    std::lock_guard lock(t->lock);  // no remote eraser is inside it once we own it
    std::uintptr_t orphan = 0;
    if (t->owner.compare_exchange_strong(orphan, self, std::memory_order_acquire)) return t;
  }
  return new_table(self);
}

SideTable::Table* SideTable::local_table() noexcept {
  LocalRef& l = t_local;
  if (l.instance == instance_) [[likely]]
    return static_cast<Table*>(l.exited ? shared_ : l.table);
  Table* t = acquire_table(self_id());
  if (t == nullptr) {
    // Out of address space (or commit, under strict overcommit): this thread's blocks go to
    // the shared table under its lock, rather than retrying mmap on every allocation.
    l = LocalRef{instance_, shared_, nullptr, true};
    return shared_;
  }
  l = LocalRef{instance_, t, nullptr, false};
  // The key is made when the collector installs, among a process's first, so its index is
  // below glibc's 32 static slots and this never allocates (it would be a counted re-entry).
  if (exit_key_ok_) pthread_setspecific(exit_key_, this);
  return t;
}

void SideTable::release_thread() noexcept {
  LocalRef& l = t_local;
  if (l.instance != instance_ || l.exited) return;
  if (auto* t = static_cast<Table*>(l.table)) {
    std::lock_guard lock(t->lock);
    t->owner.store(0, std::memory_order_release);
  }
  l.table = shared_;
  l.exited = true;
}

void SideTable::after_fork_in_child() noexcept {
  const std::uintptr_t self = self_id();
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) {
    const std::uintptr_t o = t->owner.load(kRelaxed);
    if (o != kShared && o != self) t->owner.store(0, kRelaxed);
  }
}

// Linear hashing: buckets below the split pointer have already been split and use one
// more bit of the hash.
std::size_t SideTable::bucket_index(const Table& t, std::uint64_t hash) noexcept {
  const std::size_t low = t.low_size.load(kRelaxed);
  std::size_t i = hash & (low - 1);
  if (i < t.split.load(kRelaxed)) i = hash & (2 * low - 1);
  return i;
}

std::uint32_t SideTable::new_overflow(Table& t) noexcept {
  std::uint32_t link;
  if (t.overflow_free != 0) {
    link = t.overflow_free;
    t.overflow_free = overflow_bucket(t, link)->next.load(kRelaxed);
  } else {
    const std::uint32_t used = t.overflow_used.load(kRelaxed);
    if (used == kMaxOverflow) return 0;
    link = used + 1;
    t.overflow_used.store(link, kRelaxed);
  }
  Overflow* o = overflow_bucket(t, link);
  for (int w = 0; w < kOverflowWays; ++w) {
    o->keys[w].store(0, kRelaxed);
    o->vals[w].store(0, kRelaxed);
  }
  o->next.store(0, kRelaxed);
  ++t.overflow_live;
  return link;
}

void SideTable::free_overflow(Table& t, std::uint32_t link) noexcept {
  overflow_bucket(t, link)->next.store(t.overflow_free, kRelaxed);
  t.overflow_free = link;
  --t.overflow_live;
}

// Visits every slot of a chain (empty ones too): f(key&, val&) returns true to stop.
template <class F>
void SideTable::for_each_entry(const Table& t, std::size_t bucket, F&& f) noexcept {
  Bucket& b = t.buckets[bucket];
  for (int w = 0; w < kWays; ++w)
    if (f(b.keys[w], b.vals[w])) return;
  for (std::uint32_t link = b.next.load(std::memory_order_acquire); link != 0;) {
    Overflow* o = overflow_bucket(t, link);
    for (int w = 0; w < kOverflowWays; ++w)
      if (f(o->keys[w], o->vals[w])) return;
    link = o->next.load(std::memory_order_acquire);
  }
}

void SideTable::rebuild_used(Bucket& b) noexcept {
  std::uint32_t m = 0;
  for (int w = 0; w < kWays; ++w)
    if (b.keys[w].load(std::memory_order_acquire) != 0) m |= 1u << w;
  b.used = m;
}

// A free way of a primary bucket from its bitmap, or -1. Bits go stale only when other
// threads erased from this table: then a bucket that looks full is rescanned.
[[gnu::always_inline]] inline int SideTable::free_way(const Table& t, Bucket& b) noexcept {
  if (b.used == kAllWays) [[unlikely]] {
    if (t.remote_erased.load(kRelaxed) == 0) return -1;
    rebuild_used(b);
    if (b.used == kAllWays) return -1;
  }
  return __builtin_ctz(~b.used);
}

// Owner (or lock holder) only. Safe beside a remote eraser: it fills only empty slots, and
// publishes a new overflow bucket only once its entry is written.
[[gnu::always_inline]] inline bool SideTable::place(Table& t, std::size_t bucket, std::uint64_t key,
                                                    std::uint32_t val) noexcept {
  Bucket& b = t.buckets[bucket];
  const int w = free_way(t, b);
  if (w < 0) return place_in_chain(t, bucket, key, val);
  b.vals[w].store(val, kRelaxed);
  b.keys[w].store(key, std::memory_order_release);
  b.used |= 1u << w;
  return true;
}

// The primary bucket is full: a free slot in its overflow chain, or a fresh overflow
// bucket prepended to the chain (order within a chain does not matter).
bool SideTable::place_in_chain(Table& t, std::size_t bucket, std::uint64_t key, std::uint32_t val) noexcept {
  Bucket& b = t.buckets[bucket];
  for (std::uint32_t link = b.next.load(kRelaxed); link != 0;) {
    Overflow* o = overflow_bucket(t, link);
    for (int w = 0; w < kOverflowWays; ++w) {
      if (o->keys[w].load(std::memory_order_acquire) != 0) continue;
      o->vals[w].store(val, kRelaxed);
      o->keys[w].store(key, std::memory_order_release);
      return true;
    }
    link = o->next.load(kRelaxed);
  }
  if (t.overflow_free == 0) [[unlikely]] {
    const std::uint32_t emptied = t.remote_emptied.load(kRelaxed);
    if (emptied != 0 && emptied * 8 >= t.overflow_live) sweep_emptied(t);
  }
  const std::uint32_t link = new_overflow(t);
  if (link == 0) return false;
  Overflow* o = overflow_bucket(t, link);
  o->keys[0].store(key, kRelaxed);
  o->vals[0].store(val, kRelaxed);
  o->next.store(b.next.load(kRelaxed), kRelaxed);
  b.next.store(link, std::memory_order_release);
  return true;
}

std::size_t SideTable::chain_overflow_count(const Table& t, std::size_t bucket) noexcept {
  std::size_t n = 0;
  for (std::uint32_t link = t.buckets[bucket].next.load(kRelaxed); link != 0;
       link = overflow_bucket(t, link)->next.load(kRelaxed))
    ++n;
  return n;
}

// Under the table's lock: moves the entries of chain `from` that belong to its new
// sibling, then compacts.
void SideTable::split_one(Table& t) noexcept {
  const std::size_t low = t.low_size.load(kRelaxed);
  const std::size_t from = t.split.load(kRelaxed);
  const std::size_t to = from + low;
  if (to >= kMaxBuckets) return;  // at the reservation's end: chains just get longer
  // Moving entries needs at most as many overflow buckets as the chain has entries
  // beyond one primary bucket; split only when they are surely available, or an entry
  // could end up where lookups will not look.
  const std::size_t needed = chain_overflow_count(t, from) + 1;
  const std::size_t used = t.overflow_used.load(kRelaxed);
  const std::size_t spare = (kMaxOverflow - used) + (used - t.overflow_live);
  if (spare < needed) return;
  // Bucket `to` has never been used (the table only grows): it reads as zero.
  const std::size_t wide_mask = 2 * low - 1;
  for_each_entry(t, from, [&](std::atomic<std::uint64_t>& key, std::atomic<std::uint32_t>& val) {
    const std::uint64_t k = key.load(kRelaxed);
    if (k != 0 && (fold_hash(address_bits(k)) & wide_mask) == to) {
      place(t, to, k, val.load(kRelaxed));  // cannot fail: overflow space was checked above
      key.store(0, kRelaxed);
    }
    return false;
  });
  rebuild_used(t.buckets[from]);
  if (from + 1 == low) {
    t.low_size.store(2 * low, kRelaxed);
    t.split.store(0, kRelaxed);
  } else {
    t.split.store(from + 1, kRelaxed);
  }
  compact_chain(t, from);
}

// Under the table's lock: packs a chain's entries into its primary bucket first and frees
// the overflow buckets that end up empty.
void SideTable::compact_chain(Table& t, std::size_t bucket) noexcept {
  Bucket& b = t.buckets[bucket];
  std::uint32_t link = b.next.load(kRelaxed);
  b.next.store(0, kRelaxed);
  // Entries of the primary bucket stay; gather the overflow entries back in.
  while (link != 0) {
    Overflow* o = overflow_bucket(t, link);
    const std::uint32_t next = o->next.load(kRelaxed);
    std::uint64_t keys[kOverflowWays];
    std::uint32_t vals[kOverflowWays];
    for (int w = 0; w < kOverflowWays; ++w) {
      keys[w] = o->keys[w].load(kRelaxed);
      vals[w] = o->vals[w].load(kRelaxed);
    }
    free_overflow(t, link);
    for (int w = 0; w < kOverflowWays; ++w)
      if (keys[w] != 0) place(t, bucket, keys[w], vals[w]);  // reuses the freed buckets
    link = next;
  }
}

// After an entry went in: the table splits one bucket once entries exceed 1.2x the
// primary buckets' slots (the overflow chains take the rest). Measured: 14.7-15.4 bytes
// per live block (tests/collector/side_table_test).
[[gnu::always_inline]] inline void SideTable::note_inserted(Table& t, bool locked) noexcept {
  single_writer_add(t.owner_live, 1);
  const std::uint64_t entries = t.owner_live.load(kRelaxed) - t.remote_erased.load(kRelaxed);
  const std::size_t capacity = (t.low_size.load(kRelaxed) + t.split.load(kRelaxed)) * kWays;
  if (entries * 5 > capacity * 6 && capacity < kMaxBuckets * kWays) [[unlikely]] grow(t, locked);
}

[[gnu::noinline]] void SideTable::grow(Table& t, bool locked) noexcept {
  if (locked) {
    split_one(t);
  } else {
    std::lock_guard lock(t.lock);  // remote erasers must not walk a chain being split
    split_one(t);
  }
}

[[gnu::always_inline]] inline bool SideTable::insert_into(Table& t, std::uint64_t hash, std::uint64_t key,
                                                          std::uint32_t val, bool locked) noexcept {
  if (!place(t, bucket_index(t, hash), key, val)) return false;
  note_inserted(t, locked);
  return true;
}

// The common case inline: the thread's own table, a free slot in the primary bucket.
bool SideTable::insert(std::uintptr_t address, const Owner& owner) noexcept {
  if (address == 0 || address >= kMaxAddress || (address & 7) != 0 || owner.slot > kMaxSlot) [[unlikely]]
    return false;
  const LocalRef& l = t_local;
  if (l.instance != instance_ || l.exited || owner.size >= kHugeSize) [[unlikely]] return insert_slow(address, owner);
  const std::uint64_t addr_bits = address >> 3;
  return insert_into(*static_cast<Table*>(l.table), fold_hash(addr_bits), entry_key(addr_bits, owner.slot),
                     entry_val(owner), false);
}

// A thread's first insert, inserts after its exit, and blocks of 2 GiB or more.
[[gnu::noinline]] bool SideTable::insert_slow(std::uintptr_t address, const Owner& owner) noexcept {
  Table* t = local_table();
  if (t == nullptr) return false;
  const bool huge = owner.size >= kHugeSize;
  if (huge && !huge_insert(address, owner.size)) return false;
  const std::uint64_t addr_bits = address >> 3;
  const std::uint64_t hash = fold_hash(addr_bits);
  const std::uint64_t key = entry_key(addr_bits, owner.slot);
  bool placed;
  if (t == shared_) {
    std::lock_guard lock(t->lock);
    placed = insert_into(*t, hash, key, entry_val(owner), true);
  } else {
    placed = insert_into(*t, hash, key, entry_val(owner), false);
  }
  if (!placed && huge) huge_take(address);  // keep the list for blocks we hold
  return placed;
}

[[gnu::always_inline]] inline bool SideTable::decode(std::uintptr_t address, std::uint64_t key, std::uint32_t val, Owner* owner,
                       SideTable& st) noexcept {
  owner->slot = static_cast<std::uint32_t>(key & kSlotMask);
  owner->sampled = (val & kSampledBit) != 0;
  const std::uint64_t size = val & ~kSampledBit;
  owner->size = size == kHugeSize ? st.huge_take(address) : size;
  return true;
}

bool SideTable::overflow_empty(const Overflow& o) noexcept {
  for (int w = 0; w < kOverflowWays; ++w)
    if (o.keys[w].load(kRelaxed) != 0) return false;
  return true;
}

// Where a block's entry is, in its bucket's chain: the owner's erase and other threads'
// erasers both search with it.
[[gnu::always_inline]] inline bool SideTable::locate(const Table& t, std::size_t bucket, std::uint64_t addr_bits,
                                                     Slot* slot) noexcept {
  Bucket& b = t.buckets[bucket];
#pragma GCC unroll 10
  for (int w = 0; w < kWays; ++w) {
    const std::uint64_t k = b.keys[w].load(std::memory_order_acquire);
    if (address_bits(k) == addr_bits) {  // addr_bits is never 0, so never an empty slot's
      *slot = Slot{k, &b.keys[w], &b.vals[w], nullptr, w};
      return true;
    }
  }
  for (std::uint32_t link = b.next.load(std::memory_order_acquire); link != 0;) {
    Overflow* o = overflow_bucket(t, link);
    for (int w = 0; w < kOverflowWays; ++w) {
      const std::uint64_t k = o->keys[w].load(std::memory_order_acquire);
      if (address_bits(k) == addr_bits) {
        *slot = Slot{k, &o->keys[w], &o->vals[w], o, w};
        return true;
      }
    }
    link = o->next.load(std::memory_order_acquire);
  }
  return false;
}

// Finds and clears one entry of another thread's table, under its lock. An overflow bucket
// it empties is left linked and counted, for the owner to sweep.
bool SideTable::take(Table& t, std::uint64_t hash, std::uint64_t addr_bits, std::uint64_t* key,
                     std::uint32_t* val) noexcept {
  Slot slot;
  if (!locate(t, bucket_index(t, hash), addr_bits, &slot)) return false;
  *key = slot.key;
  *val = slot.val->load(kRelaxed);
  slot.key_cell->store(0, std::memory_order_release);  // our read of val before the owner's reuse
  // The owner may clear the bucket's other way at the same moment and also see this one
  // still full: then the empty bucket is neither unlinked nor counted, and stays for its
  // own chain to reuse. Memory only, never an entry.
  if (slot.overflow != nullptr && overflow_empty(*slot.overflow)) single_writer_add(t.remote_emptied, 1);
  return true;
}

// Under the table's lock: unlinks the empty overflow buckets of a chain and frees them for
// any chain to reuse, so churn does not leave empty buckets behind.
void SideTable::unlink_empty_locked(Table& t, std::size_t bucket) noexcept {
  std::atomic<std::uint32_t>* prev = &t.buckets[bucket].next;
  for (std::uint32_t link = prev->load(kRelaxed); link != 0;) {
    Overflow* o = overflow_bucket(t, link);
    const std::uint32_t next = o->next.load(kRelaxed);
    if (overflow_empty(*o)) {
      prev->store(next, std::memory_order_release);
      free_overflow(t, link);
    } else {
      prev = &o->next;
    }
    link = next;
  }
}

// The owner emptied an overflow bucket: unlink it (under the lock, since other threads'
// erasers may be walking the chain).
[[gnu::noinline]] void SideTable::unlink_empty(Table& t, std::size_t bucket) noexcept {
  std::lock_guard lock(t.lock);
  unlink_empty_locked(t, bucket);
}

// The owner is about to take a never-used overflow bucket while other threads' frees have
// emptied at least an eighth of those in use: unlink every empty one (a pass over the
// table, paid for by the buckets it frees). Best effort: skipped while the lock is held (a
// split, or a table every thread inserts into under its lock).
[[gnu::noinline]] void SideTable::sweep_emptied(Table& t) noexcept {
  if (!t.lock.try_lock()) return;
  const std::size_t buckets = t.low_size.load(kRelaxed) + t.split.load(kRelaxed);
  for (std::size_t b = 0; b < buckets; ++b)
    if (t.buckets[b].next.load(kRelaxed) != 0) unlink_empty_locked(t, b);
  t.remote_emptied.store(0, kRelaxed);
  t.lock.unlock();
}

bool SideTable::take_remote(Table& t, std::uint64_t hash, std::uint64_t addr_bits, std::uint64_t* key,
                            std::uint32_t* val) noexcept {
  std::lock_guard lock(t.lock);
  if (!take(t, hash, addr_bits, key, val)) return false;
  single_writer_add(t.remote_erased, 1);
  return true;
}

// The common case inline: the block is in the thread's own table.
bool SideTable::erase(std::uintptr_t address, Owner* owner) noexcept {
  if (address == 0 || address >= kMaxAddress || (address & 7) != 0) [[unlikely]] return false;
  const std::uint64_t addr_bits = address >> 3;
  const std::uint64_t hash = fold_hash(addr_bits);
  const LocalRef& l = t_local;
  if (l.instance == instance_ && !l.exited) [[likely]] {
    Table& t = *static_cast<Table*>(l.table);
    const std::size_t bucket = bucket_index(t, hash);
    Slot slot;
    if (locate(t, bucket, addr_bits, &slot)) {
      const std::uint32_t v = slot.val->load(kRelaxed);
      slot.key_cell->store(0, kRelaxed);
      single_writer_add(t.owner_live, -1);
      if (slot.overflow == nullptr) t.buckets[bucket].used &= ~(1u << slot.way);
      else if (overflow_empty(*slot.overflow)) unlink_empty(t, bucket);
      return decode(address, slot.key, v, owner, *this);
    }
  }
  return erase_elsewhere(address, hash, addr_bits, owner);
}

// The block is not in this thread's table: it is in another thread's (or an exited
// thread's). The table that held the last such block first, then every table.
bool SideTable::erase_elsewhere(std::uintptr_t address, std::uint64_t hash, std::uint64_t addr_bits,
                                Owner* owner) noexcept {
  std::uint64_t key = 0;
  std::uint32_t val = 0;
  LocalRef& l = t_local;
  const bool here = l.instance == instance_;
  auto* mine = here && !l.exited ? static_cast<Table*>(l.table) : nullptr;  // searched already
  auto* hint = here ? static_cast<Table*>(l.hint) : nullptr;
  if (hint != nullptr && hint != mine && take_remote(*hint, hash, addr_bits, &key, &val))
    return decode(address, key, val, owner, *this);
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) {
    if (t == mine || t == hint) continue;
    if (take_remote(*t, hash, addr_bits, &key, &val)) {
      if (here) l.hint = t;
      return decode(address, key, val, owner, *this);
    }
  }
  return false;
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

// Statistics are read off the hook path from counters their writers update one at a
// time, so a figure taken while threads allocate is momentary, never torn.
std::size_t SideTable::live_entries() const noexcept {
  std::uint64_t n = 0;
  for (const Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table)
  {
    // Two counters read one after the other: a table's difference can be momentarily
    // negative while a remote free lands.
    const auto d = static_cast<std::int64_t>(t->owner_live.load(kRelaxed) - t->remote_erased.load(kRelaxed));
    n += d > 0 ? static_cast<std::uint64_t>(d) : 0;
  }
  return n;
}

std::size_t SideTable::committed_bytes() const noexcept {
  std::size_t bytes = 0;
  for (const Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table)
    bytes += kTablePage + round_to_page((t->low_size.load(kRelaxed) + t->split.load(kRelaxed)) * sizeof(Bucket)) +
             round_to_page(std::size_t{t->overflow_used.load(kRelaxed)} * sizeof(Overflow));
  return bytes;
}

std::size_t SideTable::table_count() const noexcept {
  std::size_t n = 0;
  for (const Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) ++n;
  return n;
}

void SideTable::lock_all() noexcept {
  registry_lock_.lock();
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) t->lock.lock();
  huge_lock_.lock();
}

void SideTable::unlock_all() noexcept {
  huge_lock_.unlock();
  for (Table* t = tables_.load(std::memory_order_acquire); t != nullptr; t = t->next_table) t->lock.unlock();
  registry_lock_.unlock();
}

}  // namespace ctxheap::collector
