#include "load_bias.hpp"

#include <gelf.h>
#include <libelf.h>

#include <memory>

namespace ctxheap::symbolize {
namespace {

// The largest page size a mapping's start and offset may have been rounded to.
constexpr std::uint64_t kMaxPageSize = 64 * 1024;
constexpr std::uint64_t kMinPageSize = 4 * 1024;

struct ElfEnd {
  void operator()(Elf* elf) const noexcept { elf_end(elf); }
};

/// The bias implied by `segment` being mapped by `mapping`, if it is.
std::optional<std::uint64_t> bias_from(const GElf_Phdr& segment, const Mapping& mapping) {
  if (segment.p_type != PT_LOAD || (segment.p_flags & PF_X) == 0) return std::nullopt;
  // The mapping starts at the segment's offset rounded down to a page.
  if (segment.p_offset < mapping.file_offset) return std::nullopt;
  const std::uint64_t lead = segment.p_offset - mapping.file_offset;
  if (lead >= kMaxPageSize) return std::nullopt;
  const std::uint64_t runtime_vaddr = mapping.start + lead;
  const std::uint64_t bias = runtime_vaddr - segment.p_vaddr;  // wraps for prelinked files
  if (bias % kMinPageSize != 0) return std::nullopt;
  // ...and ends at the segment's end rounded up to a page.
  const std::uint64_t segment_end = runtime_vaddr + segment.p_filesz;
  if (segment_end > mapping.end || mapping.end - segment_end >= kMaxPageSize) return std::nullopt;
  return bias;
}

}  // namespace

std::optional<std::uint64_t> load_bias(int fd, const std::vector<const Mapping*>& file_mappings) {
  if (elf_version(EV_CURRENT) == EV_NONE) return std::nullopt;
  const std::unique_ptr<Elf, ElfEnd> elf(elf_begin(fd, ELF_C_READ, nullptr));
  GElf_Ehdr header;
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF || gelf_getehdr(elf.get(), &header) == nullptr) {
    return std::nullopt;
  }
  std::size_t segment_count = 0;
  if (elf_getphdrnum(elf.get(), &segment_count) != 0) return std::nullopt;

  std::optional<std::uint64_t> bias;
  for (const Mapping* mapping : file_mappings) {
    if (!mapping->executable()) continue;
    std::optional<std::uint64_t> this_bias;
    for (std::size_t i = 0; i < segment_count && !this_bias; ++i) {
      GElf_Phdr segment;
      if (gelf_getphdr(elf.get(), static_cast<int>(i), &segment) != nullptr) {
        this_bias = bias_from(segment, *mapping);
      }
    }
    // Every executable mapping must be explained, and by the same placement.
    if (!this_bias || (bias && *bias != *this_bias)) return std::nullopt;
    bias = this_bias;
  }
  // A fixed-address executable cannot have moved.
  if (bias && header.e_type == ET_EXEC && *bias != 0) return std::nullopt;
  if (header.e_type != ET_EXEC && header.e_type != ET_DYN) return std::nullopt;
  return bias;
}

}  // namespace ctxheap::symbolize
