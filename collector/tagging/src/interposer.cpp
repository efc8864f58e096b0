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
//
// Every entry point reads one global byte, the entry mode (dispatch.hpp). In sampled-only
// mode an allocation is a thread-local countdown and the tcmalloc call, and a free an
// address test and the tcmalloc call (sampled_blocks.hpp); in exact mode the tagging path
// runs around the tcmalloc call: with block headers (header_path.hpp, the default) a block
// of malloc's alignment is asked of tcmalloc 16 bytes larger and carries its owner in
// front of it; with the side table (tag_path.hpp, CTXHEAP_EXACT_OWNER=table), and for
// over-aligned blocks in either, the owner is recorded by address.
#include <atomic>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "ctxheap/collector/collector.hpp"
#include "dispatch.hpp"
#include "header_path.hpp"
#include "sampled_blocks.hpp"
#include "tag_path.hpp"

// Every entry point lives in this section, so the sampler can drop their frames from stacks
// whatever the dispatch (sampler.cpp).
#define CTXHEAP_ENTRY extern "C" [[gnu::section("ctxheap_entry_points"), gnu::visibility("default")]]
#define CTXHEAP_ENTRY_CXX [[gnu::section("ctxheap_entry_points"), gnu::visibility("default")]]
#define CTXHEAP_ENTRY_HELPER [[gnu::section("ctxheap_entry_points")]]

