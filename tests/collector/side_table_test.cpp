// The address → owner table on its own: exact round trips, growth, and the memory budget.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "side_table.hpp"

namespace {

using ctxheap::collector::Owner;
using ctxheap::collector::SideTable;

// The address another thread published in `cell`, once it has.
std::uintptr_t wait_published(const std::atomic<std::uintptr_t>& cell) {
  std::uintptr_t a;
  while ((a = cell.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
  return a;
}

TEST(SideTable, EveryInsertedBlockComesBackWithItsOwner) {
  auto table = std::make_unique<SideTable>();
  std::mt19937_64 rng(42);
  std::unordered_map<std::uintptr_t, Owner> truth;
  for (int i = 0; i < 300000; ++i) {
    const std::uintptr_t addr = (0x10000000ull + (rng() % (1ull << 36))) & ~std::uintptr_t{15};
    if (truth.count(addr)) continue;
    const Owner o{static_cast<std::uint32_t>(rng() % SideTable::kMaxSlot), rng() % 100000, (i % 7) == 0};
    ASSERT_TRUE(table->insert(addr, o));
    truth[addr] = o;
  }
  EXPECT_EQ(table->live_entries(), truth.size());
  for (const auto& [addr, expected] : truth) {
    Owner got;
    ASSERT_TRUE(table->erase(addr, &got));
    EXPECT_EQ(got.slot, expected.slot);
    EXPECT_EQ(got.size, expected.size);
    EXPECT_EQ(got.sampled, expected.sampled);
  }
  EXPECT_EQ(table->live_entries(), 0u);
  Owner none;
  EXPECT_FALSE(table->erase(0x10000000ull, &none));
}

TEST(SideTable, HugeBlocksKeepTheirExactSize) {
  auto table = std::make_unique<SideTable>();
  const std::uint64_t huge = (std::uint64_t{5} << 30) + 12345;  // 5 GiB + change
  ASSERT_TRUE(table->insert(0x7f0000001000ull, {7, huge, false}));
  Owner got;
  ASSERT_TRUE(table->erase(0x7f0000001000ull, &got));
  EXPECT_EQ(got.size, huge);
  EXPECT_EQ(got.slot, 7u);
}

TEST(SideTable, StaysWithinSixteenBytesPerLiveBlockAtScale) {
  auto table = std::make_unique<SideTable>();
  const std::size_t n = 2'000'000;
  for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(table->insert(0x20000000ull + i * 32, {1, 32, false}));
  const double per_block = static_cast<double>(table->committed_bytes()) / static_cast<double>(n);
  EXPECT_LE(per_block, 16.0) << "bytes per live block: " << per_block;
  std::printf("bytes per live block: %.2f\n", per_block);
}

TEST(SideTable, RejectsAddressesOutsideTheEncoding) {
  auto table = std::make_unique<SideTable>();
  EXPECT_FALSE(table->insert(0, {1, 1, false}));
  EXPECT_FALSE(table->insert(std::uintptr_t{1} << 48, {1, 1, false}));
  EXPECT_FALSE(table->insert(0x1003, {1, 1, false}));  // not 8-byte aligned
}

// A block inserted by one thread and freed by another is found in the first thread's
// table, with its owner, and only once.
TEST(SideTable, BlocksFreedOnAnotherThreadComeBackWithTheirOwner) {
  auto table = std::make_unique<SideTable>();
  constexpr std::uintptr_t kBase = 0x30000000ull;
  constexpr int kBlocks = 50000;
  std::thread producer([&] {
    for (int i = 0; i < kBlocks; ++i) ASSERT_TRUE(table->insert(kBase + i * 64, {static_cast<std::uint32_t>(i % 1000), 64u + i, false}));
  });
  producer.join();
  for (int i = 0; i < kBlocks; ++i) {
    Owner got;
    ASSERT_TRUE(table->erase(kBase + i * 64, &got)) << i;
    EXPECT_EQ(got.slot, static_cast<std::uint32_t>(i % 1000));
    EXPECT_EQ(got.size, 64u + i);
    Owner again;
    EXPECT_FALSE(table->erase(kBase + i * 64, &again));
  }
  EXPECT_EQ(table->live_entries(), 0u);
}

// A thread that exits leaves its table behind as an orphan: its blocks stay findable, and
// the next thread adopts the table instead of making another.
TEST(SideTable, ExitedThreadsTablesAreAdoptedAndKeepTheirBlocks) {
  auto table = std::make_unique<SideTable>();
  constexpr std::uintptr_t kBase = 0x40000000ull;
  for (int round = 0; round < 20; ++round) {
    std::thread([&, round] {
      for (int i = 0; i < 100; ++i) ASSERT_TRUE(table->insert(kBase + (round * 100 + i) * 16, {7, 16, false}));
    }).join();
  }
  // The first thread made a table; the nineteen after it adopted it (plus the shared one).
  EXPECT_EQ(table->table_count(), 2u);
  EXPECT_EQ(table->live_entries(), 2000u);
  for (int b = 0; b < 2000; ++b) {
    Owner got;
    ASSERT_TRUE(table->erase(kBase + b * 16, &got)) << b;
    EXPECT_EQ(got.slot, 7u);
  }
  EXPECT_EQ(table->live_entries(), 0u);
}

// Inserts after a thread released its table (late in its exit) go to the shared table and
// are still found.
TEST(SideTable, InsertsAfterAThreadReleasedItsTableAreKept) {
  auto table = std::make_unique<SideTable>();
  std::thread([&] {
    ASSERT_TRUE(table->insert(0x50000000ull, {3, 48, true}));
    table->release_thread();
    ASSERT_TRUE(table->insert(0x50000040ull, {4, 80, false}));
  }).join();
  Owner a, b;
  ASSERT_TRUE(table->erase(0x50000000ull, &a));
  ASSERT_TRUE(table->erase(0x50000040ull, &b));
  EXPECT_EQ(a.slot, 3u);
  EXPECT_TRUE(a.sampled);
  EXPECT_EQ(b.slot, 4u);
  EXPECT_EQ(b.size, 80u);
}

// Threads insert, free their own blocks and each other's, while their tables grow (and
// split under their owner's lock): every block comes back exactly once, with its owner.
TEST(SideTable, ConcurrentOwnersAndRemoteFreesLoseNothing) {
  auto table = std::make_unique<SideTable>();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  // Each thread publishes its blocks here; the next thread frees every other one.
  std::vector<std::atomic<std::uintptr_t>> handoff(kThreads * kPerThread);
  std::atomic<int> found{0}, wrong{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      const std::uintptr_t base = 0x100000000ull * (t + 1);
      for (int i = 0; i < kPerThread; ++i) {
        const std::uintptr_t addr = base + static_cast<std::uintptr_t>(i) * 32;
        if (!table->insert(addr, {static_cast<std::uint32_t>(t + 1), static_cast<std::uint64_t>(i), false})) {
          wrong.fetch_add(1);
          continue;
        }
        if (i % 2 == 0) {
          Owner o;  // free one of our own now and then
          if (i % 4 == 0) {
            if (table->erase(addr, &o) && o.slot == static_cast<std::uint32_t>(t + 1)) found.fetch_add(1);
            else wrong.fetch_add(1);
            continue;
          }
        }
        handoff[t * kPerThread + i].store(addr, std::memory_order_release);
      }
      // Free the blocks the previous thread handed off (waiting for each).
      const int from = (t + kThreads - 1) % kThreads;
      for (int i = 0; i < kPerThread; ++i) {
        if (i % 4 == 0) continue;
        const std::uintptr_t addr = wait_published(handoff[from * kPerThread + i]);
        Owner o;
        if (table->erase(addr, &o) && o.slot == static_cast<std::uint32_t>(from + 1) && o.size == static_cast<std::uint64_t>(i))
          found.fetch_add(1);
        else
          wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(found.load(), kThreads * kPerThread);
  EXPECT_EQ(table->live_entries(), 0u);
}

// Slots emptied by other threads' frees are found again by the owner: a thread whose
// blocks are all freed elsewhere, round after round, keeps a table of the same size.
TEST(SideTable, SlotsFreedByOtherThreadsAreReused) {
  auto table = std::make_unique<SideTable>();
  constexpr int kBlocks = 100000;
  std::size_t after_first_round = 0;
  std::atomic<int> round_ready{-1}, round_freed{-1};
  std::thread owner([&] {
    for (int round = 0; round < 5; ++round) {
      for (int i = 0; i < kBlocks; ++i)
        ASSERT_TRUE(table->insert(0x60000000ull + (static_cast<std::uintptr_t>(round) * kBlocks + i) * 48, {9, 48, false}));
      round_ready.store(round);
      while (round_freed.load() != round) std::this_thread::yield();
    }
  });
  for (int round = 0; round < 5; ++round) {
    while (round_ready.load() != round) std::this_thread::yield();
    for (int i = 0; i < kBlocks; ++i) {
      Owner o;
      ASSERT_TRUE(table->erase(0x60000000ull + (static_cast<std::uintptr_t>(round) * kBlocks + i) * 48, &o));
      ASSERT_EQ(o.slot, 9u);
    }
    if (round == 0) after_first_round = table->committed_bytes();
    round_freed.store(round);
  }
  owner.join();
  EXPECT_EQ(table->live_entries(), 0u);
  // Five rounds of 100,000 blocks would need five times the first round's table if the
  // freed slots were not reused; allow for chains shifting between rounds.
  EXPECT_LE(table->committed_bytes(), after_first_round * 5 / 4);
}

// The same for a thread that frees its own blocks: emptied overflow buckets go back to the
// table's free list, so churn over ever new addresses does not grow the table.
TEST(SideTable, ChurnOverNewAddressesKeepsTheTableSize) {
  auto table = std::make_unique<SideTable>();
  constexpr int kBlocks = 100000;
  std::size_t after_first_round = 0;
  for (int round = 0; round < 5; ++round) {
    const std::uintptr_t base = 0x70000000ull + static_cast<std::uintptr_t>(round) * kBlocks * 48;
    for (int i = 0; i < kBlocks; ++i) ASSERT_TRUE(table->insert(base + i * 48, {5, 48, false}));
    for (int i = 0; i < kBlocks; ++i) {
      Owner o;
      ASSERT_TRUE(table->erase(base + i * 48, &o));
    }
    if (round == 0) after_first_round = table->committed_bytes();
  }
  EXPECT_EQ(table->live_entries(), 0u);
  EXPECT_LE(table->committed_bytes(), after_first_round * 5 / 4);
}

// fork() while other threads insert and free: in the child, the tables of threads that did
// not survive are orphans that new threads adopt (no new table), and every block that was
// live at the fork is still found with its owner.
TEST(SideTable, ForkChildAdoptsOrphanTablesAndFindsEveryBlock) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "TSan does not support starting threads in the child of a multi-threaded fork";
#endif
  static SideTable* table = nullptr;  // the atfork handlers below are process-wide
  table = new SideTable();
  static std::once_flag registered;
  std::call_once(registered, [] {
    pthread_atfork([] { if (table) table->lock_all(); }, [] { if (table) table->unlock_all(); },
                   [] {
                     if (table) {
                       table->unlock_all();
                       table->after_fork_in_child();
                     }
                   });
  });
  constexpr int kWorkers = 2, kStable = 20000;
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> workers;
  for (int id = 0; id < kWorkers; ++id) {
    workers.emplace_back([&, id] {
      const std::uintptr_t base = 0x100000000ull * (id + 1);
      for (int i = 0; i < kStable; ++i)
        table->insert(base + static_cast<std::uintptr_t>(i) * 16, {static_cast<std::uint32_t>(id + 1), static_cast<std::uint64_t>(i), false});
      ready.fetch_add(1);
      for (std::uint64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {  // churn
        const std::uintptr_t a = base + 0x80000000ull + (n % 100000) * 16;
        Owner o;
        table->insert(a, {99, 1, false});
        table->erase(a, &o);
      }
    });
  }
  while (ready.load() != kWorkers) std::this_thread::yield();
  for (int f = 0; f < 5; ++f) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const pid_t pid = fork();
    if (pid == 0) {
      const std::size_t tables = table->table_count();
      int bad = 0;
      std::thread([&] {
        for (int i = 0; i < 50000; ++i)
          if (!table->insert(0x900000000ull + static_cast<std::uintptr_t>(i) * 16, {7, 7, false})) ++bad;
        for (int i = 0; i < 50000; ++i) {
          Owner o;
          if (!table->erase(0x900000000ull + static_cast<std::uintptr_t>(i) * 16, &o) || o.slot != 7) ++bad;
        }
      }).join();
      if (table->table_count() != tables) bad += 1000000;  // the new thread made a table
      for (int id = 0; id < kWorkers; ++id)
        for (int i = 0; i < kStable; ++i) {
          Owner o;
          if (!table->erase(0x100000000ull * (id + 1) + static_cast<std::uintptr_t>(i) * 16, &o) ||
              o.slot != static_cast<std::uint32_t>(id + 1) || o.size != static_cast<std::uint64_t>(i))
            ++bad;
        }
      _exit(bad == 0 ? 0 : 1);
    }
    ASSERT_GT(pid, 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "fork " << f << ": status " << status;
  }
  stop = true;
  for (auto& th : workers) th.join();
  SideTable* done = table;
  table = nullptr;
  delete done;
}

// Threads that exited insert into the shared table under its lock, while others free those
// blocks: nothing is lost.
TEST(SideTable, SharedTableServesExitedThreadsConcurrently) {
  auto table = std::make_unique<SideTable>();
  constexpr int kThreads = 4, kBlocks = 20000;
  std::vector<std::atomic<std::uintptr_t>> handoff(kThreads * kBlocks);
  std::atomic<int> bad{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      table->release_thread();  // as if late in its exit: everything goes to the shared table
      for (int i = 0; i < kBlocks; ++i) {
        const std::uintptr_t a = 0x200000000ull * (t + 1) + static_cast<std::uintptr_t>(i) * 32;
        if (!table->insert(a, {static_cast<std::uint32_t>(t + 10), 32, false})) bad.fetch_add(1);
        handoff[t * kBlocks + i].store(a, std::memory_order_release);
      }
      const int from = (t + 1) % kThreads;
      for (int i = 0; i < kBlocks; ++i) {
        const std::uintptr_t a = wait_published(handoff[from * kBlocks + i]);
        Owner o;
        if (!table->erase(a, &o) || o.slot != static_cast<std::uint32_t>(from + 10)) bad.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(table->live_entries(), 0u);
}

}  // namespace
