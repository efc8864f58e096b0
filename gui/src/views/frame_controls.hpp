// The controls every allocation-stack view shares, so they read and behave the same.
#pragma once

#include <QString>

class QCheckBox;
class QLineEdit;
class QWidget;

namespace ctxheap::gui {

/// The "All frames" switch: standard-library, allocator and runtime frames and full template
/// arguments are folded away by default, as in the reports (analyzer::FrameDetail).
QCheckBox* all_frames_box(const QString& object_name, QWidget* parent);

/// A "Search functions…" box (clear button, `tooltip` says what the search keeps).
QLineEdit* function_search_box(const QString& object_name, const QString& tooltip, QWidget* parent);

}  // namespace ctxheap::gui
