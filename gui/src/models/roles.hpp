// Item data roles shared by the app's models, proxies, delegates and tests.
#pragma once

#include <Qt>

namespace ctxheap::gui {

enum ItemRole : int {
  /// The context's index in the profile (analyzer::Index), as qulonglong.
  NodeRole = Qt::UserRole + 1,
  /// A value to sort by: a number for numeric columns, else the display text.
  SortRole,
  /// bool: the row is a stale child entry.
  StaleRole,
  /// int (FindingMark): what the row is flagged for.
  FindingRole,
  /// double in [0, 1]: the fraction a bar delegate draws.
  RatioRole,
  /// int: +1 grew (bad), -1 shrank (good), 0 unchanged — diff cells.
  DeltaSignRole,
  /// QString path and int line of a frame (stacks).
  FileRole,
  LineRole,
};

/// InFlight: the inferred child standing for a set below the in-flight bound
/// (analyzer::InFlightSet): in flight or leaked, one profile cannot tell.
enum class FindingMark : int { None = 0, Stale = 1, RetainedAfterCancel = 2, InFlight = 3 };

}  // namespace ctxheap::gui
