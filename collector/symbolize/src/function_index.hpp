// Which DWARF function scopes surround an address, without walking a whole
// compilation unit per lookup (the role of heaptrack's dwarfdiecache).
#pragma once

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <map>
#include <utility>
#include <vector>

namespace ctxheap::symbolize {

/// The functions with code in one compilation unit, sorted by address.
/// Built by one walk over the CU; each lookup is then a binary search plus a
/// walk down the one function that contains the address. (libdw's
/// dwarf_getscopes walks the whole CU on every call: ~1 ms per address on
/// CUs that include the standard library.)
class CuFunctions {
 public:
  explicit CuFunctions(Dwarf_Die cu);

  /// The subprogram and inlined_subroutine scopes containing `pc` (a DWARF
  /// address, i.e. module bias removed), innermost first, the subprogram last.
  /// Empty if no function of this CU covers pc.
  std::vector<Dwarf_Die> function_scopes_at(Dwarf_Addr pc) const;

 private:
  struct Range {
    Dwarf_Addr low;
    Dwarf_Addr high;
    Dwarf_Die function;
  };
  void collect(Dwarf_Die& parent);
  std::vector<Range> ranges_;
};

/// CuFunctions for every CU looked at so far, built on first use. DIEs point
/// into the modules' debug data: clear() whenever modules may have been removed.
class FunctionIndex {
 public:
  /// The CU covering `pc` (a runtime address) and its bias, or nullptr.
  /// Uses .debug_aranges through libdwfl and, where a module has none (clang
  /// emits none by default; libdw 0.188 then finds nothing), the CUs' own
  /// address ranges.
  Dwarf_Die* cu_at(Dwfl_Module* module, Dwarf_Addr pc, Dwarf_Addr* bias);
  const CuFunctions& for_cu(Dwfl_Module* module, Dwarf_Die* cu);
  void clear() {
    cus_.clear();
    cu_ranges_.clear();
  }

 private:
  struct CuRange {
    Dwarf_Addr low;
    Dwarf_Addr high;
    Dwarf_Die* cu;
    Dwarf_Addr bias;
  };
  std::map<std::pair<Dwfl_Module*, Dwarf_Off>, CuFunctions> cus_;
  std::map<Dwfl_Module*, std::vector<CuRange>> cu_ranges_;  // by module, sorted by low
};

}  // namespace ctxheap::symbolize
