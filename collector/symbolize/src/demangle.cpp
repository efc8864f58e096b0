#include "demangle.hpp"

#include <cxxabi.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace ctxheap::symbolize {
namespace {

bool is_mangled(const char* name) { return name[0] == '_' && name[1] == 'Z'; }

/// Where a GCC clone suffix starts in an unmangled (C) symbol name, or npos.
std::size_t clone_suffix_start(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kClones = {
      ".cold", ".constprop.", ".isra.", ".part.", ".lto_priv.", ".localalias", ".clone."};
  for (std::size_t dot = name.find('.'); dot != std::string_view::npos;
       dot = name.find('.', dot + 1)) {
    for (const auto clone : kClones) {
      if (name.substr(dot).starts_with(clone)) return dot;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  if (!is_mangled(name)) return name;
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
  if (status != 0 || !demangled) return name;
  return demangled.get();
}

std::string symbol_function_name(const char* symbol) {
  std::string name = demangle(symbol);
  if (name.empty()) return name;
  // __cxa_demangle renders "f.constprop.0" as "f() [clone .constprop.0]".
  const std::size_t cut = is_mangled(symbol) ? name.find(" [clone .") : clone_suffix_start(name);
  if (cut != std::string::npos && cut > 0) name.resize(cut);
  return name;
}

}  // namespace ctxheap::symbolize
