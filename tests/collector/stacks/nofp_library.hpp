// The stack tests' library without frame pointers (nofp_library.cpp).
#pragma once

#include <cstddef>

extern "C" {
/// Calls fn(arg) from a frame without a frame pointer; returns its result plus a checksum.
int nofp_call(int (*fn)(void*), void* arg, int spill);
/// malloc and operator new called from a frame without a frame pointer.
void* nofp_malloc(std::size_t n);
void* nofp_new(std::size_t n);
}
