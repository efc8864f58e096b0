#include "views/allocations_page.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <QFutureWatcher>

#include <utility>

#include "charts/flame_view.hpp"
#include "loading/release_document.hpp"
#include "models/text.hpp"
#include "views/frame_controls.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

namespace {

QTreeView* make_view(QWidget* parent, AllocTreeModel* model, const QString& name, bool tree) {
  auto* v = new QTreeView(parent);
  v->setObjectName(name);
  v->setModel(model);
  v->setUniformRowHeights(true);
  v->setAlternatingRowColors(true);
  v->setRootIsDecorated(tree);
  v->header()->setStretchLastSection(false);
  v->header()->setSectionResizeMode(AllocTreeModel::FunctionColumn, QHeaderView::Stretch);
  for (int c = AllocTreeModel::TotalColumn; c < AllocTreeModel::ColumnCount; ++c) v->setColumnWidth(c, 130);
  return v;
}

}  // namespace

AllocationsPage::AllocationsPage(QWidget* parent) : QWidget(parent) {
  view_box_ = new QComboBox(this);
  view_box_->setObjectName(QStringLiteral("allocationsView"));
  view_box_->addItems({tr("Top-down"), tr("Bottom-up"), tr("Caller/Callee"), tr("Flame graph")});
  view_box_->setToolTip(tr("Top-down: callers above callees, from main. Bottom-up: the allocating function first, "
                           "its callers below. Caller/Callee: one function's callers and callees."));
  search_ = function_search_box(QStringLiteral("allocationsSearch"),
                                tr("Keep the stacks through a function whose name contains this text"), this);
  search_timer_ = new QTimer(this);
  search_timer_->setSingleShot(true);
  search_timer_->setInterval(250);
  measure_box_ = new QComboBox(this);
  measure_box_->setObjectName(QStringLiteral("allocationsMeasure"));
  measure_box_->addItems({tr("In use"), tr("Allocated")});
  measure_box_->setToolTip(tr("In use: what the heap still holds. Allocated: everything allocated, freed or not."));
  all_frames_ = all_frames_box(QStringLiteral("allocationsAllFrames"), this);
  summary_ = new QLabel(this);
  summary_->setTextFormat(Qt::PlainText);
  summary_->setContentsMargins(4, 2, 4, 2);
  busy_bar_ = new QProgressBar(this);
  busy_bar_->setObjectName(QStringLiteral("allocationsBusy"));
  busy_bar_->setRange(0, 0);  // indeterminate: the worker reports no progress
  busy_bar_->setMaximumWidth(120);
  busy_bar_->setTextVisible(false);
  busy_bar_->setToolTip(tr("Computing the allocation view…"));
  busy_bar_->hide();

  tree_model_ = new AllocTreeModel(this);
  functions_model_ = new AllocTreeModel(this);
  callers_model_ = new AllocTreeModel(this);
  callees_model_ = new AllocTreeModel(this);
  tree_ = make_view(this, tree_model_, QStringLiteral("allocationsTree"), true);
  functions_ = make_view(this, functions_model_, QStringLiteral("allocationsFunctions"), false);
  callers_ = make_view(this, callers_model_, QStringLiteral("allocationsCallers"), false);
  callees_ = make_view(this, callees_model_, QStringLiteral("allocationsCallees"), false);
  focus_label_ = new QLabel(tr("Select a function to see its callers and callees"), this);
  focus_label_->setTextFormat(Qt::PlainText);
  focus_label_->setContentsMargins(4, 2, 4, 2);

  auto* sides = new QWidget(this);
  auto* sides_layout = new QVBoxLayout(sides);
  sides_layout->setContentsMargins(0, 0, 0, 0);
  auto* edges = new QSplitter(Qt::Vertical, sides);
  edges->addWidget(callers_);
  edges->addWidget(callees_);
  sides_layout->addWidget(focus_label_);
  sides_layout->addWidget(edges, 1);
  auto* caller_callee = new QSplitter(Qt::Horizontal, this);
  caller_callee->addWidget(functions_);
  caller_callee->addWidget(sides);
  caller_callee->setStretchFactor(0, 1);
  caller_callee->setStretchFactor(1, 1);

  flame_ = new FlameView(this);
  flame_reset_ = new QPushButton(tr("Reset zoom"), this);
  flame_reset_->setObjectName(QStringLiteral("allocationsFlameReset"));
  flame_reset_->setToolTip(tr("Show every stack again (as does a double-click or Escape)"));
  flame_reset_->setEnabled(false);
  auto* flame_page = new QWidget(this);
  auto* flame_layout = new QVBoxLayout(flame_page);
  flame_layout->setContentsMargins(0, 0, 0, 0);
  auto* flame_bar = new QHBoxLayout();
  flame_bar->setContentsMargins(4, 0, 4, 0);
  flame_bar->addStretch(1);
  flame_bar->addWidget(flame_reset_);
  flame_layout->addLayout(flame_bar);
  flame_layout->addWidget(flame_, 1);

  stack_ = new QStackedWidget(this);
  stack_->addWidget(tree_);
  stack_->addWidget(caller_callee);
  stack_->addWidget(flame_page);

  auto* bar = new QHBoxLayout();
  bar->setContentsMargins(4, 4, 4, 0);
  bar->addWidget(new QLabel(tr("View:"), this));
  bar->addWidget(view_box_);
  bar->addWidget(search_, 1);
  bar->addWidget(measure_box_);
  bar->addWidget(all_frames_);
  bar->addWidget(busy_bar_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(bar);
  layout->addWidget(summary_);
  layout->addWidget(stack_, 1);

  connect(view_box_, &QComboBox::currentIndexChanged, this, [this](int v) { set_view(static_cast<View>(v)); });
  connect(measure_box_, &QComboBox::currentIndexChanged, this, [this](int m) {
    set_measure(m == 0 ? an::AllocMeasure::InUse : an::AllocMeasure::Allocated);
  });
  connect(all_frames_, &QCheckBox::toggled, this, [this](bool all) { set_all_frames(all); });
  connect(search_, &QLineEdit::textChanged, search_timer_, qOverload<>(&QTimer::start));
  connect(search_timer_, &QTimer::timeout, this, [this] {
    if (search_->text() != search_text_) set_search(search_->text());
  });
  connect(flame_reset_, &QPushButton::clicked, flame_, &FlameView::reset_zoom);
  connect(flame_, &FlameView::zoomChanged, this, [this] { flame_reset_->setEnabled(!flame_->zoom_path().empty()); });
  connect(functions_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& index) { show_function(index); });
  rebuild();
}

