// Symbol and DWARF lookups inside one module: an address becomes its frames.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <vector>

#include "ctxheap/symbolize/frame.hpp"
#include "function_index.hpp"
#include "symbol_index.hpp"

namespace ctxheap::symbolize {

/// What lookups learn about modules, kept across calls. Holds pointers into
/// module data: clear() whenever modules may have been removed.
struct ModuleIndexes {
  FunctionIndex functions;
  SymbolIndex symbols;
  void clear() {
    functions.clear();
    symbols.clear();
  }
};

/// The frames at `pc` in `module`, inlined callees first. `address` is what the
/// caller asked about (recorded in each frame and used for module_offset); `pc`
/// is the address to look up (address - 1 for a return address). Never empty:
/// without symbols or debug info the single frame has module and offset only.
std::vector<Frame> module_frames(Dwfl_Module* module, std::uint64_t address, std::uint64_t pc,
                                 ModuleIndexes& indexes);

}  // namespace ctxheap::symbolize
