#pragma once

#include <string>

namespace ctxheap::symbolize {

/// The C++ (Itanium ABI) demangling of `name`, or `name` unchanged when it is
/// not a mangled name (C functions, main) or does not demangle.
std::string demangle(const char* name);

/// The function an ELF symbol belongs to: demangled, and without the suffixes
/// GCC gives to the copies it makes of a function (".cold", ".constprop.0",
/// ".isra.0", ".part.0", ...; "[clone .cold]" once demangled), so that all
/// copies are named like the function in the debug info.
std::string symbol_function_name(const char* symbol);

}  // namespace ctxheap::symbolize
