// Charging a Go heap profile's site to an inferred context: one rule for the recognizer
// (context_recognizer.cpp), the goroutines' holders (goroutine_holders.cpp) and the
// children inferred from parked goroutines (waited_children.cpp).
#pragma once

#include <algorithm>
#include <cmath>

#include "ctxheap/analyzer/estimate.hpp"

#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer::golang {

/// Moves a site no context holds yet to `child`: its estimated allocations (in use counted
/// as allocated at least) leave the profile's no-context totals and join the child's
/// counters, and the site names the child. Sampled, it widens the child's in-use range
/// (Context::inuse_bytes_below/above) by the site's own.
inline void charge_site(Profile& p, Site& site, Context& child) {
  const SampleCounts& e = site.estimated;
  Counters c;
  c.alloc_objects = std::max(e.alloc_objects, e.inuse_objects);
  c.alloc_bytes = std::max(e.alloc_bytes, e.inuse_bytes);
  c.freed_objects = c.alloc_objects - e.inuse_objects;
  c.freed_bytes = c.alloc_bytes - e.inuse_bytes;
  child.counters += c;
  Counters& rest = p.totals.no_context;
  rest.alloc_objects -= std::min(rest.alloc_objects, c.alloc_objects);
  rest.alloc_bytes -= std::min(rest.alloc_bytes, c.alloc_bytes);
  rest.freed_objects -= std::min(rest.freed_objects, c.freed_objects);
  rest.freed_bytes -= std::min(rest.freed_bytes, c.freed_bytes);
  site.context_id = child.id;
  // A sampled site widens the child's in-use range by its own 95 % range (the recognizer
  // then replaces the range of what it charged by the range of all of it at once).
  if (p.meta.sampling_interval_bytes > 1 && site.sampled.inuse_objects > 0) {
    const SampledTerm term{site.sampled.inuse_objects, static_cast<double>(e.inuse_bytes)};
    const Estimate r = estimate_sum({&term, 1}, p.meta.sampling_interval_bytes);
    child.inuse_bytes_below += static_cast<std::uint64_t>(std::max(0.0, std::ceil(r.value - r.low)));
    child.inuse_bytes_above += static_cast<std::uint64_t>(std::max(0.0, std::ceil(r.high - r.value)));
  }
}

}  // namespace ctxheap::analyzer::golang
