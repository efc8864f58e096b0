// Where a file from another process's maps was loaded, checked against the
// copy of the file on this machine.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ctxheap/symbolize/mapping.hpp"

namespace ctxheap::symbolize {

/// The load bias (runtime address minus ELF virtual address) of the ELF file
/// open on `fd`, derived from its executable mappings. Nothing if the file is
/// not ELF, has no executable mapping listed, or its executable PT_LOAD
/// segments do not line up with those mappings (offset, size, page alignment):
/// the usual sign that the file here is another build than the one that ran.
/// Tolerates any page size up to 64 KiB on the machine that ran.
std::optional<std::uint64_t> load_bias(int fd, const std::vector<const Mapping*>& file_mappings);

}  // namespace ctxheap::symbolize
