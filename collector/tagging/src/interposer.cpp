// The collector's own allocator entry points: the malloc family and every operator
// new/delete, defined here so they take precedence over libtcmalloc's and libc's (the
// static collector is part of the program; the shared one is linked or preloaded before
// libtcmalloc). Each calls tcmalloc's exported tc_* function and tags inline: no hook
// dispatch. While the dispatch is not Interposed (before install, CTXHEAP_DISPATCH=hooks,
// or a link order where libtcmalloc's malloc wins) they only forward, and tcmalloc's hooks
// tag instead (hooks.cpp).
//
// Order: a new block is tagged after tcmalloc returns it; a block is untagged before
// tcmalloc gets it back, so another thread cannot be handed the address while the side
// table still holds it.
#include <atomic>
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <new>

#include "ctxheap/collector/collector.hpp"
#include "dispatch.hpp"
#include "tag_path.hpp"

// Every entry point lives in this section, so the sampler can drop their frames from stacks
// whatever the dispatch (sampler.cpp).
#define CTXHEAP_ENTRY extern "C" [[gnu::section("ctxheap_entry_points"), gnu::visibility("default")]]
#define CTXHEAP_ENTRY_CXX [[gnu::section("ctxheap_entry_points"), gnu::visibility("default")]]
#define CTXHEAP_ENTRY_HELPER [[gnu::section("ctxheap_entry_points")]]

namespace ctxheap::collector {

constinit std::atomic<Dispatch> g_dispatch{Dispatch::None};

namespace {

// Frames above the user's call in a sampled stack: the entry point, and any helper of it
// not inlined; all of them are in the entry-point section, which the sampler drops.
constexpr int kEntryFrames = 0;

inline bool tagging_on() noexcept { return dispatch_now() == Dispatch::Interposed; }

// Install asks whether calls to malloc and operator new reach these entry points (see
// interposer_owns_malloc): while it probes, an entry point that forwards notes it ran.
std::atomic<bool> g_probing{false};
std::atomic<bool> g_probe_reached{false};

CTXHEAP_ENTRY_HELPER inline void* tag(void* p, std::size_t size) noexcept {
  tagging::on_alloc(p, size, kEntryFrames);
  return p;
}

inline void* forwarded(void* p) noexcept {
  if (g_probing.load(std::memory_order_relaxed)) [[unlikely]] g_probe_reached.store(true, std::memory_order_relaxed);
  return p;
}

CTXHEAP_ENTRY_HELPER inline void untag(void* p) noexcept {
  if (tagging_on()) tagging::on_free(p);
}

// realloc: the old block is untagged before tcmalloc may free it; if tcmalloc fails, the
// block is unchanged and its entry is put back. A block resized in place counts as the free
// of the old size and the allocation of the new one, like a move.
CTXHEAP_ENTRY_HELPER inline void* realloc_tagged(void* old, std::size_t size) noexcept {
  if (!tagging_on() || old == nullptr || g_state == nullptr) {
    void* p = tc_realloc(old, size);
    if (tagging_on() && old == nullptr) tag(p, size);
    return p;
  }
  ThreadState& t = t_state;
  State& s = *g_state;
  if (t.in_hook || !s.exact) {
    // Re-entrant, or sampled-only mode: a sampled block is treated as freed first.
    tagging::on_free(old);
    void* p = tc_realloc(old, size);
    if (size != 0) tag(p, size);
    return p;
  }
  t.in_hook = true;
  Owner o;
  const bool known = s.side.erase(reinterpret_cast<std::uintptr_t>(old), &o);
  t.in_hook = false;
  void* p = tc_realloc(old, size);
  if (p == nullptr && size != 0) {
    // Failed: the old block is still live and still its owner's.
    if (known) {
      t.in_hook = true;
      s.side.insert(reinterpret_cast<std::uintptr_t>(old), o);
      t.in_hook = false;
    }
    return nullptr;
  }
  t.in_hook = true;
  if (known) tagging::charge_free(s, t, old, o);
  else tagging::charge_unknown_free(s, t, old);
  t.in_hook = false;
  if (p != nullptr) tag(p, size);
  return p;
}

std::size_t page_size() noexcept {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace
}  // namespace ctxheap::collector

using ctxheap::collector::forwarded;
using ctxheap::collector::realloc_tagged;
using ctxheap::collector::tag;
using ctxheap::collector::tagging_on;
using ctxheap::collector::untag;

CTXHEAP_ENTRY void* malloc(std::size_t size) noexcept {
  void* p = tc_malloc(size);
  return tagging_on() ? tag(p, size) : forwarded(p);
}

CTXHEAP_ENTRY void free(void* p) noexcept {
  untag(p);
  tc_free(p);
}

CTXHEAP_ENTRY void* calloc(std::size_t n, std::size_t size) noexcept {
  void* p = tc_calloc(n, size);
  return tagging_on() ? tag(p, n * size) : p;  // p is null if n * size overflowed
}

CTXHEAP_ENTRY void* realloc(void* old, std::size_t size) noexcept { return realloc_tagged(old, size); }

CTXHEAP_ENTRY void* reallocarray(void* old, std::size_t n, std::size_t size) noexcept {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc_tagged(old, bytes);
}

CTXHEAP_ENTRY void* memalign(std::size_t alignment, std::size_t size) noexcept {
  void* p = tc_memalign(alignment, size);
  return tagging_on() ? tag(p, size) : p;
}

CTXHEAP_ENTRY void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  void* p = tc_memalign(alignment, size);
  return tagging_on() ? tag(p, size) : p;
}

CTXHEAP_ENTRY int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  const int status = tc_posix_memalign(out, alignment, size);
  if (status == 0 && tagging_on()) tag(*out, size);
  return status;
}

