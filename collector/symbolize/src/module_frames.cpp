// Inline expansion follows elfutils' eu-addr2line -i: take the function scopes
// around pc (function_index.hpp) and emit one frame per inlined_subroutine plus
// one for the subprogram. The innermost frame takes its file:line from the line
// table at pc; every outer frame takes it from the DW_AT_call_file and
// DW_AT_call_line of the inlined scope inside it.
#include "module_frames.hpp"

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <string>

#include "demangle.hpp"

namespace ctxheap::symbolize {
namespace {

/// A function's name as the debug info gives it.
struct DieName {
  std::string text;
  bool qualified = false;  ///< from a linkage name: namespaces, classes and parameters included
};

/// Demangled linkage name, following abstract_origin/specification; else the
/// plain DW_AT_name (GCC gives lambdas and extern "C" functions no linkage name).
DieName function_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (const unsigned int name : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (dwarf_attr_integrate(die, name, &attr) != nullptr) {
      if (const char* text = dwarf_formstring(&attr)) return {demangle(text), true};
    }
  }
  if (dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr) {
    if (const char* text = dwarf_formstring(&attr)) return {text, false};
  }
  return {};
}

/// `path` made absolute against the CU's compilation directory when relative.
std::string source_path(Dwarf_Die* cu, const char* path) {
  if (path == nullptr) return {};
  if (path[0] == '/') return path;
  Dwarf_Attribute attr;
  const char* dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
  if (dir == nullptr || dir[0] == '\0') return path;
  return std::string(dir) + "/" + path;
}

/// file:line of the line-table row covering pc.
void set_line_table_location(Dwarf_Die* cu, Dwarf_Addr pc, Frame& frame) {
  Dwarf_Line* row = dwarf_getsrc_die(cu, pc);
  if (row == nullptr) return;
  int line = 0;
  if (dwarf_lineno(row, &line) == 0 && line > 0) frame.line = static_cast<std::uint32_t>(line);
  frame.file = source_path(cu, dwarf_linesrc(row, nullptr, nullptr));
}

/// file:line from which the inlined scope `inlined` was called.
void set_call_site_location(Dwarf_Die* inlined, Frame& frame) {
  Dwarf_Die cu;
  Dwarf_Files* files = nullptr;
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_diecu(inlined, &cu, nullptr, nullptr) == nullptr) return;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &value) == 0) {
    frame.line = static_cast<std::uint32_t>(value);
  }
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &value) == 0 &&
      dwarf_getsrcfiles(&cu, &files, nullptr) == 0) {
    frame.file = source_path(&cu, dwarf_filesrc(files, value, nullptr, nullptr));
  }
}

struct DwarfFrames {
  std::vector<Frame> frames;
  bool outer_qualified = false;  ///< the outer frame's name came from a linkage name
};

/// The DWARF frames at pc (none if the module has no debug info for pc).
DwarfFrames dwarf_frames(Dwfl_Module* module, Dwarf_Addr pc, const Frame& base,
                         FunctionIndex& index) {
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = index.cu_at(module, pc, &bias);
  if (cu == nullptr) return {};
  const Dwarf_Addr dwarf_pc = pc - bias;

  std::vector<Dwarf_Die> scopes = index.for_cu(module, cu).function_scopes_at(dwarf_pc);
  DwarfFrames result;
  std::vector<Frame>& frames = result.frames;
  Dwarf_Die* callee = nullptr;  // the previous (inner) function scope
  for (Dwarf_Die& scope : scopes) {
    Frame frame = base;
    DieName name = function_name(&scope);
    frame.function = std::move(name.text);
    result.outer_qualified = name.qualified;
    if (callee == nullptr) {
      set_line_table_location(cu, dwarf_pc, frame);
    } else {
      set_call_site_location(callee, frame);
    }
    frame.inlined = dwarf_tag(&scope) == DW_TAG_inlined_subroutine;
    frames.push_back(std::move(frame));
    callee = &scope;
  }
  if (frames.empty()) {  // line info without a covering subprogram (e.g. assembly)
    Frame frame = base;
    set_line_table_location(cu, dwarf_pc, frame);
    if (frame.line != 0) frames.push_back(std::move(frame));
  }
  return result;
}

}  // namespace

std::vector<Frame> module_frames(Dwfl_Module* module, std::uint64_t address, std::uint64_t pc,
                                 ModuleIndexes& indexes) {
  Frame base;
  base.address = address;
  Dwarf_Addr start = 0;
  if (const char* name = dwfl_module_info(module, nullptr, &start, nullptr, nullptr, nullptr,
                                          nullptr, nullptr)) {
    base.module = name;
  }
  GElf_Addr load_bias = start;
  base.module_offset = address - (dwfl_module_getelf(module, &load_bias) ? load_bias : start);

  auto [frames, outer_qualified] = dwarf_frames(module, pc, base, indexes.functions);
  if (frames.empty()) frames.push_back(base);
  // The symbol table names the outer frame when DWARF has no qualified name
  // for it (no debug info, or a lambda's plain "operator()"). Inlined frames
  // exist only in DWARF and keep its name.
  if (!outer_qualified) {
    if (const char* symbol = indexes.symbols.for_module(module).lookup(pc)) {
      frames.back().function = symbol_function_name(symbol);
    }
  }
  return frames;
}

}  // namespace ctxheap::symbolize
