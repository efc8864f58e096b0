// An analysis as pprof's Profile message (proto/pprof_profile.proto).
#pragma once

#include "ctxheap/report/report.hpp"
#include "pprof_profile.pb.h"

namespace ctxheap::report::detail {

/// One sample per sampled (context, stack) site, values alloc_objects, alloc_space,
/// inuse_objects, inuse_space (un-sampled estimates), labelled ctx_id, ctx_parent,
/// ctx_site, ctx_name and stale. Without sampled sites in the input, one sample per
/// context with allocations, at its creation stack, with its exact counters.
pprof::Profile build_pprof(const analyzer::Analysis& analysis, const ReportOptions& options);

}  // namespace ctxheap::report::detail
