// Draws a cell's RatioRole (0..1) as a bar behind its text, like heaptrack's cost bars.
// Colours come from the palette, so the bar reads in light and dark themes.
#pragma once

#include <QStyledItemDelegate>

namespace ctxheap::gui {

class RatioBarDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace ctxheap::gui
