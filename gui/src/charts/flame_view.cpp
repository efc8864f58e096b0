#include "charts/flame_view.hpp"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "charts/chart_theme.hpp"
#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

namespace {
constexpr int kHeader = 22;  // the breadcrumb line
}

FlameView::FlameView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("allocationsFlame"));
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumHeight(120);
}

QSize FlameView::sizeHint() const { return {800, 400}; }

void FlameView::set_stacks(std::shared_ptr<const an::AllocationStacks> stacks) {
  if (stacks == stacks_) return;  // the same stacks keep their zoom
  stacks_ = std::move(stacks);
  path_.clear();
  // The matches are per function of the previous stacks: none until found again.
  needle_.clear();
  matched_.clear();
  match_count_ = 0;
  relayout();
  Q_EMIT zoomChanged();
}

void FlameView::set_measure(an::AllocMeasure measure) {
  if (measure == measure_) return;
  measure_ = measure;
  path_.clear();  // a node's children are ordered by the measure: refs stay, widths change
  relayout();
  Q_EMIT zoomChanged();
}

void FlameView::set_matches(const QString& needle, const std::vector<an::FunctionId>& matches) {
  needle_ = needle.trimmed();
  matched_.assign(stacks_ && !needle_.isEmpty() ? stacks_->function_count() : 0, 0);
  match_count_ = 0;
  for (const an::FunctionId f : matches) {
    if (f >= matched_.size()) continue;
    match_count_ += matched_[f] == 0 ? 1 : 0;
    matched_[f] = 1;
  }
  update();
}

void FlameView::set_search(const QString& needle) {
  if (needle.trimmed() == needle_ && (needle_.isEmpty() || !matched_.empty())) return;
  needle_ = needle.trimmed();
  matched_.clear();
  match_count_ = 0;
  if (stacks_ && !needle_.isEmpty()) {
    matched_.assign(stacks_->function_count(), 0);
    const QByteArray utf8 = needle_.toUtf8();
    for (an::FunctionId f : stacks_->find(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())))) {
      matched_[f] = 1;
      ++match_count_;
    }
  }
  update();
}

bool FlameView::matches(const FlameBox& box) const noexcept {
  return box.node.function < matched_.size() && matched_[box.node.function] != 0;
}

void FlameView::zoom_to(const FlameBox& box) {
  // The chain of boxes from the top row to `box` is the new path.
  std::vector<an::AllocNode> path;
  const std::vector<FlameBox>& all = boxes();
  const auto at = static_cast<std::size_t>(&box - all.data());
  if (at >= all.size()) return;
  for (std::uint32_t k = static_cast<std::uint32_t>(at); k != FlameBox::kNoParent; k = all[k].parent)
    path.push_back(all[k].node);
  path_.assign(path.rbegin(), path.rend());
  relayout();
  Q_EMIT zoomChanged();
}

void FlameView::reset_zoom() {
  if (path_.empty()) return;
  path_.clear();
  relayout();
  Q_EMIT zoomChanged();
}

void FlameView::relayout() {
  dirty_ = true;  // laid out when next painted: a hidden view costs nothing
  update();
}

const std::vector<FlameBox>& FlameView::boxes() const {
  if (dirty_ || width() != laid_out_width_) {
    boxes_.clear();
    laid_out_width_ = width();
    if (stacks_ && width() > 0) boxes_ = flame_layout(*stacks_, measure_, path_, 1.0 / width(), kMaxDepth);
    dirty_ = false;
  }
  return boxes_;
}

void FlameView::resizeEvent(QResizeEvent*) { update(); }

QRectF FlameView::box_rect(const FlameBox& b) const {
  const double w = width();
  return {b.x0 * w, kHeader + static_cast<double>(b.depth) * kRowHeight, (b.x1 - b.x0) * w, kRowHeight - 1.0};
}

QColor FlameView::box_color(const FlameBox& box) const {
  const bool dark = palette_is_dark(palette());
  if (matches(box)) return dark ? QColor(170, 90, 200) : QColor(214, 140, 240);
  // A stable hue per function name, away from red (stale) and muted while a search is on.
  const std::string_view name = stacks_->function_name(box.node.function);
  std::uint32_t h = 2166136261U;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
  const int hue = 30 + static_cast<int>(h % 170);  // orange through green to cyan
  const bool muted = !needle_.isEmpty();
  if (box.ancestor) return dark ? QColor(70, 70, 76) : QColor(215, 215, 220);
  return QColor::fromHsl(hue, muted ? 25 : (dark ? 80 : 110), dark ? 70 : (muted ? 215 : 185));
}

