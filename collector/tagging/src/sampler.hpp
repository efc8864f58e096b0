// Sampled allocation stacks, aggregated per (context, stack) site, as tcmalloc samples:
// a Poisson process over allocated bytes with a configurable mean interval. Everything
// here runs on the hook's rare path: stacks are captured by ctxheap::stacks (no malloc), and
// stacks, sites and sampled addresses live in mmap'd tables behind collector-only locks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctxheap/context/types.hpp"
#include "raw_memory.hpp"

namespace ctxheap::collector {

struct SiteValues {
  ContextId context = kNoContext;
  std::uint32_t stack = 0;  ///< index into the stack table
  std::uint64_t alloc_objects = 0, alloc_bytes = 0, free_objects = 0, free_bytes = 0;
};

class Sampler {
 public:
  static constexpr int kMaxFrames = 64;

  Sampler() noexcept;
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// Mean bytes between samples; 0 turns sampling off.
  void set_interval(std::uint64_t bytes) noexcept { interval_.store(bytes, std::memory_order_relaxed); }
  std::uint64_t interval() const noexcept { return interval_.load(std::memory_order_relaxed); }
  /// Draws the next gap of the Poisson process for a thread.
  std::int64_t next_gap(std::uint64_t& rng_state) const noexcept;

  /// Records one sampled allocation; `skip` drops the hook's own frames.
  void record_alloc(ContextId ctx, std::uintptr_t address, std::uint64_t size, int skip) noexcept;
  /// A sampled block was freed.
  void record_free(std::uintptr_t address, std::uint64_t size) noexcept;

  /// Copies out (off the hook path, may allocate): sites, and each stack's frames.
  std::vector<SiteValues> sites() const;
  std::vector<std::vector<std::uintptr_t>> stacks() const;

  void lock_all() noexcept;
  void unlock_all() noexcept;

 private:
  struct Site {
    ContextId context;
    std::uint32_t stack;
    std::uint64_t alloc_objects, alloc_bytes, free_objects, free_bytes;
  };
  struct StackRef {
    std::uint64_t hash;
    std::uint32_t offset;  // into frames_
    std::uint32_t depth;
  };

  std::uint32_t intern_stack(const std::uintptr_t* frames, int depth) noexcept;  // lock held
  std::uint32_t site_for(ContextId ctx, std::uint32_t stack) noexcept;           // lock held
  bool grow_live() noexcept;                                                      // lock held

  // Starts at CTXHEAP_SAMPLE when set (see initial_interval in sampler.cpp).
  std::atomic<std::uint64_t> interval_;
  mutable SpinLock lock_;
  // Stacks: frames in one arena, refs in an array, and an open-addressing index.
  std::uintptr_t* frames_;
  std::size_t frames_used_ = 0;
  StackRef* stack_refs_;
  std::uint32_t stack_count_ = 0;
  std::uint32_t* stack_index_;     // 1 + stack, 0 = empty
  // Sites: array plus an index keyed by (context, stack).
  Site* sites_;
  std::uint32_t site_count_ = 0;
  std::uint32_t* site_index_;
  // Sampled live blocks: address → 1 + site, open addressing over the first live_mask_ + 1
  // entries. It starts small and doubles at half load, so the pages it touches track the
  // number of live sampled blocks (a fixed 48 MiB table touched at random faulted in a
  // page per sample).
  std::uintptr_t* live_addr_;
  std::uint32_t* live_site_;
  std::uint32_t live_mask_;
  std::uint32_t live_count_ = 0;
};

}  // namespace ctxheap::collector