namespace ctxheap::collector {

constinit std::atomic<Dispatch> g_dispatch{Dispatch::None};
constinit std::atomic<EntryMode> g_entry_mode{EntryMode::Forward};
constinit std::atomic<std::uintptr_t> g_free_window{UINTPTR_MAX};

namespace {

// Frames above the user's call in a sampled stack: the entry point, and any helper of it
// not inlined; all of them are in the entry-point section, which the sampler drops.
constexpr int kEntryFrames = 0;

inline bool tagging_on() noexcept { return is_exact(entry_mode()); }

// Install asks whether calls to malloc and operator new reach these entry points (see
// interposer_owns_malloc): while it probes, an entry point that forwards notes it ran.
std::atomic<bool> g_probing{false};
std::atomic<bool> g_probe_reached{false};

// Never inlined: exact mode reaches it by a tail call from allocate_exact (outside the
// section), so that a stack sampled inside it starts at the user's call.
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* tag(void* p, std::size_t size) noexcept {
  tagging::on_alloc(p, size, kEntryFrames);
  return p;
}

// The same for a headed block: `base` is the tcmalloc block of size + kHeader bytes; returns
// the address the program gets (header_path.hpp).
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* tag_headed_slow(void* base, std::size_t size) noexcept {
  return tagging::on_alloc_headed(base, size, kEntryFrames);
}
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* tag_headed(void* base, std::size_t size) noexcept {
  if (void* p = tagging::try_alloc_headed_fast(base, size)) [[likely]] return p;
  return tag_headed_slow(base, size);  // a tail call: the fast path saves no registers
}

inline void* forwarded(void* p) noexcept {
  if (g_probing.load(std::memory_order_relaxed)) [[unlikely]] g_probe_reached.store(true, std::memory_order_relaxed);
  return p;
}

// Which tcmalloc call an allocating entry point makes.
enum class Call : unsigned char {
  Malloc, Calloc, Memalign, Valloc, Pvalloc, New, NewArray, NewNothrow, NewArrayNothrow,
  NewAligned, NewArrayAligned, NewAlignedNothrow, NewArrayAlignedNothrow
};

// `a` is the size (calloc: the count), `b` calloc's element size or the alignment.
[[gnu::always_inline]] inline void* call(Call c, std::size_t a, std::size_t b) {
  const auto al = static_cast<std::align_val_t>(b);
  switch (c) {
    case Call::Malloc: return tc_malloc(a);
    case Call::Calloc: return tc_calloc(a, b);
    case Call::Memalign: return tc_memalign(b, a);
    case Call::Valloc: return tc_valloc(a);
    case Call::Pvalloc: return tc_pvalloc(a);
    case Call::New: return tc_new(a);
    case Call::NewArray: return tc_newarray(a);
    case Call::NewNothrow: return tc_new_nothrow(a, std::nothrow);
    case Call::NewArrayNothrow: return tc_newarray_nothrow(a, std::nothrow);
    case Call::NewAligned: return tc_new_aligned(a, al);
    case Call::NewArrayAligned: return tc_newarray_aligned(a, al);
    case Call::NewAlignedNothrow: return tc_new_aligned_nothrow(a, al, std::nothrow);
    case Call::NewArrayAlignedNothrow: return tc_newarray_aligned_nothrow(a, al, std::nothrow);
  }
  __builtin_unreachable();
}

constexpr bool may_throw(Call c) noexcept {
  return c == Call::New || c == Call::NewArray || c == Call::NewAligned || c == Call::NewArrayAligned;
}

// The other modes of an allocating entry point, and a countdown that ran out (the block is
// sampled, or allocated as usual): out of line, so that the sampled-only fast path saves no
// registers. Not templates, which would leave the entry-point section; a noexcept twin for
// the entry points that cannot throw, so that they reach these by a tail call.
[[gnu::always_inline]] inline void* other_body(EntryMode m, Call c, std::size_t a, std::size_t b, std::size_t counted) {
  t_state.fast_countdown = kNeverFast;
  void* p = call(c, a, b);
  return is_exact(m) ? tag(p, counted) : forwarded(p);
}
[[gnu::always_inline]] inline void* sampled_body(Call c, std::size_t a, std::size_t b, std::size_t counted,
                                                 std::size_t alignment) {
  if (void* p = sampled::allocate(counted, alignment, c == Call::Calloc)) return p;
  return call(c, a, b);
}
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* allocate_other(EntryMode m, Call c, std::size_t a, std::size_t b,
                                                          std::size_t counted) {
  return other_body(m, c, a, b, counted);
}
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* allocate_other_nothrow(EntryMode m, Call c, std::size_t a, std::size_t b,
                                                                  std::size_t counted) noexcept {
  return other_body(m, c, a, b, counted);
}
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* allocate_sampled(Call c, std::size_t a, std::size_t b,
                                                            std::size_t counted, std::size_t alignment) {
  return sampled_body(c, a, b, counted, alignment);
}
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* allocate_sampled_nothrow(Call c, std::size_t a, std::size_t b,
                                                                    std::size_t counted, std::size_t alignment) noexcept {
  return sampled_body(c, a, b, counted, alignment);
}

// Exact mode, one instance per call: the tcmalloc call, then tag() by a tail call. Outside
// the entry-point section (a template), which does not matter: no stack is captured while
// this frame is live (tcmalloc's hooks are off in exact interposed mode, and tag() runs
// after it returned).
template <Call C>
[[gnu::noinline]] void* allocate_exact(std::size_t a, std::size_t b, std::size_t counted) noexcept(!may_throw(C)) {
  t_state.fast_countdown = kNeverFast;
  return tag(call(C, a, b), counted);
}

// Which calls serve blocks of malloc's own alignment, which exact mode heads.
constexpr bool headable(Call c) noexcept {
  return c == Call::Malloc || c == Call::Calloc || c == Call::New || c == Call::NewArray || c == Call::NewNothrow ||
         c == Call::NewArrayNothrow;
}

// The tcmalloc call for a headed block of `bytes` (at most headers::kMaxSize) requested bytes.
// A zero-byte request still asks for one byte past the header: the address handed out must
// lie inside its own tcmalloc block, never at the start of the next one (which may be
// another block without a header, whose free would then read this header as its own).
[[gnu::always_inline]] inline void* call_headed(Call c, std::size_t bytes) {
  const std::size_t n = headers::block_bytes(bytes);
  switch (c) {
    case Call::Malloc: return tc_malloc(n);
    case Call::Calloc: return tc_calloc(1, n);
    case Call::New: return tc_new(n);
    case Call::NewArray: return tc_newarray(n);
    case Call::NewNothrow: return tc_new_nothrow(n, std::nothrow);
    case Call::NewArrayNothrow: return tc_newarray_nothrow(n, std::nothrow);
    default: break;
  }
  __builtin_unreachable();
}

// Exact mode with block headers, one instance per call: the tcmalloc call for the block and
// its header, then tag_headed() by a tail call (as allocate_exact). Over-aligned and huge
// blocks go through the side table.
template <Call C>
[[gnu::noinline]] void* allocate_headed(std::size_t a, std::size_t b, std::size_t counted) noexcept(!may_throw(C)) {
  if constexpr (!headable(C)) {
    return allocate_exact<C>(a, b, counted);
  } else {
    if (!headers::fits(counted)) [[unlikely]] return allocate_exact<C>(a, b, counted);
    t_state.fast_countdown = kNeverFast;
    return tag_headed(call_headed(C, counted), counted);
  }
}

// Every allocating entry point: `counted` is the bytes the block counts for, `alignment` 0
// for malloc's own. The fast path (sampled-only mode, countdown not run out) is a
// thread-local subtraction and the tcmalloc call; every path ends in a tail call, so the
// entry point has no frame.
template <Call c>
[[gnu::always_inline]] inline void* allocate(std::size_t a, std::size_t b, std::size_t counted, std::size_t alignment) {
  if ((t_state.fast_countdown -= static_cast<std::int64_t>(counted)) >= 0) [[likely]] return call(c, a, b);
  const EntryMode m = entry_mode();
  if (m == EntryMode::ExactHeaders) return allocate_headed<c>(a, b, counted);  // every allocation
  if (m >= EntryMode::Sampled) {  // a countdown that ran out
    if (may_throw(c)) return allocate_sampled(c, a, b, counted, alignment);
    return allocate_sampled_nothrow(c, a, b, counted, alignment);
  }
  if (m == EntryMode::ExactTable) return allocate_exact<c>(a, b, counted);
  if (may_throw(c)) return allocate_other(m, c, a, b, counted);
  return allocate_other_nothrow(m, c, a, b, counted);
}

// Which tcmalloc call a freeing entry point makes.
enum class Release : unsigned char {
  Free, Delete, DeleteArray, DeleteSized, DeleteArraySized, DeleteNothrow, DeleteArrayNothrow,
  DeleteAligned, DeleteArrayAligned, DeleteSizedAligned, DeleteArraySizedAligned,
  DeleteAlignedNothrow, DeleteArrayAlignedNothrow
};

[[gnu::always_inline]] inline void release_call(Release r, void* p, std::size_t size, std::size_t alignment) noexcept {
  const auto al = static_cast<std::align_val_t>(alignment);
  switch (r) {
    case Release::Free: return tc_free(p);
    case Release::Delete: return tc_delete(p);
    case Release::DeleteArray: return tc_deletearray(p);
    case Release::DeleteSized: return tc_delete_sized(p, size);
    case Release::DeleteArraySized: return tc_deletearray_sized(p, size);
    case Release::DeleteNothrow: return tc_delete_nothrow(p, std::nothrow);
    case Release::DeleteArrayNothrow: return tc_deletearray_nothrow(p, std::nothrow);
    case Release::DeleteAligned: return tc_delete_aligned(p, al);
    case Release::DeleteArrayAligned: return tc_deletearray_aligned(p, al);
    case Release::DeleteSizedAligned: return tc_delete_sized_aligned(p, size, al);
    case Release::DeleteArraySizedAligned: return tc_deletearray_sized_aligned(p, size, al);
    case Release::DeleteAlignedNothrow: return tc_delete_aligned_nothrow(p, al, std::nothrow);
    case Release::DeleteArrayAlignedNothrow: return tc_deletearray_aligned_nothrow(p, al, std::nothrow);
  }
  __builtin_unreachable();
}

// The same release without the size (a sized delete's size is a hint tcmalloc may trust).
constexpr Release unsized(Release r) noexcept {
  switch (r) {
    case Release::DeleteSized: return Release::Delete;
    case Release::DeleteArraySized: return Release::DeleteArray;
    case Release::DeleteSizedAligned: return Release::DeleteAligned;
    case Release::DeleteArraySizedAligned: return Release::DeleteArrayAligned;
    default: return r;
  }
}
// Every mode but the sampled-only fast path: untag (a sampled block served with a header
// is released here), then the tcmalloc call.
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void release_other(EntryMode m, Release r, void* p, std::size_t size,
                                                        std::size_t alignment) noexcept {
  switch (m) {
    case EntryMode::Sampled:
      if (sampled::release_marked(p)) return;
      break;
    case EntryMode::SampledFiltered:
      if (sampled::release_filtered(p)) return;
      break;
    case EntryMode::ExactHeaders:
      if (headers::is_headed(p)) return release_call(r, tagging::on_free_headed(p), headers::block_bytes(size), alignment);
      tagging::on_free(p);
      return release_call(unsized(r), p, 0, alignment);  // see release_headed
    case EntryMode::ExactTable: tagging::on_free(p); break;
    case EntryMode::Forward: break;
  }
  release_call(r, p, size, alignment);
}

// Exact mode, one instance per call.
template <Release R>
[[gnu::noinline]] void release_exact(void* p, std::size_t size, std::size_t alignment) noexcept {
  tagging::on_free(p);
  release_call(R, p, size, alignment);
}

// Exact mode with block headers, one instance per call: a headed block gives its tcmalloc
// block back (a sized delete names that block's size, block_bytes); any other goes through
// the side table and is given back unsized: a block handed out without a header because it
// would have started a page is block_bytes large too, not the size the program names.
// Every path ends in a tail call (the rare ones below), so the common one — a block of the
// context this thread charges — saves no registers.
template <Release R>
[[gnu::noinline]] void release_headed_charged(void* p, std::uint64_t owner, std::size_t size,
                                              std::size_t alignment) noexcept {
  tagging::charge_free_headed(p, owner);
  release_call(R, &headers::header_of(p), headers::block_bytes(size), alignment);
}
template <Release R>
[[gnu::noinline]] void release_unheaded(void* p, std::size_t alignment) noexcept {
  tagging::on_free(p);
  release_call(unsized(R), p, 0, alignment);
}
template <Release R>
[[gnu::noinline]] void release_headed(void* p, std::size_t size, std::size_t alignment) noexcept {
  using namespace headers;
  if (!is_headed(p)) [[unlikely]] return release_unheaded<R>(p, alignment);
  Header& h = header_of(p);
  const std::uint64_t owner = h.owner;
  h.check = 0;  // untagged before tcmalloc gets the block back
  if (!tagging::try_free_headed_fast(owner)) [[unlikely]] return release_headed_charged<R>(p, owner, size, alignment);
  release_call(R, &h, block_bytes(size), alignment);
}

// Every freeing entry point: in sampled-only mode an address test and the tcmalloc call.
template <Release r>
[[gnu::always_inline]] inline void release(void* p, std::size_t size = 0, std::size_t alignment = 0) noexcept {
  const std::uintptr_t offset = (reinterpret_cast<std::uintptr_t>(p) & (sampled::kMarkModulus - 1)) - sampled::kHeader;
  if (offset > g_free_window.load(std::memory_order_relaxed)) [[likely]] return release_call(r, p, size, alignment);
  const EntryMode m = entry_mode();
  if (m == EntryMode::ExactHeaders) return release_headed<r>(p, size, alignment);
  if (m == EntryMode::ExactTable) return release_exact<r>(p, size, alignment);
  return release_other(m, r, p, size, alignment);
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

// realloc of a headed block: the header moves with the block (tc_realloc copies it), its
// check word cleared while tcmalloc may free the old block and set again for the new one.
// Same charges as realloc_tagged. A block without a header takes realloc_tagged's path.
CTXHEAP_ENTRY_HELPER [[gnu::noinline]] void* realloc_headed(void* old, std::size_t size) noexcept {
  using namespace headers;
  if (old == nullptr) return allocate<Call::Malloc>(size, 0, size, 0);
  if (!is_headed(old)) return realloc_tagged(old, size);
  if (size == 0) {  // tcmalloc's realloc(p, 0): frees p, returns null
    tc_free(tagging::on_free_headed(old));
    return nullptr;
  }
  Header& h = header_of(old);
  if (!fits(size)) {
    // Too large for a header: moves to a block recorded in the side table.
    void* p = tc_malloc(size);
    if (p == nullptr) return nullptr;
    std::memcpy(p, old, std::min(tc_malloc_size(&h) - kHeader, size));
    tc_free(tagging::on_free_headed(old));
    return tag(p, size);
  }
  const std::uint64_t owner = h.owner;
  h.check = 0;
  void* base = tc_realloc(&h, block_bytes(size));
  if (base == nullptr) {
    h.check = check_for(old);  // failed: the old block is still live and still its owner's
    return nullptr;
  }
  tagging::charge_free_headed(old, owner);
  void* p = tag_headed(base, size);
  if (p == base) std::memmove(base, static_cast<char*>(base) + kHeader, size);  // handed out without a header
  return p;
}

std::size_t page_size() noexcept {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace
}  // namespace ctxheap::collector

using ctxheap::collector::allocate;
using ctxheap::collector::realloc_headed;
using ctxheap::collector::realloc_tagged;
using ctxheap::collector::release;
using ctxheap::collector::Release;
using ctxheap::collector::EntryMode;
using ctxheap::collector::Call;
namespace sampled = ctxheap::collector::sampled;

CTXHEAP_ENTRY void* malloc(std::size_t size) noexcept {
  return allocate<Call::Malloc>(size, 0, size, 0);
}

CTXHEAP_ENTRY void free(void* p) noexcept {
  release<Release::Free>(p);
}

CTXHEAP_ENTRY void* calloc(std::size_t n, std::size_t size) noexcept {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) return tc_calloc(n, size);  // fails as tcmalloc does
  return allocate<Call::Calloc>(n, size, bytes, 0);
}

CTXHEAP_ENTRY void* realloc(void* old, std::size_t size) noexcept {
  const EntryMode m = ctxheap::collector::entry_mode();
  if (m >= EntryMode::Sampled) return sampled::reallocate(old, size);
  if (m == EntryMode::ExactHeaders) return realloc_headed(old, size);
  return realloc_tagged(old, size);
}

CTXHEAP_ENTRY void* reallocarray(void* old, std::size_t n, std::size_t size) noexcept {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(old, bytes);
}

CTXHEAP_ENTRY void* memalign(std::size_t alignment, std::size_t size) noexcept {
  return allocate<Call::Memalign>(size, alignment, size, alignment);
}

CTXHEAP_ENTRY void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  return allocate<Call::Memalign>(size, alignment, size, alignment);
}

CTXHEAP_ENTRY int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  // Invalid alignments fail in tcmalloc's own check, before any counting.
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void*) != 0)
    return tc_posix_memalign(out, alignment, size);
  const EntryMode m = ctxheap::collector::entry_mode();
  if (m >= EntryMode::Sampled &&
      (ctxheap::collector::t_state.fast_countdown -= static_cast<std::int64_t>(size)) < 0) {
    if (void* p = sampled::allocate(size, alignment, false)) {
      *out = p;
      return 0;
    }
  }
  void* p = nullptr;
  const int status = tc_posix_memalign(&p, alignment, size);
  if (status == 0 && ctxheap::collector::is_exact(m)) ctxheap::collector::tag(p, size);
  if (status == 0) *out = p;
  return status;
}

