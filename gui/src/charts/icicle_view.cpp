#include "charts/icicle_view.hpp"

#include <QApplication>
#include <QHelpEvent>
#include <QTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

#include "charts/chart_theme.hpp"
#include "models/text.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;
using an::Index;
using an::kNoIndex;

namespace {
constexpr int kHeader = 22;  // the breadcrumb line

QString box_label(const an::Analysis& a, const IcicleBox& b) {
  const an::Context& c = a.context(b.node);
  const std::string_view name = a.profile->str(c.name);
  QString who = b.contexts > 1 ? QStringLiteral("%1 \u00d7 %2").arg(count_text(b.contexts), name.empty() ? QStringLiteral("<%1>").arg(qstr(an::to_string(c.kind))) : qstr(name))
                               : context_text(a, b.node);
  return who + QStringLiteral("  ") + bytes_text(b.inuse_bytes);
}
}

IcicleView::IcicleView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumHeight(120);
  click_timer_ = new QTimer(this);
  click_timer_->setSingleShot(true);
  connect(click_timer_, &QTimer::timeout, this, [this] {
    if (clicked_ != kNoIndex) Q_EMIT contextSelected(static_cast<qulonglong>(clicked_));
  });
}

QSize IcicleView::sizeHint() const { return {800, 260}; }

void IcicleView::set_document(std::shared_ptr<const Document> document) {
  document_ = std::move(document);
  root_ = kNoIndex;
  selected_ = kNoIndex;
  retained_after_cancel_.clear();
  if (document_) {
    retained_after_cancel_.assign(document_->latest().forest.size(), 0);
    for (const an::RetainedAfterCancel& r : document_->latest().findings.retained_after_cancel) retained_after_cancel_[r.context] = 1;
  }
  relayout();
}

void IcicleView::zoom_to(Index node) {
  root_ = node;
  relayout();
}

void IcicleView::relayout() {
  // Laid out when next painted: a hidden tab costs nothing on load.
  dirty_ = true;
  update();
}

const std::vector<IcicleBox>& IcicleView::boxes() const {
  if (dirty_ || width() != laid_out_width_) {
    boxes_.clear();
    laid_out_width_ = width();
    if (document_ && width() > 0) boxes_ = icicle_layout(*document_, root_, 1.0 / width(), kMaxDepth);
    dirty_ = false;
  }
  return boxes_;
}

void IcicleView::resizeEvent(QResizeEvent*) { update(); }

QRectF IcicleView::box_rect(const IcicleBox& b) const {
  const double w = width();
  return {b.x0 * w, kHeader + static_cast<double>(b.depth) * kRowHeight, (b.x1 - b.x0) * w, kRowHeight - 1.0};
}

QColor IcicleView::box_color(const IcicleBox& box) const {
  const an::Analysis& a = document_->latest();
  const Index node = box.node;
  const bool dark = palette_is_dark(palette());
  // Red: stale entries, and what only they keep alive (the request bodies under a server).
  if (box.stale > 0 || box.kept_alive > 0) return dark ? QColor(190, 60, 66) : QColor(236, 112, 116);
  if (retained_after_cancel_[node] != 0) return dark ? QColor(196, 128, 24) : QColor(250, 186, 90);
  // A stable hue per creation site, muted so red stays the signal.
  const std::uint64_t key = a.site_of(node).key;
  const int hue = static_cast<int>((key ^ (key >> 29)) % 360);
  return QColor::fromHsl(hue, dark ? 70 : 90, dark ? 80 : 190);
}

