#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format {

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

std::string_view to_string(ContextErr err) noexcept {
  switch (err) {
    case ContextErr::None: return "none";
    case ContextErr::Canceled: return "canceled";
    case ContextErr::DeadlineExceeded: return "deadline_exceeded";
  }
  return "unknown";
}

std::string_view to_string(SnapshotReason reason) noexcept {
  switch (reason) {
    case SnapshotReason::Api: return "api";
    case SnapshotReason::Signal: return "signal";
    case SnapshotReason::Period: return "period";
    case SnapshotReason::Exit: return "exit";
  }
  return "unknown";
}

}  // namespace ctxheap::format
