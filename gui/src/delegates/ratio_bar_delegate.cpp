#include "delegates/ratio_bar_delegate.hpp"

#include <QApplication>
#include <QPainter>
#include <algorithm>

#include "models/roles.hpp"

namespace ctxheap::gui {

void RatioBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  const QVariant ratio = index.data(RatioRole);
  if (!ratio.isValid()) {
    QStyledItemDelegate::paint(painter, option, index);
    return;
  }
  QStyleOptionViewItem opt = option;
  initStyleOption(&opt, index);
  const QString text = opt.text;
  opt.text.clear();
  QStyle* style = opt.widget != nullptr ? opt.widget->style() : QApplication::style();
  style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);  // background, selection, focus

  const QRect area = opt.rect.adjusted(3, 3, -3, -3);
  const double fraction = std::clamp(ratio.toDouble(), 0.0, 1.0);
  QColor fill = opt.palette.color(QPalette::Highlight);
  fill.setAlpha(opt.state & QStyle::State_Selected ? 140 : 90);
  QColor frame = opt.palette.color(QPalette::Mid);
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing, false);
  painter->setPen(frame);
  painter->setBrush(Qt::NoBrush);
  painter->drawRect(area.adjusted(0, 0, -1, -1));
  painter->fillRect(QRect(area.left(), area.top(), static_cast<int>(area.width() * fraction), area.height()), fill);
  painter->setPen(opt.palette.color(opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
  painter->drawText(area.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
  painter->restore();
}

QSize RatioBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize size = QStyledItemDelegate::sizeHint(option, index);
  size.setWidth(std::max(size.width(), 90));
  return size;
}

}  // namespace ctxheap::gui
