// The malloc hooks. Rules (checked by tests/collector):
//   - never allocate through malloc, never take a lock user code can hold (only the
//     collector's SpinLocks, never while running user code);
//   - re-entry guard: an allocation made inside the hook is counted, not recorded;
//   - correct with no current context, in fork() children, and during static destruction
//     (the state is never destroyed).
// The common path is a TLS read, a few plain per-thread counter updates and one insert
// into, or erase from, the thread's own side table; sampling, slot assignment and frees of
// other threads' blocks are separate, slower paths.
#include <gperftools/malloc_extension_c.h>
#include <gperftools/malloc_hook_c.h>
#include <gperftools/nallocx.h>
#include <gperftools/tcmalloc.h>

#include <pthread.h>

#include <cstdlib>
#include <string_view>

#include "ctxheap/context/current.hpp"
#include "state.hpp"

namespace ctxheap::collector {

State* g_state = nullptr;
constinit thread_local ThreadState t_state{};

namespace {

// Frames to drop from sampled stacks: record_alloc, sample_slow, on_new, and
// tcmalloc's hook invocation.
constexpr int kHookFrames = 4;

pthread_key_t g_thread_exit_key;

// Thread exit: hand the thread's pending counts to their slot and free its block.
void on_thread_exit(void*) {
  ThreadState& t = t_state;
  if (t.pending != nullptr && g_state != nullptr) g_state->slots.release_pending(*t.pending);
  t.pending = nullptr;
  t.pending_done = true;
}

// The thread starts charging another context: look up its slot and point this thread's
// pending counts at it (flushing what they held for the previous slot).
[[gnu::noinline]] std::uint32_t refresh_slot(State& s, ThreadState& t, ContextId id) noexcept {
  t.cached_id = id;
  t.cached_slot = s.slots.slot_for(id);
  if (t.pending == nullptr && !t.pending_done) {
    t.pending = s.slots.acquire_pending();
    if (t.pending != nullptr) pthread_setspecific(g_thread_exit_key, t.pending);
  }
  if (t.pending != nullptr) s.slots.retarget(*t.pending, t.cached_slot);
  return t.cached_slot;
}

// Returns whether this allocation was sampled. A thread's first call only draws its
// first gap, so new threads do not all sample their first allocation.
[[gnu::noinline]] bool sample_slow(State& s, ThreadState& t, ContextId id, const void* ptr,
                                   std::size_t size) noexcept {
  const bool first = t.rng == 0;
  t.bytes_until_sample = s.sampler.next_gap(t.rng);
  if (first && s.sampler.interval() > 1) return false;
  s.sampler.record_alloc(id, reinterpret_cast<std::uintptr_t>(ptr), size, kHookFrames);
  return true;
}

NoContextStripe& stripe(State& s, ThreadState& t) noexcept {
  if (!t.stripe_set) [[unlikely]] {
    t.stripe = static_cast<std::uint8_t>(s.next_stripe.fetch_add(1, std::memory_order_relaxed) % State::kStripes);
    t.stripe_set = true;
  }
  return s.no_context[t.stripe];
}

// Sampled-only mode, once the thread's countdown ran out: only sampled blocks are
// remembered.
[[gnu::noinline]] void on_new_sampled_only(State& s, ThreadState& t, const void* ptr, std::size_t size) noexcept {
  t.in_hook = true;
  const ContextId id = current_charge_id();
  if (sample_slow(s, t, id, ptr, size)) {
    const std::uint32_t slot = id == kNoContext ? kNoContextSlot : s.slots.slot_for(id);
    if (s.side.insert(reinterpret_cast<std::uintptr_t>(ptr), {slot, size, true}))
      s.sampled_filter[filter_cell(ptr)].fetch_add(1, std::memory_order_relaxed);
  }
  t.in_hook = false;
}

void on_new(const void* ptr, std::size_t size) {
  ThreadState& t = t_state;
  State* s = g_state;
  if (ptr == nullptr || s == nullptr) return;
  if (!s->exact) {
    // The collector's own and re-entrant allocations neither count down nor get sampled.
    if (!t.in_hook && !t.internal && (t.bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) [[unlikely]]
      on_new_sampled_only(*s, t, ptr, size);
    return;
  }
  if (t.in_hook) [[unlikely]] {
    s->hook_reentries.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  t.in_hook = true;
  if (t.internal) [[unlikely]] {
    // The collector's own memory: remembered, so its free is recognised, and kept apart.
    if (s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {kInternalSlot, size, false})) {
      s->internal.alloc_objects.fetch_add(1, std::memory_order_relaxed);
      s->internal.alloc_bytes.fetch_add(size, std::memory_order_relaxed);
    }
    t.in_hook = false;
    return;
  }
  const ContextId id = current_charge_id();
  bool sampled = false;
  if ((t.bytes_until_sample -= static_cast<std::int64_t>(size)) < 0) [[unlikely]] {
    sampled = sample_slow(*s, t, id, ptr, size);
  }
  if (id == kNoContext) {
    // Recorded too, so that its free, on any thread, is found in a side table instead of
    // being searched for in all of them.
    NoContextStripe& n = stripe(*s, t);
    n.alloc_objects.fetch_add(1, std::memory_order_relaxed);
    n.alloc_bytes.fetch_add(nallocx(size, 0), std::memory_order_relaxed);
    s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {kNoContextSlot, size, sampled});
  } else {
    const std::uint32_t slot = t.cached_id == id ? t.cached_slot : refresh_slot(*s, t, id);
    SlotCounters& c = s->slots.at(slot);
    if (s->side.insert(reinterpret_cast<std::uintptr_t>(ptr), {slot, size, sampled})) [[likely]] {
      if (ThreadPending* p = t.pending) {
        single_writer_add(p->alloc_objects, 1);
        single_writer_add(p->alloc_bytes, size);
      } else {
        c.alloc_objects.fetch_add(1, std::memory_order_relaxed);
        c.alloc_bytes.fetch_add(size, std::memory_order_relaxed);
      }
      const std::int64_t now = s->coarse_now_ns.load(std::memory_order_relaxed);
      if (c.last_alloc_ns.load(std::memory_order_relaxed) != now) c.last_alloc_ns.store(now, std::memory_order_relaxed);
    } else {
      s->untracked.fetch_add(1, std::memory_order_relaxed);  // owner unknown: not counted at all
    }
  }
  t.in_hook = false;
}

[[gnu::noinline]] void on_delete_sampled_only(State& s, ThreadState& t, const void* ptr) noexcept {
  t.in_hook = true;
  Owner o;
  if (s.side.erase(reinterpret_cast<std::uintptr_t>(ptr), &o)) {
    s.sampled_filter[filter_cell(ptr)].fetch_sub(1, std::memory_order_relaxed);
    s.sampler.record_free(reinterpret_cast<std::uintptr_t>(ptr), o.size);
  }
  t.in_hook = false;
}

void on_delete(const void* ptr) {
  ThreadState& t = t_state;
  State* s = g_state;
  if (ptr == nullptr || s == nullptr) return;
  if (t.in_hook) [[unlikely]] return;
  if (!s->exact) {
    if (s->sampled_filter[filter_cell(ptr)].load(std::memory_order_relaxed) != 0) [[unlikely]]
      on_delete_sampled_only(*s, t, ptr);
    return;
  }
  t.in_hook = true;
  Owner o;
  if (s->side.erase(reinterpret_cast<std::uintptr_t>(ptr), &o)) {
    if (o.slot == kInternalSlot) [[unlikely]] {
      s->internal.free_objects.fetch_add(1, std::memory_order_relaxed);
      s->internal.free_bytes.fetch_add(o.size, std::memory_order_relaxed);
    } else if (o.slot == kNoContextSlot) {
      NoContextStripe& n = stripe(*s, t);
      n.free_objects.fetch_add(1, std::memory_order_relaxed);
      n.free_bytes.fetch_add(nallocx(o.size, 0), std::memory_order_relaxed);
    } else {
      ThreadPending* p = t.pending;
      if (p != nullptr && o.slot == t.cached_slot) {
        single_writer_add(p->free_objects, 1);
        single_writer_add(p->free_bytes, o.size);
      } else {
        SlotCounters& c = s->slots.at(o.slot);
        c.free_objects.fetch_add(1, std::memory_order_relaxed);
        c.free_bytes.fetch_add(o.size, std::memory_order_relaxed);
        if (c.destroyed.load(std::memory_order_relaxed)) [[unlikely]] s->slots.maybe_queue_retire(o.slot);
      }
    }
    if (o.sampled) [[unlikely]] s->sampler.record_free(reinterpret_cast<std::uintptr_t>(ptr), o.size);
  } else {
    NoContextStripe& n = stripe(*s, t);
    n.free_objects.fetch_add(1, std::memory_order_relaxed);
    n.free_bytes.fetch_add(tc_malloc_size(const_cast<void*>(ptr)), std::memory_order_relaxed);
  }
  t.in_hook = false;
}

void before_fork() {
  if (State* s = g_state) {
    s->slots.lock_all();
    s->sampler.lock_all();
    s->side.lock_all();
  }
}

void after_fork_in_parent() {
  if (State* s = g_state) {
    s->side.unlock_all();
    s->sampler.unlock_all();
    s->slots.unlock_all();
  }
}

void after_fork_in_child() {
  after_fork_in_parent();
  if (State* s = g_state) s->side.after_fork_in_child();
}

}  // namespace

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace detail {
// Called once by install() (collector.cpp) with the state already built.
bool install_hooks(State* state) noexcept {
  state->coarse_now_ns.store(monotonic_ns(), std::memory_order_relaxed);
  const char* mode = std::getenv("CTXHEAP_MODE");
  state->exact = !(mode && std::string_view(mode) == "sampled");
  pthread_key_create(&g_thread_exit_key, on_thread_exit);
  g_state = state;
  pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
  return MallocHook_AddNewHook(&on_new) && MallocHook_AddDeleteHook(&on_delete);
}
}  // namespace detail

}  // namespace ctxheap::collector
