#include "views/alloc_diff_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QFutureWatcher>
#include <QLineEdit>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <utility>

#include "loading/release_document.hpp"
#include "models/alloc_delta_model.hpp"
#include "models/roles.hpp"
#include "models/text.hpp"
#include "views/frame_controls.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

AllocDiffPanel::AllocDiffPanel(QWidget* parent) : QWidget(parent) {
  search_ = function_search_box(QStringLiteral("allocDiffSearch"),
                                tr("Compare only the stacks through a function whose name contains this text"), this);
  search_timer_ = new QTimer(this);
  search_timer_->setSingleShot(true);
  search_timer_->setInterval(250);
  rows_box_ = new QComboBox(this);
  rows_box_->setObjectName(QStringLiteral("allocDiffRows"));
  rows_box_->addItems({tr("Stacks"), tr("Functions")});
  rows_box_->setToolTip(tr("Stacks: each folded allocation stack that changed. Functions: each function's inclusive change."));
  all_frames_ = all_frames_box(QStringLiteral("allocDiffAllFrames"), this);
  summary_ = new QLabel(this);
  summary_->setTextFormat(Qt::PlainText);
  summary_->setWordWrap(true);
  busy_bar_ = new QProgressBar(this);
  busy_bar_->setObjectName(QStringLiteral("allocDiffBusy"));
  busy_bar_->setRange(0, 0);  // indeterminate: the worker reports no progress
  busy_bar_->setMaximumWidth(120);
  busy_bar_->setTextVisible(false);
  busy_bar_->setToolTip(tr("Comparing the allocation stacks…"));
  busy_bar_->hide();
  model_ = new AllocDeltaModel(this);
  auto* proxy = new QSortFilterProxyModel(this);
  proxy->setSourceModel(model_);
  proxy->setSortRole(SortRole);
  view_ = new QTableView(this);
  view_->setObjectName(QStringLiteral("allocDiffView"));
  view_->setModel(proxy);
  view_->setSortingEnabled(true);
  view_->sortByColumn(-1, Qt::AscendingOrder);  // the analyzer's order until the user sorts
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->setTextElideMode(Qt::ElideLeft);  // the leaf end of a long stack stays readable
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setHighlightSections(false);
  view_->horizontalHeader()->setStretchLastSection(false);
  view_->horizontalHeader()->setSectionResizeMode(AllocDeltaModel::Name, QHeaderView::Stretch);
  for (int c = AllocDeltaModel::InuseBefore; c < AllocDeltaModel::ColumnCount; ++c) view_->setColumnWidth(c, 110);

  auto* bar = new QHBoxLayout();
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(rows_box_);
  bar->addWidget(search_, 1);
  bar->addWidget(all_frames_);
  bar->addWidget(busy_bar_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 4, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(summary_);
  layout->addWidget(view_, 1);

  connect(rows_box_, &QComboBox::currentIndexChanged, this, [this](int i) { set_functions(i == 1); });
  connect(all_frames_, &QCheckBox::toggled, this, [this](bool all) { set_all_frames(all); });
  connect(search_, &QLineEdit::textChanged, search_timer_, qOverload<>(&QTimer::start));
  connect(search_timer_, &QTimer::timeout, this, [this] {
    if (search_->text() != search_text_) set_search(search_->text());
  });
  rebuild();
}

void AllocDiffPanel::set_document(const std::shared_ptr<const Document>& document) {
  document_ = document;
  rebuild();
}

void AllocDiffPanel::set_search(const QString& text) {
  search_timer_->stop();
  if (search_->text() != text) {
    const QSignalBlocker block(search_);
    search_->setText(text);
  }
  search_text_ = text;
  refresh();
}

void AllocDiffPanel::set_all_frames(bool all) {
  if (all_frames_->isChecked() != all) {
    all_frames_->setChecked(all);  // comes back here
    return;
  }
  detail_ = all ? an::FrameDetail::All : an::FrameDetail::Folded;
  rebuild();
}

void AllocDiffPanel::set_functions(bool functions) {
  if (rows_box_->currentIndex() != (functions ? 1 : 0)) {
    rows_box_->setCurrentIndex(functions ? 1 : 0);  // comes back here
    return;
  }
  functions_ = functions;
  // The answer has both lists: switching shows the other one, nothing to ask.
  if (pending_) return;
  model_->set_diff(diff_ ? document_ : nullptr, diff_, functions_ ? AllocDeltaModel::Mode::Functions : AllocDeltaModel::Mode::Stacks);
  update_summary();
}

void AllocDiffPanel::rebuild() {
  before_.reset();
  after_.reset();
  refresh();
}

void AllocDiffPanel::refresh() {
  const std::uint64_t generation = ++generation_;
  if (!document_ || document_->diff() == nullptr) {
    pending_ = true;
    apply(generation, AllocDiffAnswer{});
    return;
  }
  AllocDiffQuery query;
  query.document = document_;
  query.detail = detail_;
  const QByteArray needle = search_text_.trimmed().toUtf8();
  query.needle.assign(needle.constData(), static_cast<std::size_t>(needle.size()));
  query.before = before_;
  query.after = after_;
  pending_ = true;
  future_ = QtConcurrent::run([query] { return answer_alloc_diff_query(query); });
  auto* watcher = new QFutureWatcher<AllocDiffAnswer>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    // Only the newest question's answer shows; settle() may have shown it already.
    if (generation == generation_ && pending_) apply(generation, watcher->future().takeResult());
  });
  watcher->setFuture(future_);
  busy_bar_->show();
  // The previous rows stay usable until the answer arrives, unless they are another document's.
  if (model_->document() != document_.get()) {
    diff_.reset();
    model_->set_diff(nullptr, nullptr, AllocDeltaModel::Mode::Stacks);
    summary_->setText(tr("Comparing the allocation stacks…"));
  }
}

