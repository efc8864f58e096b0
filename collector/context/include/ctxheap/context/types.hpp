// Vocabulary shared by the context runtime, the collector and the snapshot format.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace ctxheap {

/// The process-unique identity of a context. 0 means "no context".
using ContextId = std::uint64_t;
inline constexpr ContextId kNoContext = 0;
/// Background() and TODO() have fixed ids, so they match across runs.
inline constexpr ContextId kBackgroundId = 1;
inline constexpr ContextId kTodoId = 2;

/// Deadlines and the runtime's timestamps use a monotonic clock, as Go does for
/// deadline comparisons. Tests may replace the clock (see clock.hpp).
using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = SteadyClock::duration;

/// What created a context; mirrors Go's context implementations.
enum class ContextKind : std::uint8_t {
  Background,     ///< never cancelled, has no children set
  Todo,           ///< like Background
  Cancel,         ///< with_cancel: a cancelCtx
  Deadline,       ///< with_deadline / with_timeout: a timerCtx
  Value,          ///< with_value: passes cancellation and deadline through
  WithoutCancel,  ///< without_cancel: never cancelled, keeps values, stops the chain
  AfterFunc,      ///< after_func: a registration that runs a callback when done
};

/// Whether a context has ended, and how.
enum class ContextState : std::uint8_t {
  Live,       ///< not done
  Cancelled,  ///< done with Err::Canceled (itself or through an ancestor)
  Expired,    ///< done with Err::DeadlineExceeded
};

/// Go's ctx.Err(): why a context is done.
enum class Err : std::uint8_t {
  None,
  Canceled,
  DeadlineExceeded,
};

std::string_view to_string(ContextKind kind) noexcept;
std::string_view to_string(ContextState state) noexcept;
/// Go's wording: "context canceled", "context deadline exceeded", or "" for None.
std::string_view to_string(Err err) noexcept;

/// True for kinds that own a children set and can be cancelled.
constexpr bool is_cancelable(ContextKind kind) noexcept {
  return kind == ContextKind::Cancel || kind == ContextKind::Deadline ||
         kind == ContextKind::AfterFunc;
}

}  // namespace ctxheap
