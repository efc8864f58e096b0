// The one C++ definition of the context vocabulary: what a context is (kind), whether and
// how it ended (state, err) and why a snapshot was taken, each with its stable name. The
// context runtime, the snapshot format and the analyzer all use these enums; numeric
// values equal the .proto enum values beside this file (../proto/ctxheap_snapshot.proto),
// which format/src/convert.cpp checks with static_asserts and tests/format checks by name.
//
// Adding a kind: one enumerator and one row of kContextKinds here, the same value in the
// .proto (a new enum value is a format version bump, see the .proto's rules), plus tests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ctxheap {

/// The process-unique identity of a context. 0 means "no context".
using ContextId = std::uint64_t;

/// What created a context; mirrors Go's context implementations. 0 is never a kind.
enum class ContextKind : std::uint8_t {
  Background = 1,     ///< never cancelled, has no children set
  Todo = 2,           ///< like Background
  Cancel = 3,         ///< with_cancel: a cancelCtx
  Deadline = 4,       ///< with_deadline / with_timeout: a timerCtx
  Value = 5,          ///< with_value: passes cancellation and deadline through
  WithoutCancel = 6,  ///< without_cancel: never cancelled, keeps values, stops the chain
  AfterFunc = 7,      ///< after_func: a registration that runs a callback when done
};

/// Whether a context has ended, and how. 0 is never a state.
enum class ContextState : std::uint8_t {
  Live = 1,       ///< not done
  Cancelled = 2,  ///< done with ContextErr::Canceled (itself or through an ancestor)
  Expired = 3,    ///< done with ContextErr::DeadlineExceeded
};

/// Go's ctx.Err(): why a context is done.
enum class ContextErr : std::uint8_t {
  None = 0,
  Canceled = 1,
  DeadlineExceeded = 2,
};

/// What triggered a snapshot. Unknown (0) is never written; inputs other than ctxheap
/// snapshots have no reason.
enum class SnapshotReason : std::uint8_t {
  Unknown = 0,
  Api = 1,
  Signal = 2,
  Period = 3,
  Exit = 4,
};

/// One word of the vocabulary: its value and its stable lower-case name (reports, JSON,
/// the desktop app; the .proto's enumerator is the name upper-cased behind a prefix).
template <class Enum>
struct Term {
  Enum value;
  std::string_view name;
};

/// Every value in numeric order, dense from the first.
inline constexpr std::array<Term<ContextKind>, 7> kContextKinds{{
    {ContextKind::Background, "background"},
    {ContextKind::Todo, "todo"},
    {ContextKind::Cancel, "cancel"},
    {ContextKind::Deadline, "deadline"},
    {ContextKind::Value, "value"},
    {ContextKind::WithoutCancel, "without_cancel"},
    {ContextKind::AfterFunc, "after_func"},
}};
inline constexpr std::array<Term<ContextState>, 3> kContextStates{{
    {ContextState::Live, "live"},
    {ContextState::Cancelled, "cancelled"},
    {ContextState::Expired, "expired"},
}};
inline constexpr std::array<Term<ContextErr>, 3> kContextErrs{{
    {ContextErr::None, "none"},
    {ContextErr::Canceled, "canceled"},
    {ContextErr::DeadlineExceeded, "deadline_exceeded"},
}};
inline constexpr std::array<Term<SnapshotReason>, 5> kSnapshotReasons{{
    {SnapshotReason::Unknown, "unknown"},
    {SnapshotReason::Api, "api"},
    {SnapshotReason::Signal, "signal"},
    {SnapshotReason::Period, "period"},
    {SnapshotReason::Exit, "exit"},
}};

namespace vocabulary_detail {
template <class Enum, std::size_t N>
constexpr const Term<Enum>* find(const std::array<Term<Enum>, N>& terms, int value) noexcept {
  const int first = static_cast<int>(terms.front().value);
  if (value < first || value >= first + static_cast<int>(N)) return nullptr;
  return &terms[static_cast<std::size_t>(value - first)];
}
template <class Enum, std::size_t N>
constexpr bool dense(const std::array<Term<Enum>, N>& terms) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(terms[i].value) != static_cast<std::size_t>(terms[0].value) + i) return false;
  }
  return true;
}
static_assert(dense(kContextKinds) && dense(kContextStates) && dense(kContextErrs) && dense(kSnapshotReasons),
              "vocabulary tables list every value once, in numeric order");
}  // namespace vocabulary_detail

/// The term's stable name ("after_func", "deadline_exceeded", ...); "unknown" for a value
/// outside the vocabulary.
constexpr std::string_view to_string(ContextKind kind) noexcept {
  const auto* t = vocabulary_detail::find(kContextKinds, static_cast<int>(kind));
  return t ? t->name : "unknown";
}
constexpr std::string_view to_string(ContextState state) noexcept {
  const auto* t = vocabulary_detail::find(kContextStates, static_cast<int>(state));
  return t ? t->name : "unknown";
}
constexpr std::string_view to_string(ContextErr err) noexcept {
  const auto* t = vocabulary_detail::find(kContextErrs, static_cast<int>(err));
  return t ? t->name : "unknown";
}
constexpr std::string_view to_string(SnapshotReason reason) noexcept {
  const auto* t = vocabulary_detail::find(kSnapshotReasons, static_cast<int>(reason));
  return t ? t->name : "unknown";
}

/// Go's wording of ctx.Err(): "context canceled", "context deadline exceeded", "" for None.
constexpr std::string_view go_error_text(ContextErr err) noexcept {
  switch (err) {
    case ContextErr::None: return "";
    case ContextErr::Canceled: return "context canceled";
    case ContextErr::DeadlineExceeded: return "context deadline exceeded";
  }
  return "unknown";
}

/// A wire (or any integer) value as a term; nullopt when it names none.
constexpr std::optional<ContextKind> context_kind_from(int value) noexcept {
  const auto* t = vocabulary_detail::find(kContextKinds, value);
  return t ? std::optional(t->value) : std::nullopt;
}
constexpr std::optional<ContextState> context_state_from(int value) noexcept {
  const auto* t = vocabulary_detail::find(kContextStates, value);
  return t ? std::optional(t->value) : std::nullopt;
}
constexpr std::optional<ContextErr> context_err_from(int value) noexcept {
  const auto* t = vocabulary_detail::find(kContextErrs, value);
  return t ? std::optional(t->value) : std::nullopt;
}
constexpr std::optional<SnapshotReason> snapshot_reason_from(int value) noexcept {
  const auto* t = vocabulary_detail::find(kSnapshotReasons, value);
  return t ? std::optional(t->value) : std::nullopt;
}

/// True for kinds that own a children set and can be cancelled (Go's cancelCtx).
constexpr bool is_cancelable(ContextKind kind) noexcept {
  return kind == ContextKind::Cancel || kind == ContextKind::Deadline || kind == ContextKind::AfterFunc;
}

}  // namespace ctxheap
