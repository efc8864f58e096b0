// Exact mode's block headers (interposed dispatch, CTXHEAP_EXACT_OWNER=header, the
// default): each block keeps its owner — counter slot, requested size, sampled flag — in a
// 16-byte header in front of it, so a free reads the owner next to the block instead of
// looking its address up in the side table.
//
// A headed block is a tcmalloc block of size + 16 bytes (17 for a zero-byte request, so that
// the address handed out is always inside its own block, never the start of the next); the
// program gets the address 16 bytes in (malloc's alignment is kept: tcmalloc's blocks of 16
// bytes and more are 16-aligned). Headers are only for blocks of malloc's own alignment: a block asked for
// with a larger alignment (memalign, aligned_alloc, posix_memalign, valloc, pvalloc,
// aligned operator new), or larger than kMaxSize, is a plain block recorded in the side
// table as before.
//
// How a free tells a headed block from one without a header (made before the collector
// was installed, over-aligned, or recorded in the side table for another reason below):
// the first header word is kCheck ^ the block's address while the block is live, and is
// cleared before the block goes back to tcmalloc, so no freed or reused block keeps a
// stale one. Reading 16 bytes in front of a block that has no header reads the end of its
// neighbour in the same tcmalloc span, which is mapped — except in front of an address
// at the start of a 4 KiB page, where the page before may be unmapped. So no headed block
// ever starts a page (the rare block that would, 1 in 256 of 16-byte-aligned addresses
// at most, is handed out without a header from its tcmalloc block's own start and
// recorded in the side table), and a free of an address within 16 bytes of a page start
// never reads in front of it (may_be_headed).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ctxheap::collector::headers {

inline constexpr std::size_t kHeader = 16;
/// Distinct from sampled-only mode's magic (sampled_blocks.hpp): the two never meet (one
/// mode per process), but a stray match between them should not be possible either.
inline constexpr std::uint64_t kCheck = 0x6b1d'43e2'a85f'09c7ULL;
/// The page granule the rule above assumes: the smallest page Linux uses.
inline constexpr std::uintptr_t kPageFloor = 4096;

inline constexpr int kSizeBits = 40;
/// Requested sizes up to 1 TiB fit the header; larger blocks use the side table.
inline constexpr std::uint64_t kMaxSize = (std::uint64_t{1} << kSizeBits) - 1;
inline constexpr int kSlotShift = kSizeBits;
inline constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << 20) - 1;  // SideTable::kMaxSlot
inline constexpr std::uint64_t kSampledBit = std::uint64_t{1} << 63;

struct Header {
  std::uint64_t check;  ///< kCheck ^ the block's address while the block is live; 0 after
  std::uint64_t owner;  ///< size | slot << 40 | sampled << 63
};
static_assert(sizeof(Header) == kHeader);

inline Header& header_of(void* p) noexcept { return *reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader); }
inline std::uint64_t check_for(const void* p) noexcept { return kCheck ^ reinterpret_cast<std::uintptr_t>(p); }

inline std::uint64_t encode(std::uint32_t slot, std::uint64_t size, bool sampled) noexcept {
  return size | std::uint64_t{slot} << kSlotShift | (sampled ? kSampledBit : 0);
}
inline std::uint32_t slot_of(std::uint64_t owner) noexcept {
  return static_cast<std::uint32_t>((owner >> kSlotShift) & kSlotMask);
}
inline std::uint64_t size_of(std::uint64_t owner) noexcept { return owner & kMaxSize; }
inline bool sampled_of(std::uint64_t owner) noexcept { return (owner & kSampledBit) != 0; }

/// Whether the 16 bytes in front of `p` may be read: they are in the same 4 KiB page.
inline bool may_be_headed(const void* p) noexcept {
  return (reinterpret_cast<std::uintptr_t>(p) & (kPageFloor - 1)) >= kHeader;
}
/// Whether a tcmalloc block at `base` can carry a header: the address handed out does not
/// start a page (see above).
inline bool can_head(const void* base) noexcept { return may_be_headed(static_cast<const char*>(base) + kHeader); }

/// Whether `p` (a block the program frees or resizes) carries a live header.
inline bool is_headed(void* p) noexcept { return may_be_headed(p) && header_of(p).check == check_for(p); }

/// The bytes a headed block of `size` requested bytes asks of tcmalloc (also what a sized
/// delete of it names).
inline std::size_t block_bytes(std::size_t size) noexcept { return size + kHeader + (size == 0); }

/// Whether a request of `size` bytes can be served as a headed block.
inline bool fits(std::size_t size) noexcept { return size <= kMaxSize; }

}  // namespace ctxheap::collector::headers
