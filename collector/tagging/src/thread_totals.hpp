// The no-context counters by thread, as the snapshot records them.
#pragma once

#include <vector>

#include "ctxheap/format/snapshot.hpp"
#include "ctxheap/format/string_interner.hpp"
#include "state.hpp"

namespace ctxheap::collector {

/// One entry per thread that allocated with no context (the first kNamedStripes threads),
/// with its current name, or the one it had, and whether it has exited; then one entry
/// (tid 0) for the later threads together, if any. Each stripe is read once, so the
/// entries add up to the process's no-context totals. Runs under InternalScope.
std::vector<format::ThreadTotals> thread_totals(const State& state, format::StringInterner& strings);

}  // namespace ctxheap::collector
