// What the app remembers between runs (QSettings): recent files, the last directory, and
// the layout (window geometry, splitters, column widths and visibility).
#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

#include "document/document.hpp"

namespace ctxheap::gui {

class AppSettings {
 public:
  static constexpr int kMaxRecent = 10;

  /// Most recent first.
  static std::vector<LoadRequest> recent();
  /// Puts `request` first (once) and keeps at most kMaxRecent.
  static void add_recent(const LoadRequest& request);
  static void clear_recent();
  /// How a recent entry reads in the menu: "leak.0002.ctxheap", "leak.0001 … leak.0002 (2
  /// snapshots)", "leak.0002.ctxheap vs fixed.0002.ctxheap".
  static QString describe(const LoadRequest& request);

  static QString last_directory();
  static void set_last_directory(const QString& directory);

  /// Saved layout blobs by name ("window/geometry", "tree/header", ...).
  static QByteArray layout(const QString& key);
  static void set_layout(const QString& key, const QByteArray& value);
  /// Forgets the layout (View > Reset Layout).
  static void clear_layout();
};

}  // namespace ctxheap::gui
