// Which ELF symbol covers an address, in O(log n) per lookup (the role of
// heaptrack's symbolcache): dwfl_module_addrinfo scans the whole symbol table
// on every call, ~100 us per address in libc or libstdc++.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <map>
#include <vector>

namespace ctxheap::symbolize {

/// One module's defined symbols, sorted once. lookup() picks what
/// dwfl_module_addrinfo picks: the sized symbol containing the address with
/// the highest start, best binding (global > unique > weak > local) among
/// aliases; failing that, the closest sizeless label (assembly) in the same
/// section and not below the end of a sized symbol.
class SymbolTable {
 public:
  explicit SymbolTable(Dwfl_Module* module);
  /// The raw (mangled) name of the symbol covering `address` (runtime
  /// address), or nullptr. Valid while the module is loaded.
  const char* lookup(std::uint64_t address) const;

 private:
  struct Symbol {
    std::uint64_t start;
    std::uint64_t size;  // for a sizeless label: up to the end of its section
    int binding_rank;
    const char* name;
  };
  std::vector<Symbol> sized_;         // by start, then best binding first
  std::vector<std::uint64_t> reach_;  // reach_[i]: max end of sized_[0..i]
  std::vector<Symbol> sizeless_;      // by start, then best binding first
};

/// SymbolTables for every module looked at so far, built on first use.
/// clear() whenever modules may have been removed.
class SymbolIndex {
 public:
  const SymbolTable& for_module(Dwfl_Module* module);
  void clear() { tables_.clear(); }

 private:
  std::map<Dwfl_Module*, SymbolTable> tables_;
};

}  // namespace ctxheap::symbolize
