// The calling process's ELF objects, as the dynamic loader knows them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ctxheap::symbolize {

/// An object the loader mapped: the main program or a shared library.
struct LoadedObject {
  /// Canonical path (symlinks resolved), as /proc/self/maps shows it.
  std::string path;
  /// Runtime address minus ELF virtual address (dlpi_addr).
  std::uint64_t bias = 0;
};

/// Every loaded object with a file on disk (the vDSO has none), taken from
/// dl_iterate_phdr. Exact by construction, unlike reading /proc/self/maps,
/// where any other mapping of the same file (libdw maps the ELF files it
/// reads) can be mistaken for part of the loaded object.
std::vector<LoadedObject> loaded_objects();

/// A number that changes whenever the loader maps or unmaps an object (dlopen,
/// dlclose): glibc's dlpi_adds + dlpi_subs. Cheap enough to ask on every
/// lookup miss, so misses on garbage addresses do not re-read the layout.
std::uint64_t loader_generation();

}  // namespace ctxheap::symbolize
