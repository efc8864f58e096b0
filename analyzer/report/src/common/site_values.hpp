// The four values of a sampled allocation site as pprof and folded stacks report them.
#pragma once

#include <array>
#include <cstdint>

#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::report::detail {

/// alloc_objects, alloc_space, inuse_objects, inuse_space of a site: the un-sampled
/// estimate when the input has one, else the sampled counts.
inline std::array<std::uint64_t, 4> site_values(const analyzer::Site& site) noexcept {
  const analyzer::SampleCounts zero{};
  const analyzer::SampleCounts& c = site.estimated == zero ? site.sampled : site.estimated;
  return {c.alloc_objects, c.alloc_bytes, c.inuse_objects, c.inuse_bytes};
}

/// The same order for a context's exact counters.
inline std::array<std::uint64_t, 4> counter_values(const analyzer::Counters& c) noexcept {
  return {c.alloc_objects, c.alloc_bytes, c.inuse_objects(), c.inuse_bytes()};
}

}  // namespace ctxheap::report::detail