void FlameView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  p.setPen(palette().color(QPalette::Text));
  if (!stacks_ || stacks_->stack_count() == 0) {
    p.drawText(rect(), Qt::AlignCenter, tr("No allocation stacks to draw"));
    return;
  }
  const QString what = measure_ == an::AllocMeasure::InUse ? tr("in use") : tr("allocated");
  QString crumb = path_.empty() ? tr("Allocation stacks by bytes %1, callers above callees — click a box to zoom").arg(what)
                                : tr("Zoomed into %1 — click a box above to zoom out, double-click to reset")
                                      .arg(qstr(stacks_->function_name(path_.back().function)));
  if (!needle_.isEmpty())
    crumb += (match_count_ == 1 ? tr("  ·  1 function matches “%1”").arg(needle_)
                                : tr("  ·  %1 functions match “%2”").arg(count_text(match_count_), needle_));
  p.drawText(QRect(4, 0, width() - 8, kHeader), Qt::AlignLeft | Qt::AlignVCenter, crumb);
  const QFontMetrics fm = p.fontMetrics();
  const QColor border = palette().color(QPalette::Base);
  const QColor text = palette_is_dark(palette()) ? QColor(235, 235, 235) : QColor(20, 20, 20);
  for (const FlameBox& b : boxes()) {
    const QRectF r = box_rect(b);
    if (r.top() > height()) continue;
    p.fillRect(r, box_color(b));
    p.setPen(matches(b) ? palette().color(QPalette::Highlight) : border);
    p.drawRect(r);
    if (r.width() > 24) {
      p.setPen(text);
      p.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                 fm.elidedText(qstr(stacks_->function_name(b.node.function)), Qt::ElideRight, static_cast<int>(r.width()) - 6));
    }
  }
}

const FlameBox* FlameView::box_at(const QPoint& point) const {
  for (const FlameBox& b : boxes())
    if (box_rect(b).contains(point)) return &b;
  return nullptr;
}

QString FlameView::tooltip_text(const FlameBox& b) const {
  if (!stacks_) return {};
  const an::AllocNode& n = b.node;
  const QString mark = qstr(an::estimate_mark(*stacks_));
  const an::SampleCounts all = stacks_->total();
  const auto share = [](std::uint64_t part, std::uint64_t whole) {
    return share_text(whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole));
  };
  QString tip = qstr(stacks_->function_name(n.function));
  tip += QStringLiteral("\n") + tr("in use %1%2 in %1%3 objects (%4 of all in use)")
                                    .arg(mark, bytes_text(n.total.inuse_bytes), count_text(n.total.inuse_objects),
                                         share(n.total.inuse_bytes, all.inuse_bytes));
  tip += QStringLiteral("\n") + tr("allocated %1%2 in %1%3 objects (%4 of all allocated)")
                                    .arg(mark, bytes_text(n.total.alloc_bytes), count_text(n.total.alloc_objects),
                                         share(n.total.alloc_bytes, all.alloc_bytes));
  if (n.self.inuse_bytes != 0 || n.self.alloc_bytes != 0)
    tip += QStringLiteral("\n") + tr("self: %1%2 in use, %1%3 allocated").arg(mark, bytes_text(n.self.inuse_bytes), bytes_text(n.self.alloc_bytes));
  if (b.ancestor) tip += QStringLiteral("\n") + tr("(on the zoomed path; click to zoom out to it)");
  return tip;
}

void FlameView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton) {
    reset_zoom();
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  const FlameBox* b = box_at(event->position().toPoint());
  if (b != nullptr) zoom_to(*b);
}

void FlameView::mouseDoubleClickEvent(QMouseEvent*) { reset_zoom(); }

void FlameView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape || event->key() == Qt::Key_Home) {
    reset_zoom();
    return;
  }
  if (event->key() == Qt::Key_Backspace && !path_.empty()) {
    path_.pop_back();
    relayout();
    Q_EMIT zoomChanged();
    return;
  }
  QWidget::keyPressEvent(event);
}

bool FlameView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const FlameBox* b = box_at(help->pos());
    if (b == nullptr) {
      QToolTip::hideText();
      return true;
    }
    QToolTip::showText(help->globalPos(), tooltip_text(*b), this);
    return true;
  }
  return QWidget::event(event);
}

}  // namespace ctxheap::gui
