#include "memory_reserve.hpp"

#include <cstdlib>
#include <new>

namespace ctxheap::cli {
namespace {

// Large enough to be mapped on its own (so freeing it returns the address space), and
// more than the destructors of a report's live objects allocate while unwinding.
constexpr std::size_t kReserveBytes = 16u << 20;
void* g_reserve = nullptr;

void release_reserve_and_fail() {
  std::free(g_reserve);
  g_reserve = nullptr;
  std::set_new_handler(nullptr);  // from now on operator new throws at once
  throw std::bad_alloc();
}

}  // namespace

void keep_memory_for_unwinding() noexcept {
  g_reserve = std::malloc(kReserveBytes);
  if (g_reserve != nullptr) std::set_new_handler(release_reserve_and_fail);
}

}  // namespace ctxheap::cli