CTXHEAP_ENTRY void* valloc(std::size_t size) noexcept {
  const std::size_t page = ctxheap::collector::page_size();
  return allocate<Call::Valloc>(size, 0, size, page);
}

CTXHEAP_ENTRY void* pvalloc(std::size_t size) noexcept {
  // pvalloc rounds the request up to whole pages (and 0 to one page): that is its size.
  const std::size_t page = ctxheap::collector::page_size();
  const std::size_t rounded = size == 0 ? page : (size + page - 1) / page * page;
  return allocate<Call::Pvalloc>(size, 0, rounded, page);
}

CTXHEAP_ENTRY std::size_t malloc_usable_size(void* p) noexcept {
  if (p == nullptr) return 0;
  namespace headers = ctxheap::collector::headers;
  if (ctxheap::collector::entry_mode() == EntryMode::ExactHeaders && headers::is_headed(p))
    return tc_malloc_size(&headers::header_of(p)) - headers::kHeader;
  if (ctxheap::collector::entry_mode() >= EntryMode::Sampled && sampled::may_be_marked(p))
    if (void* base = sampled::marked_base(p)) return tc_malloc_size(base) - sampled::kHeader;
  return tc_malloc_size(p);
}

// operator new/delete in all their forms.
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size) {
  return allocate<Call::New>(size, 0, size, 0);
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size) {
  return allocate<Call::NewArray>(size, 0, size, 0);
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate<Call::NewNothrow>(size, 0, size, 0);
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate<Call::NewArrayNothrow>(size, 0, size, 0);
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, std::align_val_t al) {
  return allocate<Call::NewAligned>(size, static_cast<std::size_t>(al), size, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, std::align_val_t al) {
  return allocate<Call::NewArrayAligned>(size, static_cast<std::size_t>(al), size, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocate<Call::NewAlignedNothrow>(size, static_cast<std::size_t>(al), size, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocate<Call::NewArrayAlignedNothrow>(size, static_cast<std::size_t>(al), size, static_cast<std::size_t>(al));
}

CTXHEAP_ENTRY_CXX void operator delete(void* p) noexcept {
  release<Release::Delete>(p);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p) noexcept {
  release<Release::DeleteArray>(p);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::size_t size) noexcept {
  release<Release::DeleteSized>(p, size);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::size_t size) noexcept {
  release<Release::DeleteArraySized>(p, size);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, const std::nothrow_t&) noexcept {
  release<Release::DeleteNothrow>(p);
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release<Release::DeleteArrayNothrow>(p);
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::align_val_t al) noexcept {
  release<Release::DeleteAligned>(p, 0, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::align_val_t al) noexcept {
  release<Release::DeleteArrayAligned>(p, 0, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::size_t size, std::align_val_t al) noexcept {
  release<Release::DeleteSizedAligned>(p, size, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::size_t size, std::align_val_t al) noexcept {
  release<Release::DeleteArraySizedAligned>(p, size, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void operator delete(void* p, std::align_val_t al, const std::nothrow_t&) noexcept {
  release<Release::DeleteAlignedNothrow>(p, 0, static_cast<std::size_t>(al));
}
CTXHEAP_ENTRY_CXX void operator delete[](void* p, std::align_val_t al, const std::nothrow_t&) noexcept {
  release<Release::DeleteArrayAlignedNothrow>(p, 0, static_cast<std::size_t>(al));
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
