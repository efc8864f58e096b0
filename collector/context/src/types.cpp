#include "ctxheap/context/types.hpp"

namespace ctxheap {

std::string_view to_string(ContextKind kind) noexcept {
  switch (kind) {
    case ContextKind::Background: return "background";
    case ContextKind::Todo: return "todo";
    case ContextKind::Cancel: return "cancel";
    case ContextKind::Deadline: return "deadline";
    case ContextKind::Value: return "value";
    case ContextKind::WithoutCancel: return "without_cancel";
    case ContextKind::AfterFunc: return "after_func";
  }
  return "unknown";
}

std::string_view to_string(ContextState state) noexcept {
  switch (state) {
    case ContextState::Live: return "live";
    case ContextState::Cancelled: return "cancelled";
    case ContextState::Expired: return "expired";
  }
  return "unknown";
}

std::string_view to_string(Err err) noexcept {
  switch (err) {
    case Err::None: return "";
    case Err::Canceled: return "context canceled";
    case Err::DeadlineExceeded: return "context deadline exceeded";
  }
  return "unknown";
}

}  // namespace ctxheap
