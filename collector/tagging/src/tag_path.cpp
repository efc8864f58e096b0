// The tagging path's slow paths and process-wide wiring: thread exit, fork, and the
// choice between the collector's own entry points and tcmalloc's hooks.
#include "tag_path.hpp"

#include "header_path.hpp"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "dispatch.hpp"

namespace ctxheap::collector {

State* g_state = nullptr;
constinit thread_local ThreadState t_state{};

namespace tagging {
namespace {

pthread_key_t g_thread_exit_key;

// Thread exit: hand the thread's pending counts to their slot and free its block, and keep
// the name the thread ends with for its no-context figures.
void on_thread_exit(void*) {
  ThreadState& t = t_state;
  if (t.stripe_set && t.stripe < kNamedStripes && g_state != nullptr) {
    NoContextStripe& n = g_state->no_context[t.stripe];
    prctl(PR_GET_NAME, n.name);
    n.name[sizeof n.name - 1] = '\0';
  }
  if (t.pending != nullptr && g_state != nullptr) g_state->slots.release_pending(*t.pending);
  t.pending = nullptr;
  t.pending_done = true;
}

void before_fork() {
  if (State* s = g_state) {
    s->slots.lock_all();
    s->sampler.lock_all();
    s->side.lock_all();
    s->unmarked_lock.lock();
  }
}

void after_fork_in_parent() {
  if (State* s = g_state) {
    s->unmarked_lock.unlock();
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
[[gnu::noinline]] bool sample_slow(State& s, ThreadState& t, ContextId id, const void* ptr, std::size_t size,
                                   int skip) noexcept {
  const bool first = t.rng == 0;
  t.bytes_until_sample = s.sampler.next_gap(t.rng);
  if (first && s.sampler.interval() > 1) return false;
  s.sampler.record_alloc(id, reinterpret_cast<std::uintptr_t>(ptr), size, skip + 2);  // + sample_slow, record_alloc
  return true;
}

// A thread's first allocation with no context: the first kNamedStripes threads get a
// stripe of their own, named after the thread; later ones share the others round-robin.
[[gnu::noinline]] NoContextStripe& stripe_slow(State& s, ThreadState& t) noexcept {
  const std::uint32_t k = s.next_stripe.fetch_add(1, std::memory_order_relaxed);
  if (k < kNamedStripes) {
    NoContextStripe& n = s.no_context[k];
    n.name[0] = '\0';
    prctl(PR_GET_NAME, n.name);  // a system call: no allocation, no lock
    n.name[sizeof n.name - 1] = '\0';
    n.tid.store(static_cast<std::int32_t>(syscall(SYS_gettid)), std::memory_order_release);
    t.stripe = static_cast<std::uint8_t>(k);
    // So that on_thread_exit runs for this thread and records the name it ends with
    // (the value only has to be non-null; refresh_slot may replace it with its block).
    if (pthread_getspecific(g_thread_exit_key) == nullptr) pthread_setspecific(g_thread_exit_key, &n);
  } else {
    t.stripe = static_cast<std::uint8_t>(kNamedStripes + k % kSharedStripes);
  }
  t.stripe_set = true;
  return s.no_context[t.stripe];
}

// Sampled-only mode, once the thread's countdown ran out: only sampled blocks are
// remembered.
[[gnu::noinline]] void sampled_only_alloc(State& s, ThreadState& t, const void* ptr, std::size_t size,
                                          int skip) noexcept {
  t.in_hook = true;
  const ContextId id = current_charge_id();
  if (sample_slow(s, t, id, ptr, size, skip + 1)) {
    const std::uint32_t slot = id == kNoContext ? kNoContextSlot : s.slots.slot_for(id);
    if (s.side.insert(reinterpret_cast<std::uintptr_t>(ptr), {slot, size, true}))
      s.sampled_filter[filter_cell(ptr)].fetch_add(1, std::memory_order_relaxed);
  }
  t.in_hook = false;
}

[[gnu::noinline]] void sampled_only_free(State& s, ThreadState& t, const void* ptr) noexcept {
  t.in_hook = true;
  Owner o;
  if (s.side.erase(reinterpret_cast<std::uintptr_t>(ptr), &o)) {
    s.sampled_filter[filter_cell(ptr)].fetch_sub(1, std::memory_order_relaxed);
    s.sampler.record_free(reinterpret_cast<std::uintptr_t>(ptr), o.size);
  }
  t.in_hook = false;
}

// A headed block whose free is not the common case (header_path.hpp): another context's
// or thread's, sampled, or freed inside the tagging path (then only untagged, not charged).
[[gnu::noinline]] void charge_free_headed(const void* p, std::uint64_t owner) noexcept {
  ThreadState& t = t_state;
  if (t.in_hook) return;
  t.in_hook = true;
  charge_free(*g_state, t, p, Owner{headers::slot_of(owner), headers::size_of(owner), headers::sampled_of(owner)});
  t.in_hook = false;
}

}  // namespace tagging

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace detail {
// Called once by install() (collector.cpp) with the state already built.
bool install_tagging(State* state) noexcept {
  state->coarse_now_ns.store(monotonic_ns(), std::memory_order_relaxed);
  const char* mode = std::getenv("CTXHEAP_MODE");
  state->exact = !(mode && std::string_view(mode) == "sampled");
  pthread_key_create(&tagging::g_thread_exit_key, tagging::on_thread_exit);
  pthread_atfork(tagging::before_fork, tagging::after_fork_in_parent, tagging::after_fork_in_child);
  // Which path feeds the tagging: the collector's own entry points when they own the
  // process's malloc and CTXHEAP_DISPATCH does not ask for hooks; tcmalloc's hooks otherwise.
  const char* dispatch = std::getenv("CTXHEAP_DISPATCH");
  const bool want_hooks = dispatch && std::string_view(dispatch) == "hooks";
  bool ok = true;
  if (!want_hooks && interposer_owns_malloc()) {
    g_state = state;
    set_dispatch(Dispatch::Interposed);
    // Exact mode keeps each block's owner in a header in front of it (block_headers.hpp)
    // unless CTXHEAP_EXACT_OWNER=table asks for the side table.
    const char* owner = std::getenv("CTXHEAP_EXACT_OWNER");
    const bool table = owner && std::string_view(owner) == "table";
    set_entry_mode(!state->exact ? EntryMode::Sampled : table ? EntryMode::ExactTable : EntryMode::ExactHeaders);
  } else {
    if (!want_hooks && interposer_linked())
      std::fprintf(stderr,
                   "ctxheap: another malloc precedes the collector's in the link or preload order; "
                   "falling back to tcmalloc's hooks (link ctxheap's collector before tcmalloc, see docs/collector.md)\n");
    g_state = state;
    ok = install_hooks();
    set_dispatch(Dispatch::Hooks);
  }
  return ok;
}
}  // namespace detail

}  // namespace ctxheap::collector