CTXHEAP_ENTRY void* valloc(std::size_t size) noexcept {
  void* p = tc_valloc(size);
  return tagging_on() ? tag(p, size) : p;
}

CTXHEAP_ENTRY void* pvalloc(std::size_t size) noexcept {
  void* p = tc_pvalloc(size);
  // pvalloc rounds the request up to whole pages (and 0 to one page): that is its size.
  const std::size_t page = ctxheap::collector::page_size();
  return tagging_on() ? tag(p, size == 0 ? page : (size + page - 1) / page * page) : p;
}

CTXHEAP_ENTRY std::size_t malloc_usable_size(void* p) noexcept { return p == nullptr ? 0 : tc_malloc_size(p); }

// operator new/delete in all their forms.
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size) {
  void* p = tc_new(size);
  return tagging_on() ? tag(p, size) : forwarded(p);
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size) {
  void* p = tc_newarray(size);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, const std::nothrow_t& nt) noexcept {
  void* p = tc_new_nothrow(size, nt);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, const std::nothrow_t& nt) noexcept {
  void* p = tc_newarray_nothrow(size, nt);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, std::align_val_t al) {
  void* p = tc_new_aligned(size, al);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, std::align_val_t al) {
  void* p = tc_newarray_aligned(size, al);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t& nt) noexcept {
  void* p = tc_new_aligned_nothrow(size, al, nt);
  return tagging_on() ? tag(p, size) : p;
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t& nt) noexcept {
  void* p = tc_newarray_aligned_nothrow(size, al, nt);
  return tagging_on() ? tag(p, size) : p;
}

CTXHEAP_ENTRY_CXX void operator delete(void* p) noexcept {
  untag(p);
  tc_delete(p);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p) noexcept {
  untag(p);
  tc_deletearray(p);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::size_t size) noexcept {
  untag(p);
  tc_delete_sized(p, size);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::size_t size) noexcept {
  untag(p);
  tc_deletearray_sized(p, size);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, const std::nothrow_t& nt) noexcept {
  untag(p);
  tc_delete_nothrow(p, nt);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, const std::nothrow_t& nt) noexcept {
  untag(p);
  tc_deletearray_nothrow(p, nt);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::align_val_t al) noexcept {
  untag(p);
  tc_delete_aligned(p, al);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::align_val_t al) noexcept {
  untag(p);
  tc_deletearray_aligned(p, al);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::size_t size, std::align_val_t al) noexcept {
  untag(p);
  tc_delete_sized_aligned(p, size, al);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::size_t size, std::align_val_t al) noexcept {
  untag(p);
  tc_deletearray_sized_aligned(p, size, al);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::align_val_t al, const std::nothrow_t& nt) noexcept {
  untag(p);
  tc_delete_aligned_nothrow(p, al, nt);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::align_val_t al, const std::nothrow_t& nt) noexcept {
  untag(p);
  tc_deletearray_aligned_nothrow(p, al, nt);
}

namespace ctxheap::collector {

bool interposer_linked() noexcept { return true; }

// Calls malloc and operator new as the program does (through the process's symbol
// resolution, not this file's own definitions) and sees whether they arrive here. Comparing
// addresses would not do: a non-PIE program that takes malloc's address (python3 does)
// exports its PLT stub as malloc's canonical address.
bool interposer_owns_malloc() noexcept {
  using Malloc = void* (*)(std::size_t);
  using Free = void (*)(void*);
  using New = void* (*)(std::size_t);
  using Delete = void (*)(void*) noexcept;
  static Malloc volatile process_malloc = &::malloc;
  static Free volatile process_free = &::free;
  static New volatile process_new = static_cast<New>(&::operator new);
  static Delete volatile process_delete = static_cast<Delete>(&::operator delete);
  g_probing.store(true, std::memory_order_relaxed);
  g_probe_reached.store(false, std::memory_order_relaxed);
  process_free(process_malloc(16));
  const bool malloc_here = g_probe_reached.exchange(false, std::memory_order_relaxed);
  process_delete(process_new(16));
  const bool new_here = g_probe_reached.load(std::memory_order_relaxed);
  g_probing.store(false, std::memory_order_relaxed);
  return malloc_here && new_here;
}

// Linking this file (the program's malloc or operator new pulls it from the static archive)
// brings the load-time installer with it: a collector linked without --whole-archive is
// still active.
[[gnu::used]] void (*const g_keep_installer)() noexcept = &install;

}  // namespace ctxheap::collector
