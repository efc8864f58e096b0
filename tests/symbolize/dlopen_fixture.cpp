// Loaded with dlopen by shared_library_test.cpp after the Symbolizer was made.
#include <cstdint>

namespace dlopen_fixture {
volatile int sink = 0;
[[gnu::noinline]] int function_in_dlopened_library(int x) {
  sink = x;
  return x + 1;
}
}  // namespace dlopen_fixture

extern "C" std::uintptr_t ctxheap_dlopen_fixture_function() {
  return reinterpret_cast<std::uintptr_t>(&dlopen_fixture::function_in_dlopened_library);
}
