// Memory and locks for code that runs inside malloc hooks: mmap only (never malloc), and
// a spin lock that only the collector takes (user code can never hold it).
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ctxheap/context/detail/mutex.hpp"

namespace ctxheap::collector {

/// Reserves address space without committing memory; pages are committed when touched
/// and read as zero. Returns nullptr on failure.
inline void* reserve_zeroed(std::size_t bytes) noexcept {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  // Small pages only: with transparent huge pages on, touching one byte of a sparse table
  // would commit 2 MiB, and the collector's own memory figures count 4 KiB pages.
  ::madvise(p, bytes, MADV_NOHUGEPAGE);
  return p;
}

inline void unreserve(void* p, std::size_t bytes) noexcept {
  if (p) ::munmap(p, bytes);
}

/// A test-and-test-and-set lock that yields the CPU after a short spin. Only collector
/// code takes it, and never while calling user code.
class SpinLock {
 public:
  void lock() noexcept {
    for (int spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 128) ctxheap::detail::cpu_relax();
        else yield();
      }
    }
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  static void yield() noexcept;
  std::atomic<bool> locked_{false};
};

/// Murmur3's 64-bit finalizer: spreads allocator addresses (aligned, clustered) evenly.
constexpr std::uint64_t mix64(std::uint64_t k) noexcept {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

/// A cheaper spread for the hook path's per-event lookups: one multiply by an odd constant,
/// then the high half folded into the low bits that masks keep. Enough for allocator
/// addresses (tests/collector/side_table_test holds the side table's memory budget with
/// strided addresses).
constexpr std::uint64_t fold_hash(std::uint64_t k) noexcept {
  const std::uint64_t h = k * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 32);
}

/// Increment of a counter only one thread writes (others may read it): a load and a store,
/// not a locked read-modify-write.
template <class T, class D>
inline void single_writer_add(std::atomic<T>& a, D d) noexcept {
  a.store(a.load(std::memory_order_relaxed) + static_cast<T>(d), std::memory_order_relaxed);
}

}  // namespace ctxheap::collector
