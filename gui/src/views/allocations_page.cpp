#include "views/allocations_page.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include "charts/flame_view.hpp"
#include "models/text.hpp"

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
                           "its callers below. Caller/Callee: one function's callers and callees. Flame graph: "
                           "the top-down tree as boxes as wide as their bytes; a search highlights."));
  search_ = new QLineEdit(this);
  search_->setObjectName(QStringLiteral("allocationsSearch"));
  search_->setPlaceholderText(tr("Search functions…"));
  search_->setClearButtonEnabled(true);
  search_->setToolTip(tr("Keep the stacks through a function whose name contains this text"));
  search_timer_ = new QTimer(this);
  search_timer_->setSingleShot(true);
  search_timer_->setInterval(250);
  measure_box_ = new QComboBox(this);
  measure_box_->setObjectName(QStringLiteral("allocationsMeasure"));
  measure_box_->addItems({tr("In use"), tr("Allocated")});
  measure_box_->setToolTip(tr("In use: what the heap still holds. Allocated: everything allocated, freed or not."));
  all_frames_ = new QCheckBox(tr("All frames"), this);
  all_frames_->setObjectName(QStringLiteral("allocationsAllFrames"));
  all_frames_->setToolTip(tr("Show standard-library, allocator and runtime frames and full template arguments "
                             "(folded away by default, as in the reports)"));
  summary_ = new QLabel(this);
  summary_->setTextFormat(Qt::PlainText);
  summary_->setContentsMargins(4, 2, 4, 2);

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
  rebuild();
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
  rebuild();
}

void AllocationsPage::rebuild() {
  stacks_.reset();
  source_.reset();
  if (document_) {
    const auto& source = document_->allocation_stacks(detail_);
    source_ = source;
    const QByteArray needle = search_text_.trimmed().toUtf8();
    stacks_ = needle.isEmpty() ? source
                               : std::make_shared<const an::AllocationStacks>(
                                     source->filtered(std::string_view(needle.constData(), static_cast<std::size_t>(needle.size()))));
  }
  flame_->set_search(search_text_);
  flame_->set_stacks(source_);
  refresh_models();
}

void AllocationsPage::refresh_models() {
  const bool tree = view_ == View::TopDown || view_ == View::BottomUp;
  stack_->setCurrentIndex(tree ? 0 : view_ == View::CallerCallee ? 1 : 2);
  flame_->set_measure(measure_);
  tree_model_->set_source(tree ? stacks_ : nullptr,
                          view_ == View::BottomUp ? AllocTreeModel::Mode::BottomUp : AllocTreeModel::Mode::TopDown, measure_);
  functions_model_->set_source(view_ == View::CallerCallee ? stacks_ : nullptr, AllocTreeModel::Mode::Functions, measure_);
  callers_model_->set_source(nullptr, AllocTreeModel::Mode::Callers, measure_);
  callees_model_->set_source(nullptr, AllocTreeModel::Mode::Callees, measure_);
  focus_label_->setText(tr("Select a function to see its callers and callees"));
  if (tree) {
    // Open the first rows down the largest path, as far as one child leads.
    QModelIndex at;
    for (int depth = 0; depth < 12; ++depth) {
      if (tree_model_->canFetchMore(at)) tree_model_->fetchMore(at);
      if (tree_model_->rowCount(at) == 0) break;
      if (at.isValid()) tree_->expand(at);
      at = tree_model_->index(0, 0, at);
      if (tree_model_->rowCount(at.parent()) > 1 && depth > 0) break;
    }
  } else if (view_ == View::CallerCallee) {
    if (functions_model_->canFetchMore({})) functions_model_->fetchMore({});
    if (functions_model_->rowCount() > 0) functions_->setCurrentIndex(functions_model_->index(0, 0));
  }
  update_summary();
}

void AllocationsPage::show_function(const QModelIndex& index) {
  const auto f = functions_model_->function_at(index);
  if (!f || !stacks_) {
    callers_model_->set_source(nullptr, AllocTreeModel::Mode::Callers, measure_);
    callees_model_->set_source(nullptr, AllocTreeModel::Mode::Callees, measure_);
    return;
  }
  callers_model_->set_source(stacks_, AllocTreeModel::Mode::Callers, measure_, *f);
  callees_model_->set_source(stacks_, AllocTreeModel::Mode::Callees, measure_, *f);
  focus_label_->setText(tr("Callers (above) and callees (below) of %1").arg(qstr(stacks_->function_name(*f))));
}

void AllocationsPage::update_summary() {
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
