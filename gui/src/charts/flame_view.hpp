// Draws flame_layout(): the allocation stacks' top-down call tree, a box per function
// on a path, as wide as its bytes in use (or allocated). Boxes are coloured by function,
// muted so a search's matches (the analyzer's find()) stand out; hover shows a box's
// bytes, objects and share. Click zooms into a box (its ancestors stay above it, a click
// on one zooms out to it); double-click, right-click or Escape resets the zoom.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "charts/flame_layout.hpp"

namespace ctxheap::gui {

class FlameView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kRowHeight = 20;
  static constexpr std::uint32_t kMaxDepth = 128;
  explicit FlameView(QWidget* parent = nullptr);

  /// The stacks to draw (unfiltered: a search highlights, it does not cut). Resets the zoom.
  void set_stacks(std::shared_ptr<const analyzer::AllocationStacks> stacks);
  void set_measure(analyzer::AllocMeasure measure);
  /// Highlights the functions whose name contains `needle` (empty: none), found here.
  void set_search(const QString& needle);
  /// Highlights `matches`, the functions of the stacks whose name contains `needle`, as
  /// found on a worker thread (the Allocations tab: AllocStacks::find over every name).
  void set_matches(const QString& needle, const std::vector<analyzer::FunctionId>& matches);
  /// Zooms into `box` of boxes() (its subtree fills the width); reset_zoom() shows all.
  void zoom_to(const FlameBox& box);
  void reset_zoom();
  /// Nodes from a child of the root to the zoomed node; empty when not zoomed.
  const std::vector<analyzer::AllocNode>& zoom_path() const noexcept { return path_; }
  bool matches(const FlameBox& box) const noexcept;
  std::size_t match_count() const noexcept { return match_count_; }

  /// The boxes at the current width (laid out on first use after a change).
  const std::vector<FlameBox>& boxes() const;
  const FlameBox* box_at(const QPoint& point) const;
  QRectF box_rect(const FlameBox& box) const;
  /// What the tooltip of `box` reads.
  QString tooltip_text(const FlameBox& box) const;
  QSize sizeHint() const override;

 Q_SIGNALS:
  void zoomChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void relayout();
  QColor box_color(const FlameBox& box) const;

  std::shared_ptr<const analyzer::AllocationStacks> stacks_;
  analyzer::AllocMeasure measure_ = analyzer::AllocMeasure::InUse;
  std::vector<analyzer::AllocNode> path_;
  std::vector<std::uint8_t> matched_;  ///< per FunctionId
  std::size_t match_count_ = 0;
  QString needle_;
  mutable std::vector<FlameBox> boxes_;
  mutable int laid_out_width_ = -1;
  mutable bool dirty_ = true;
};

}  // namespace ctxheap::gui
