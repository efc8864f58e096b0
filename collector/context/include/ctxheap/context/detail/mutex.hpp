// Internal: the lock guarding a context's children set. Four bytes instead of
// std::mutex's forty, and it spins briefly before sleeping (as Go's runtime mutex does),
// because a children-set critical section is a handful of pointer writes: sleeping in
// the kernel on contention would cost far more than the wait.
#pragma once

#include <atomic>
#include <cstdint>

namespace ctxheap::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class NodeMutex {
 public:
  void lock() noexcept {
    std::uint32_t expected = kUnlocked;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire)) [[likely]]
      return;
    lock_slow();
  }

  void unlock() noexcept {
    if (state_.exchange(kUnlocked, std::memory_order_release) == kContended) [[unlikely]]
      state_.notify_one();
  }

 private:
  static constexpr std::uint32_t kUnlocked = 0, kLocked = 1, kContended = 2;

  void lock_slow() noexcept {
    for (int spin = 0; spin < 64; ++spin) {
      cpu_relax();
      std::uint32_t expected = kUnlocked;
      if (state_.load(std::memory_order_relaxed) == kUnlocked &&
          state_.compare_exchange_weak(expected, kLocked, std::memory_order_acquire))
        return;
    }
    // Futex-style: mark contended, sleep until the holder's unlock wakes us.
    while (state_.exchange(kContended, std::memory_order_acquire) != kUnlocked)
      state_.wait(kContended, std::memory_order_relaxed);
  }

  std::atomic<std::uint32_t> state_{kUnlocked};
};

}  // namespace ctxheap::detail
