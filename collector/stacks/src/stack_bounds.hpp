// The calling thread's stack, so that the walk reads only memory that is mapped.
#pragma once

#include <cstdint>

namespace ctxheap::stacks {

struct StackBounds {
  std::uintptr_t low = 0;   ///< the lowest address this thread's stack may reach
  std::uintptr_t high = 0;  ///< one past the highest mapped byte above it (0: unknown)
};

/// The readable mapping holding `sp`, cached per thread and looked up again (from
/// /proc/self/maps, with system calls only: no allocation) when `sp` leaves it, as on an
/// alternate signal stack. high == 0 when it cannot be found.
StackBounds stack_bounds(std::uintptr_t sp) noexcept;

}  // namespace ctxheap::stacks