void AllocDiffPanel::settle() {
  if (!pending_) return;
  future_.waitForFinished();
  apply(generation_, future_.takeResult());
}

void AllocDiffPanel::apply(std::uint64_t generation, AllocDiffAnswer answer) {
  if (generation != generation_ || !pending_) return;
  pending_ = false;
  busy_bar_->hide();
  // What is replaced is freed on a worker: a million stacks' names are millions of strings.
  auto old_before = std::exchange(before_, std::move(answer.before));
  auto old_after = std::exchange(after_, std::move(answer.after));
  auto old_diff = std::exchange(diff_, std::move(answer.diff));
  shown_search_ = search_text_.trimmed();
  model_->set_diff(diff_ ? document_ : nullptr, diff_, functions_ ? AllocDeltaModel::Mode::Functions : AllocDeltaModel::Mode::Stacks);
  release_in_background(std::move(old_diff));
  release_in_background(std::move(old_before));
  release_in_background(std::move(old_after));
  update_summary();
  Q_EMIT answered();
}

void AllocDiffPanel::update_summary() {
  const std::shared_ptr<const an::AllocationDiff>& diff = diff_;
  if (!diff) {
    summary_->setText(tr("Open two inputs to compare their allocation stacks"));
    return;
  }
  const QString mark = diff->estimated ? QStringLiteral("≈") : QString();
  const auto shown = [&](std::uint64_t bytes, std::uint64_t objects) {
    return diff->objects_only ? tr("%1 goroutines").arg(count_text(objects)) : mark + bytes_text(bytes);
  };
  const std::int64_t change = diff->objects_only ? an::signed_change(diff->total_before.inuse_objects, diff->total_after.inuse_objects)
                                                 : an::signed_change(diff->total_before.inuse_bytes, diff->total_after.inuse_bytes);
  const QString stacks = diff->stacks.size() == 1 ? tr("1 allocation stack") : tr("%1 allocation stacks").arg(count_text(diff->stacks.size()));
  const QString functions = diff->functions.size() == 1 ? tr("1 function") : tr("%1 functions").arg(count_text(diff->functions.size()));
  QString text = tr("%1 and %2 changed; in use %3 → %4 (%5)")
                     .arg(stacks, functions,
                          shown(diff->total_before.inuse_bytes, diff->total_before.inuse_objects),
                          shown(diff->total_after.inuse_bytes, diff->total_after.inuse_objects),
                          diff->objects_only ? delta_count_text(change) : delta_bytes_text(change));
  if (!shown_search_.isEmpty()) text += tr(" — stacks through a function matching “%1”").arg(shown_search_);
  if (model_->total_rows() > static_cast<std::size_t>(AllocDeltaModel::kMaxRows))
    text += tr(" (the %1 largest changes listed)").arg(count_text(AllocDeltaModel::kMaxRows));
  summary_->setText(text);
}

}  // namespace ctxheap::gui
