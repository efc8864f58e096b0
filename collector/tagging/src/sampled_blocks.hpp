// Sampled-only mode through the collector's own entry points (CTXHEAP_MODE=sampled, the
// interposed dispatch): an allocation is a thread-local byte countdown and the tcmalloc
// call; a free is an address test and the tcmalloc call.
//
// That works because the few blocks that are sampled are served differently: from a
// tcmalloc block aligned to kMarkModulus, with a 16-byte header in front, so the address
// handed out sits kHeader bytes past a kMarkModulus boundary. A free looks at the address
// alone: only blocks at that offset (a sampled block, or about one ordinary block in 64)
// go further, to the header's magic word (which rules the ordinary ones out) and then to
// the side table, which alone decides that a block is a sampled one (and where its
// tcmalloc block starts). Alignment, malloc_usable_size and realloc keep their meaning:
// the header is 16 bytes (malloc's own alignment), the usable size is the tcmalloc
// block's minus the header, and realloc moves a sampled block out.
//
// A sampled block asked for with an alignment above 16 cannot sit at that offset: it is a
// plain tcmalloc block, recorded in the side table and the sampled-block filter, and while
// any such block is live the entry mode is SampledFiltered, in which frees probe the filter.
#pragma once

#include <gperftools/tcmalloc.h>

#include <cstddef>
#include <cstdint>

#include "dispatch.hpp"
#include "state.hpp"

namespace ctxheap::collector::sampled {

inline constexpr std::uintptr_t kMarkModulus = 1024;
inline constexpr std::size_t kHeader = 16;
inline constexpr std::uint64_t kMagic = 0xc7a1'5e3d'9b04'6f21ULL;

struct Header {
  std::uint64_t magic;  ///< kMagic ^ the block's address while the block is live
  std::uint64_t size;   ///< requested bytes
};
static_assert(sizeof(Header) == kHeader);

/// The address test of every free: false for all but sampled blocks and ~1/64 of others.
inline bool may_be_marked(const void* p) noexcept {
  return (reinterpret_cast<std::uintptr_t>(p) & (kMarkModulus - 1)) == kHeader;
}

// Out of line (sampled_blocks.cpp), in the entry points' section so that sampled stacks
// start at the user's call.

/// The thread's countdown ran out (it has already been charged `size`): draws the next gap
/// and returns the new block when this allocation is sampled, or nullptr when it is not
/// (collector code, the thread's first gap, an alignment that is not a power of two, or no
/// memory): the caller then allocates as usual.
void* allocate(std::size_t size, std::size_t alignment, bool zero) noexcept;
/// For a block at the marked offset: true if it was a sampled block, now released.
bool release_marked(void* p) noexcept;
/// SampledFiltered mode: true if `p` was a header block, now released; a sampled block
/// without a header is recorded as freed and left to the caller to free (false).
bool release_filtered(void* p) noexcept;
/// realloc in sampled-only mode.
void* reallocate(void* old, std::size_t size) noexcept;
/// The tcmalloc block under a header block at the marked offset, or nullptr.
void* marked_base(void* p) noexcept;

/// Counts down and allocates, sampled-only mode.
[[gnu::always_inline]] inline void* malloc_counted(std::size_t size) noexcept {
  if ((t_state.fast_countdown -= static_cast<std::int64_t>(size)) < 0) [[unlikely]]
    if (void* p = allocate(size, 0, false)) return p;
  return tc_malloc(size);
}

}  // namespace ctxheap::collector::sampled
