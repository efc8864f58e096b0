// Owning libdwfl sessions and the two ways ctxheap fills them with modules.
#pragma once

#include <elfutils/libdwfl.h>

#include <memory>
#include <vector>

#include "ctxheap/symbolize/mapping.hpp"
#include "loaded_objects.hpp"

namespace ctxheap::symbolize {

struct DwflEnd {
  void operator()(Dwfl* dwfl) const noexcept { dwfl_end(dwfl); }
};
using DwflSession = std::unique_ptr<Dwfl, DwflEnd>;

/// A new, empty session that finds debug info the standard way (next to the
/// file, or by build-id and .gnu_debuglink under /usr/lib/debug).
/// Throws std::runtime_error if libdwfl cannot start one.
DwflSession begin_session();

/// Reports each object at its loader-given bias. Objects whose file cannot be
/// opened are left out; their addresses stay module + offset.
void report_loaded_objects(Dwfl* dwfl, const std::vector<LoadedObject>& objects);

/// Reports each mapped file that exists here and is placed consistently with
/// its executable mappings (see load_bias.hpp). Files that are missing or look
/// like another build are left out; their addresses stay module + offset.
void report_mapped_files(Dwfl* dwfl, const std::vector<Mapping>& mappings);

}  // namespace ctxheap::symbolize