void AllocationsPage::set_document(const std::shared_ptr<const Document>& document) {
  document_ = document;
  rebuild();
}

void AllocationsPage::set_view(View view) {
  if (view_box_->currentIndex() != static_cast<int>(view)) {
    view_box_->setCurrentIndex(static_cast<int>(view));  // comes back here
    return;
  }
  view_ = view;
  refresh_models();
}

void AllocationsPage::set_search(const QString& text) {
  search_timer_->stop();
  if (search_->text() != text) {
    const QSignalBlocker block(search_);
    search_->setText(text);
  }
  search_text_ = text;
  refresh_models();
}

void AllocationsPage::set_measure(an::AllocMeasure measure) {
  const int i = measure == an::AllocMeasure::InUse ? 0 : 1;
  if (measure_box_->currentIndex() != i) {
    measure_box_->setCurrentIndex(i);
    return;
  }
  measure_ = measure;
  refresh_models();
}

void AllocationsPage::set_all_frames(bool all) {
  if (all_frames_->isChecked() != all) {
    all_frames_->setChecked(all);
    return;
  }
  detail_ = all ? an::FrameDetail::All : an::FrameDetail::Folded;
  refresh_models();
}

void AllocationsPage::rebuild() {
  // Rows of the previous document go at once; the new ones arrive with the answer.
  stacks_.reset();
  stacks_source_.reset();
  stacks_needle_.clear();
  tree_model_->set_source(nullptr, AllocTreeModel::Mode::TopDown, measure_);
  functions_model_->set_source(nullptr, AllocTreeModel::Mode::Functions, measure_);
  callers_model_->set_source(nullptr, AllocTreeModel::Mode::Callers, measure_);
  callees_model_->set_source(nullptr, AllocTreeModel::Mode::Callees, measure_);
  refresh_models();
}

