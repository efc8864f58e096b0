#include "views/stacks_panel.hpp"

#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

#include "models/roles.hpp"
#include "models/stack_model.hpp"
#include "models/text.hpp"
#include "views/frame_controls.hpp"
#include "views/source_viewer.hpp"

namespace ctxheap::gui {

StacksPanel::StacksPanel(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(tr("Select a context to see its creation and allocation stacks"), this);
  title_->setTextFormat(Qt::PlainText);
  title_->setContentsMargins(4, 2, 4, 2);
  model_ = new StackModel(this);
  view_ = new QTreeView(this);
  view_->setObjectName(QStringLiteral("stacksView"));
  view_->setModel(model_);
  view_->setUniformRowHeights(true);
  view_->setAlternatingRowColors(true);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->header()->setStretchLastSection(false);
  view_->header()->setSectionResizeMode(StackModel::Frame, QHeaderView::Stretch);
  view_->setColumnWidth(StackModel::Location, 200);
  view_->setColumnWidth(StackModel::Inuse, 150);
  view_->setColumnWidth(StackModel::Allocated, 150);
  view_->setColumnWidth(StackModel::Module, 160);
  all_frames_ = all_frames_box(QStringLiteral("allFrames"), this);
  auto* bar = new QHBoxLayout();
  bar->setContentsMargins(0, 0, 4, 0);
  bar->addWidget(title_, 1);
  bar->addWidget(all_frames_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(bar);
  layout->addWidget(view_);
  connect(all_frames_, &QCheckBox::toggled, this, [this](bool all) {
    model_->set_frame_detail(all ? analyzer::FrameDetail::All : analyzer::FrameDetail::Folded);
    view_->expandToDepth(0);
  });
  connect(view_, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) { open_frame(index); });
}

void StacksPanel::set_context(const std::shared_ptr<const Document>& document, analyzer::Index context) {
  model_->set_context(document, context);
  if (!document || context == analyzer::kNoIndex) {
    title_->setText(tr("Select a context to see its creation and allocation stacks"));
    return;
  }
  const analyzer::SubtreeStacks& s = model_->subtree();
  const QString who = context_text(document->latest(), context);
  if (s.contexts > 1)
    title_->setText(tr("Stacks of %1: its creation stack, and %2 sampled allocation stacks of it and the %3 contexts it "
                       "retains (%4 in use, estimated)%5")
                        .arg(who, count_text(s.distinct), count_text(s.contexts - 1), bytes_text(s.total.inuse_bytes),
                             s.distinct > s.stacks.size() ? tr(", the %1 largest shown").arg(count_text(s.stacks.size())) : QString()));
  else
    title_->setText(tr("Stacks of %1: its creation stack and %2 sampled allocation stacks (%3 in use, estimated)")
                        .arg(who, count_text(s.distinct), bytes_text(s.total.inuse_bytes)));
  view_->expandToDepth(0);
}

bool StacksPanel::open_frame(const QModelIndex& index) {
  const QString file = index.data(FileRole).toString();
  if (file.isEmpty()) return false;
  const int line = index.data(LineRole).toInt();
  if (!QFileInfo::exists(file) || !SourceViewer::open(this, file, line)) {
    Q_EMIT statusMessage(tr("%1 is not on this machine").arg(file));
    return false;
  }
  return true;
}

}  // namespace ctxheap::gui
