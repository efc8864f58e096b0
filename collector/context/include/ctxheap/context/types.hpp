// The runtime's ids and clocks. Kinds, states and errs are the shared vocabulary
// (ctxheap/vocabulary.hpp): one definition for the runtime, the format and the analyzer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "ctxheap/vocabulary.hpp"

namespace ctxheap {

inline constexpr ContextId kNoContext = 0;
/// Background() and TODO() have fixed ids, so they match across runs.
inline constexpr ContextId kBackgroundId = 1;
inline constexpr ContextId kTodoId = 2;

/// Deadlines and the runtime's timestamps use a monotonic clock, as Go does for
/// deadline comparisons. Tests may replace the clock (see clock.hpp).
using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = SteadyClock::duration;

/// Go's ctx.Err(); the runtime's name for the shared ContextErr.
using Err = ContextErr;

}  // namespace ctxheap
