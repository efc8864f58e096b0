#include "symbol_index.hpp"

#include <gelf.h>

#include <algorithm>

namespace ctxheap::symbolize {
namespace {

// dwfl_module_addrsym's preference among symbols at the same address.
int binding_rank(const GElf_Sym& symbol) {
  switch (GELF_ST_BIND(symbol.st_info)) {
    case STB_GLOBAL: return 3;
    case STB_GNU_UNIQUE: return 2;
    case STB_WEAK: return 1;
    default: return 0;
  }
}

bool names_code_or_data(const GElf_Sym& symbol, GElf_Word section) {
  const int type = GELF_ST_TYPE(symbol.st_info);
  return section != SHN_UNDEF && type != STT_SECTION && type != STT_FILE && type != STT_TLS;
}

/// The runtime end address of section `index`, or 0 if unknown.
std::uint64_t section_end_address(Elf* elf, GElf_Word index, Dwarf_Addr bias) {
  GElf_Shdr header;
  Elf_Scn* section = elf == nullptr ? nullptr : elf_getscn(elf, index);
  if (section == nullptr || gelf_getshdr(section, &header) == nullptr) return 0;
  return bias + header.sh_addr + header.sh_size;
}

}  // namespace

SymbolTable::SymbolTable(Dwfl_Module* module) {
  const int count = dwfl_module_getsymtab(module);
  for (int i = 1; i < count; ++i) {  // entry 0 is the null symbol
    GElf_Sym symbol;
    GElf_Addr address = 0;
    GElf_Word section = SHN_UNDEF;
    Elf* elf = nullptr;
    Dwarf_Addr bias = 0;
    const char* name =
        dwfl_module_getsym_info(module, i, &symbol, &address, &section, &elf, &bias);
    if (name == nullptr || name[0] == '\0' || !names_code_or_data(symbol, section)) continue;
    if (symbol.st_size != 0) {
      sized_.push_back({address, symbol.st_size, binding_rank(symbol), name});
    } else {
      // A label covers at most the rest of its section.
      const std::uint64_t section_end = section_end_address(elf, section, bias);
      if (section_end > address) {
        sizeless_.push_back({address, section_end - address, binding_rank(symbol), name});
      }
    }
  }
  const auto order = [](const Symbol& a, const Symbol& b) {
    return a.start != b.start ? a.start < b.start : a.binding_rank > b.binding_rank;
  };
  std::stable_sort(sized_.begin(), sized_.end(), order);
  std::stable_sort(sizeless_.begin(), sizeless_.end(), order);
  reach_.reserve(sized_.size());
  for (const auto& symbol : sized_) {
    reach_.push_back(std::max(reach_.empty() ? 0 : reach_.back(), symbol.start + symbol.size));
  }
}

const char* SymbolTable::lookup(std::uint64_t address) const {
  const auto starts_after = [](std::uint64_t a, const Symbol& s) { return a < s.start; };
  // Sized symbols starting at or below address, from the closest down, while
  // any of the remaining ones still reaches address.
  const auto sized_end = std::upper_bound(sized_.begin(), sized_.end(), address, starts_after);
  for (auto i = sized_end - sized_.begin(); i-- > 0 && reach_[i] > address;) {
    if (address - sized_[i].start < sized_[i].size) {
      while (i > 0 && sized_[i - 1].start == sized_[i].start &&
             address - sized_[i - 1].start < sized_[i - 1].size) {
        --i;  // a better-bound alias at the same start
      }
      return sized_[i].name;
    }
  }
  // A sizeless label counts only if no sized symbol ends above it.
  const auto label_end =
      std::upper_bound(sizeless_.begin(), sizeless_.end(), address, starts_after);
  if (label_end == sizeless_.begin()) return nullptr;
  auto label = std::prev(label_end);
  while (label != sizeless_.begin() && std::prev(label)->start == label->start) --label;
  const std::uint64_t sized_reach =
      sized_end == sized_.begin() ? 0 : reach_[sized_end - sized_.begin() - 1];
  const bool in_label_section = address - label->start < label->size;
  return label->start >= sized_reach && in_label_section ? label->name : nullptr;
}

const SymbolTable& SymbolIndex::for_module(Dwfl_Module* module) {
  if (const auto found = tables_.find(module); found != tables_.end()) return found->second;
  return tables_.emplace(module, SymbolTable(module)).first->second;
}

}  // namespace ctxheap::symbolize