void AllocationsPage::refresh_models() {
  // The flame graph draws the unfiltered stacks (a search highlights there) on the UI
  // thread, laid out for the window only: nothing to wait for.
  flame_->set_stacks(document_ ? document_->allocation_stacks(detail_) : nullptr);
  flame_->set_measure(measure_);
  if (view_ == View::FlameGraph) stack_->setCurrentIndex(2);
  const std::uint64_t generation = ++generation_;
  ++edges_generation_;  // a caller/callee asked before is about rows being replaced
  edges_pending_ = false;
  if (!document_) {
    pending_ = false;
    apply(generation, AllocAnswer{});
    return;
  }
  AllocQuery query;
  query.source = document_->allocation_stacks(detail_);
  const QByteArray needle = search_text_.trimmed().toUtf8();
  query.needle.assign(needle.constData(), static_cast<std::size_t>(needle.size()));
  if (stacks_ && stacks_source_ == query.source && stacks_needle_ == query.needle) query.filtered = stacks_;
  query.rows = view_ == View::TopDown || view_ == View::FlameGraph ? AllocQuery::Rows::TopDown
               : view_ == View::BottomUp ? AllocQuery::Rows::BottomUp
                                         : AllocQuery::Rows::Functions;
  query.measure = measure_;
  // The flame graph's search highlights; its matches are found with the rows.
  if (view_ == View::FlameGraph) query.highlight_in = query.source;
  asked_source_ = query.source;
  asked_needle_ = query.needle;
  pending_ = true;
  future_ = QtConcurrent::run([query] { return answer_alloc_query(query); });
  auto* watcher = new QFutureWatcher<AllocAnswer>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    // Only the newest question's answer shows; settle() may have shown it already.
    if (generation == generation_ && pending_) apply(generation, watcher->future().takeResult());
  });
  watcher->setFuture(future_);
  update_busy();
  // The summary tells what the rows show: it changes with them, when the answer arrives.
  if (!stacks_) update_summary();
}

void AllocationsPage::settle() {
  while (busy()) {
    if (pending_) {
      future_.waitForFinished();
      apply(generation_, future_.takeResult());
    } else {
      edges_future_.waitForFinished();
      apply_edges(edges_generation_, edges_future_.takeResult());
    }
  }
}

void AllocationsPage::apply(std::uint64_t generation, AllocAnswer answer) {
  if (generation != generation_) return;
  pending_ = false;
  // The stacks of a previous search are freed on a worker once the models let go of them.
  std::shared_ptr<const an::AllocationStacks> previous = std::exchange(stacks_, std::move(answer.stacks));
  stacks_source_ = asked_source_;
  stacks_needle_ = asked_needle_;
  if (answer.highlighted) flame_->set_matches(search_text_, *answer.highlighted);
  const bool tree = view_ != View::CallerCallee;  // the flame graph's summary is the top-down answer's
  stack_->setCurrentIndex(view_ == View::FlameGraph ? 2 : tree ? 0 : 1);
  const auto mode = view_ == View::BottomUp ? AllocTreeModel::Mode::BottomUp : AllocTreeModel::Mode::TopDown;
  if (tree) {
    tree_model_->set_rows(stacks_, mode, measure_, std::move(answer.rows));
    functions_model_->set_source(nullptr, AllocTreeModel::Mode::Functions, measure_);
  } else {
    tree_model_->set_source(nullptr, mode, measure_);
    functions_model_->set_rows(stacks_, AllocTreeModel::Mode::Functions, measure_, std::move(answer.rows));
  }
  if (answer.first_edges) {
    const an::FunctionId f = answer.first_edges->function.function;
    callers_model_->set_rows(stacks_, AllocTreeModel::Mode::Callers, measure_, std::move(answer.first_edges->callers), f);
    callees_model_->set_rows(stacks_, AllocTreeModel::Mode::Callees, measure_, std::move(answer.first_edges->callees), f);
    focus_label_->setText(tr("Callers (above) and callees (below) of %1").arg(qstr(stacks_->function_name(f))));
  } else {
    callers_model_->set_source(nullptr, AllocTreeModel::Mode::Callers, measure_);
    callees_model_->set_source(nullptr, AllocTreeModel::Mode::Callees, measure_);
    focus_label_->setText(tr("Select a function to see its callers and callees"));
  }
  if (tree) {
    // Open the first rows down the largest path, as far as one child leads (each step
    // costs the analyzer the number of children, not the stacks under them).
    QModelIndex at;
    for (int depth = 0; depth < 12; ++depth) {
      if (tree_model_->canFetchMore(at)) tree_model_->fetchMore(at);
      if (tree_model_->rowCount(at) == 0) break;
      if (at.isValid()) tree_->expand(at);
      at = tree_model_->index(0, 0, at);
      if (tree_model_->rowCount(at.parent()) > 1 && depth > 0) break;
    }
  } else {
    if (functions_model_->canFetchMore({})) functions_model_->fetchMore({});
    // Selecting the first function shows the callers and callees answered with it.
    if (functions_model_->rowCount() > 0) functions_->setCurrentIndex(functions_model_->index(0, 0));
  }
  release_in_background(std::move(previous));  // the last reference, when a search's
  update_busy();
  update_summary();
  Q_EMIT answered();
}

