// A shared library built the way Debian builds libc and libstdc++: optimised, without frame
// pointers (-O2 -fomit-frame-pointer). The stack tests call through it; a frame-pointer walk
// would lose its caller, the unwinder must not.
#include <cstddef>
#include <cstdlib>
#include <new>

#include "nofp_library.hpp"

namespace {
// Keeps the calls below real calls (not tail calls), so the library's frames are on the stack.
template <class T>
T kept(T v) {
  asm volatile("" : "+r"(v)::"memory");
  return v;
}
}  // namespace

extern "C" {

int nofp_call(int (*fn)(void*), void* arg, int spill) {
  // Live values across the call make the compiler use callee-saved registers (rbp among
  // them, free without frame pointers) and a frame of its own.
  volatile int local[8];
  for (int i = 0; i < 8; ++i) local[i] = spill + i;
  const int r = kept(fn(arg));
  int sum = r;
  for (int i = 0; i < 8; ++i) sum += local[i];
  return kept(sum);
}

void* nofp_malloc(std::size_t n) { return kept(std::malloc(n)); }
void* nofp_new(std::size_t n) { return kept(::operator new(n)); }
}
