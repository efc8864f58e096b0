#include "function_index.hpp"

#include <dwarf.h>

#include <algorithm>

namespace ctxheap::symbolize {
namespace {

/// Scopes that may contain function definitions with code.
bool may_contain_functions(int tag) {
  return tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
         tag == DW_TAG_union_type || tag == DW_TAG_module;
}

/// Scopes inside a function that an address can be nested in.
bool is_code_scope(int tag) {
  return tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine ||
         tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
}

/// The child of `parent` whose code ranges contain pc, if any.
bool child_containing(Dwarf_Die& parent, Dwarf_Addr pc, Dwarf_Die& found) {
  Dwarf_Die child;
  if (dwarf_child(&parent, &child) != 0) return false;
  do {
    if (is_code_scope(dwarf_tag(&child)) && dwarf_haspc(&child, pc) > 0) {
      found = child;
      return true;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

}  // namespace

CuFunctions::CuFunctions(Dwarf_Die cu) {
  collect(cu);
  // Stable: of aliases covering the same code (glibc's __GI_ names), the
  // first in DIE order wins, as with dwarf_getscopes.
  std::stable_sort(ranges_.begin(), ranges_.end(),
                   [](const Range& a, const Range& b) { return a.low < b.low; });
}

void CuFunctions::collect(Dwarf_Die& parent) {
  Dwarf_Die child;
  if (dwarf_child(&parent, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_subprogram) {
      Dwarf_Addr base = 0;
      Dwarf_Addr low = 0;
      Dwarf_Addr high = 0;
      for (ptrdiff_t offset = 0; (offset = dwarf_ranges(&child, offset, &base, &low, &high)) > 0;) {
        if (low < high) ranges_.push_back({low, high, child});
      }
    } else if (may_contain_functions(tag)) {
      collect(child);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

std::vector<Dwarf_Die> CuFunctions::function_scopes_at(Dwarf_Addr pc) const {
  const auto after = std::upper_bound(ranges_.begin(), ranges_.end(), pc,
                                      [](Dwarf_Addr a, const Range& r) { return a < r.low; });
  if (after == ranges_.begin()) return {};
  const Dwarf_Addr low = std::prev(after)->low;
  const auto first = std::lower_bound(ranges_.begin(), after, low,
                                      [](const Range& r, Dwarf_Addr a) { return r.low < a; });
  const auto containing = std::find_if(first, after, [pc](const Range& r) { return pc < r.high; });
  if (containing == after) return {};

  std::vector<Dwarf_Die> scopes{containing->function};
  Dwarf_Die scope = scopes.front();
  for (Dwarf_Die inner; child_containing(scope, pc, inner); scope = inner) {
    if (dwarf_tag(&inner) == DW_TAG_inlined_subroutine) scopes.push_back(inner);
  }
  std::reverse(scopes.begin(), scopes.end());
  return scopes;
}

Dwarf_Die* FunctionIndex::cu_at(Dwfl_Module* module, Dwarf_Addr pc, Dwarf_Addr* bias) {
  if (Dwarf_Die* cu = dwfl_module_addrdie(module, pc, bias)) return cu;

  auto [entry, inserted] = cu_ranges_.try_emplace(module);
  std::vector<CuRange>& ranges = entry->second;
  if (inserted) {
    Dwarf_Addr cu_bias = 0;
    for (Dwarf_Die* cu = nullptr; (cu = dwfl_module_nextcu(module, cu, &cu_bias)) != nullptr;) {
      Dwarf_Addr base = 0;
      Dwarf_Addr low = 0;
      Dwarf_Addr high = 0;
      for (ptrdiff_t offset = 0; (offset = dwarf_ranges(cu, offset, &base, &low, &high)) > 0;) {
        if (low < high) ranges.push_back({low + cu_bias, high + cu_bias, cu, cu_bias});
      }
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const CuRange& a, const CuRange& b) { return a.low < b.low; });
  }
  const auto after = std::upper_bound(ranges.begin(), ranges.end(), pc,
                                      [](Dwarf_Addr a, const CuRange& r) { return a < r.low; });
  if (after == ranges.begin() || pc >= std::prev(after)->high) return nullptr;
  *bias = std::prev(after)->bias;
  return std::prev(after)->cu;
}

const CuFunctions& FunctionIndex::for_cu(Dwfl_Module* module, Dwarf_Die* cu) {
  const auto key = std::make_pair(module, dwarf_dieoffset(cu));
  if (const auto found = cus_.find(key); found != cus_.end()) return found->second;
  return cus_.emplace(key, CuFunctions(*cu)).first->second;
}

}  // namespace ctxheap::symbolize
