// Draws icicle_layout(): the retention tree sized by in-use bytes. Boxes holding stale
// entries are red, memory retained after cancel amber, the rest coloured by creation
// site. Hover shows a box's figures, click selects its context, double-click zooms into
// it, right-click (or Backspace) zooms out.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "charts/icicle_layout.hpp"

class QTimer;

namespace ctxheap::gui {

class IcicleView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kRowHeight = 22;
  static constexpr std::uint32_t kMaxDepth = 64;
  explicit IcicleView(QWidget* parent = nullptr);

  void set_document(std::shared_ptr<const Document> document);
  void zoom_to(analyzer::Index node);  ///< kNoIndex: all roots
  analyzer::Index zoomed() const noexcept { return root_; }
  /// The boxes at the current width (laid out on first use after a change).
  const std::vector<IcicleBox>& boxes() const;
  /// The context under a point, kNoIndex if none.
  analyzer::Index node_at(const QPoint& point) const;
  const IcicleBox* box_at(const QPoint& point) const;
  QSize sizeHint() const override;

 Q_SIGNALS:
  void contextSelected(qulonglong context);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void relayout();
  QRectF box_rect(const IcicleBox& box) const;
  QColor box_color(const IcicleBox& box) const;

  std::shared_ptr<const Document> document_;
  analyzer::Index root_ = analyzer::kNoIndex;
  analyzer::Index selected_ = analyzer::kNoIndex;
  mutable std::vector<IcicleBox> boxes_;
  mutable int laid_out_width_ = -1;
  mutable bool dirty_ = true;
  std::vector<std::uint8_t> retained_after_cancel_;
  // A click selects in the tree (switching to it) only once it is not the first click of
  // a double-click, which zooms instead.
  QTimer* click_timer_ = nullptr;
  analyzer::Index clicked_ = analyzer::kNoIndex;
};

}  // namespace ctxheap::gui
