// What a snapshot records of one context, in the one type the snapshot format
// (format::ContextRecord) and the analyzer's model (analyzer::Context) both are: the
// reader's record becomes a model context by one assignment, never field by field
// (docs/architecture.md, "The representations of a context id").
#pragma once

#include <cstdint>

#include "ctxheap/vocabulary.hpp"

namespace ctxheap {

/// Times named *_ns are on the runtime's steady (monotonic) clock. `name` and `cause` index
/// the holder's string table (the snapshot's, or the model's, which keeps the file's ids);
/// 0 is the empty string, meaning "none".
struct ContextFacts {
  ContextId id = 0;
  ContextKind kind = ContextKind::Background;
  ContextId parent_id = 0;            ///< what it was derived from (created-from); 0 = none
  /// The cancelable ancestor whose children set holds it (the real retainer); 0 = none
  /// (a child of Background, a value context, or already removed).
  ContextId registered_under_id = 0;
  std::uint32_t name = 0;
  std::uint64_t created_ns = 0;
  std::uint64_t ended_ns = 0;  ///< 0 = not ended
  ContextState state = ContextState::Live;
  ContextErr err = ContextErr::None;
  std::uint32_t cause = 0;
  bool cancel_dropped = false;      ///< its cancel handle was destroyed uncalled
  std::uint64_t deadline_ns = 0;    ///< effective deadline; 0 = none
  std::int32_t waiters = 0;         ///< threads blocked on done() at the snapshot
  std::uint64_t last_alloc_ns = 0;  ///< most recent tagged allocation (coarse clock); 0 = none
  bool destroyed = false;           ///< the runtime has freed the context's own node

  bool ended() const noexcept { return state != ContextState::Live; }
  bool operator==(const ContextFacts&) const = default;
};

}  // namespace ctxheap