void AllocationsPage::show_function(const QModelIndex& index) {
  const auto f = functions_model_->function_at(index);
  const auto& stacks = functions_model_->stacks();
  const std::uint64_t generation = ++edges_generation_;
  edges_pending_ = false;
  if (!f || !stacks) {
    callers_model_->set_source(nullptr, AllocTreeModel::Mode::Callers, measure_);
    callees_model_->set_source(nullptr, AllocTreeModel::Mode::Callees, measure_);
    update_busy();
    return;
  }
  if (callers_model_->stacks() == stacks && callers_model_->focus() == *f) {  // answered with the rows
    update_busy();
    return;
  }
  focus_label_->setText(tr("Callers and callees of %1: computing…").arg(qstr(stacks->function_name(*f))));
  edges_pending_ = true;
  edges_future_ = QtConcurrent::run([stacks, function = *f, measure = measure_] { return stacks->caller_callee(function, measure); });
  auto* watcher = new QFutureWatcher<an::CallerCallee>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation == edges_generation_ && edges_pending_) apply_edges(generation, watcher->future().takeResult());
  });
  watcher->setFuture(edges_future_);
  update_busy();
}

void AllocationsPage::apply_edges(std::uint64_t generation, an::CallerCallee edges) {
  if (generation != edges_generation_) return;
  edges_pending_ = false;
  const auto& stacks = functions_model_->stacks();
  const an::FunctionId f = edges.function.function;
  callers_model_->set_rows(stacks, AllocTreeModel::Mode::Callers, measure_, std::move(edges.callers), f);
  callees_model_->set_rows(stacks, AllocTreeModel::Mode::Callees, measure_, std::move(edges.callees), f);
  if (stacks) focus_label_->setText(tr("Callers (above) and callees (below) of %1").arg(qstr(stacks->function_name(f))));
  update_busy();
  Q_EMIT answered();
}

void AllocationsPage::update_busy() { busy_bar_->setVisible(busy()); }

void AllocationsPage::update_summary() {
  if (document_ && !stacks_) {
    summary_->setText(tr("Computing the allocation views…"));
    return;
  }
  if (!document_ || !stacks_) {
    summary_->setText(tr("Open a snapshot, a gperftools heap dump or a Go heap profile to see where its heap was allocated"));
    return;
  }
  const an::SampleCounts t = stacks_->total();
  const QString mark = qstr(an::estimate_mark(*stacks_));
  QString text = tr("%1 allocation stacks: %2%3 in use in %4%5 objects, %2%6 allocated in %4%7 objects")
                     .arg(count_text(stacks_->stack_count()), mark, bytes_text(t.inuse_bytes), mark, count_text(t.inuse_objects),
                          bytes_text(t.alloc_bytes), count_text(t.alloc_objects));
  if (stacks_->estimated()) text += tr(" (≈ estimated from sampled allocations)");
  if (!search_text_.trimmed().isEmpty()) text += tr(" — stacks through a function matching “%1”").arg(search_text_.trimmed());
  if (stacks_->stack_count() == 0) {
    text = search_text_.trimmed().isEmpty() ? tr("This input has no allocation stacks")
                                            : tr("No allocation stack goes through a function matching “%1”").arg(search_text_.trimmed());
  }
  summary_->setText(text);
}

}  // namespace ctxheap::gui