void IcicleView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  p.setPen(palette().color(QPalette::Text));
  if (!document_) {
    p.drawText(rect(), Qt::AlignCenter, tr("Open a snapshot to see its retention tree"));
    return;
  }
  const an::Analysis& a = document_->latest();
  const QString crumb = root_ == kNoIndex ? tr("Retention tree by in-use bytes: all roots (%1)").arg(bytes_text(a.summary.contexts_total.inuse_bytes()))
                                          : tr("Retention tree by in-use bytes: zoomed into %1 — right-click to zoom out")
                                                .arg(context_text(a, root_));
  p.drawText(QRect(4, 0, width() - 8, kHeader), Qt::AlignLeft | Qt::AlignVCenter, crumb);
  const QFontMetrics fm = p.fontMetrics();
  const QColor border = palette().color(QPalette::Base);
  for (const IcicleBox& b : boxes()) {
    const QRectF r = box_rect(b);
    if (r.top() > height()) continue;
    p.fillRect(r, box_color(b));
    p.setPen(b.node == selected_ ? palette().color(QPalette::Highlight) : border);
    p.drawRect(r);
    if (r.width() > 24) {
      p.setPen(palette_is_dark(palette()) ? QColor(235, 235, 235) : QColor(20, 20, 20));
      const QString label = box_label(a, b);
      p.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                 fm.elidedText(label, Qt::ElideRight, static_cast<int>(r.width()) - 6));
    }
  }
}

const IcicleBox* IcicleView::box_at(const QPoint& point) const {
  for (const IcicleBox& b : boxes())
    if (box_rect(b).contains(point)) return &b;
  return nullptr;
}

Index IcicleView::node_at(const QPoint& point) const {
  const IcicleBox* b = box_at(point);
  return b != nullptr ? b->node : kNoIndex;
}

void IcicleView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton) {
    if (root_ != kNoIndex) zoom_to(document_->latest().node(root_).parent);
    return;
  }
  const Index n = node_at(event->position().toPoint());
  if (n == kNoIndex) return;
  selected_ = n;
  update();
  clicked_ = n;
  click_timer_->start(QApplication::doubleClickInterval());
}

void IcicleView::mouseDoubleClickEvent(QMouseEvent* event) {
  click_timer_->stop();  // the first click's selection is not sent
  clicked_ = kNoIndex;
  const Index n = node_at(event->position().toPoint());
  if (n != kNoIndex) zoom_to(n);
}

void IcicleView::keyPressEvent(QKeyEvent* event) {
  if ((event->key() == Qt::Key_Backspace || event->key() == Qt::Key_Escape) && root_ != kNoIndex && document_) {
    zoom_to(document_->latest().node(root_).parent);
    return;
  }
  QWidget::keyPressEvent(event);
}

bool IcicleView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip && document_) {
    auto* help = static_cast<QHelpEvent*>(event);
    const IcicleBox* b = box_at(help->pos());
    if (b == nullptr) {
      QToolTip::hideText();
      return true;
    }
    const an::Analysis& a = document_->latest();
    const Index n = b->node;
    const double heap = static_cast<double>(a.summary.heap_inuse_bytes);
    QString tip = b->contexts > 1 ? tr("%1 contexts like %2").arg(count_text(b->contexts), context_text(a, n)) : context_text(a, n);
    tip += QStringLiteral("\n") + tr("created at %1").arg(site_text(a, n));
    tip += QStringLiteral("\n") + tr("subtree in use %1 (%2 of the heap)")
                                      .arg(bytes_text(b->inuse_bytes), share_text(heap == 0 ? 0.0 : static_cast<double>(b->inuse_bytes) / heap));
    if (b->stale > 0) tip += QStringLiteral("\n") + tr("%1 stale").arg(count_text(b->stale));
    if (b->kept_alive > 0) tip += QStringLiteral("\n") + tr("%1 kept alive only by stale entries").arg(count_text(b->kept_alive));
    // The reason: the entry's own for one context, its stale group's sentence for a merged box.
    if (b->first_stale != kNoIndex && a.node(b->first_stale).stale) {
      const an::StaleChild& s = a.findings.stale[a.findings.stale_of_context[b->first_stale]];
      const bool one = b->contexts == 1 && b->first_stale == n;
      if (!one && s.group != kNoIndex) tip += QStringLiteral("\n\n") + qstr(an::describe(a, a.stale_groups[s.group]));
      else tip += QStringLiteral("\n\n") + qstr(an::describe(a, s));
    }
    QToolTip::showText(help->globalPos(), tip, this);
    return true;
  }
  return QWidget::event(event);
}

}  // namespace ctxheap::gui
