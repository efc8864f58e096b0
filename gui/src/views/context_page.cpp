#include "views/context_page.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

#include "delegates/ratio_bar_delegate.hpp"
#include "export/copy_rows.hpp"
#include "models/context_tree_model.hpp"
#include "models/text.hpp"
#include "settings/app_settings.hpp"
#include "views/stacks_panel.hpp"

namespace ctxheap::gui {

using analyzer::Index;
using analyzer::kNoIndex;

ContextPage::ContextPage(QWidget* parent) : QWidget(parent) {
  search_ = new QLineEdit(this);
  search_->setObjectName(QStringLiteral("search"));
  search_->setPlaceholderText(tr("Search id (#42), name, kind or creation site  (Ctrl+F)"));
  search_->setClearButtonEnabled(true);
  state_ = new QComboBox(this);
  state_->addItem(tr("Any state"), static_cast<int>(ContextFilter::State::Any));
  state_->addItem(tr("Live"), static_cast<int>(ContextFilter::State::Live));
  state_->addItem(tr("Ended"), static_cast<int>(ContextFilter::State::Ended));
  state_->addItem(tr("Cancelled"), static_cast<int>(ContextFilter::State::Cancelled));
  state_->addItem(tr("Expired"), static_cast<int>(ContextFilter::State::Expired));
  stale_only_ = new QCheckBox(tr("Stale only"), this);
  stale_only_->setToolTip(tr("Only stale child entries and their ancestors (Ctrl+Shift+S)"));
  count_ = new QLabel(this);
  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(150);
  auto* bar = new QHBoxLayout();
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(search_, 1);
  bar->addWidget(state_);
  bar->addWidget(stale_only_);
  bar->addWidget(count_);

  model_ = new ContextTreeModel(this);
  proxy_ = new ContextFilterProxy(this);
  proxy_->set_tree(model_);
  tree_ = new QTreeView(this);
  tree_->setObjectName(QStringLiteral("contextTree"));
  tree_->setModel(proxy_);
  tree_->setUniformRowHeights(true);
  tree_->setAlternatingRowColors(true);
  tree_->setTextElideMode(Qt::ElideMiddle);  // keep the file:line end of long sites
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->setSortingEnabled(true);
  tree_->header()->setSortIndicator(ContextTreeModel::Retained, Qt::DescendingOrder);
  tree_->header()->setSectionsMovable(true);
  tree_->header()->setContextMenuPolicy(Qt::CustomContextMenu);
  tree_->setItemDelegateForColumn(ContextTreeModel::Ratio, new RatioBarDelegate(tree_));
  reset_layout();

  stacks_ = new StacksPanel(this);
  splitter_ = new QSplitter(Qt::Vertical, this);
  auto* top = new QWidget(splitter_);
  auto* top_layout = new QVBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  top_layout->addLayout(bar);
  top_layout->addWidget(tree_);
  splitter_->addWidget(top);
  splitter_->addWidget(stacks_);
  splitter_->setStretchFactor(0, 3);
  splitter_->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(splitter_);

  connect(search_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
  connect(debounce_, &QTimer::timeout, this, &ContextPage::apply_filter);
  connect(state_, &QComboBox::currentIndexChanged, this, &ContextPage::apply_filter);
  connect(stale_only_, &QCheckBox::toggled, this, &ContextPage::apply_filter);
  connect(proxy_, &ContextFilterProxy::filterChanged, this, &ContextPage::update_count);
  connect(tree_->header(), &QHeaderView::customContextMenuRequested, this, &ContextPage::show_header_menu);
  connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
    const Index n = model_->node(proxy_->mapToSource(current));
    stacks_->set_context(document_, n);
    if (n != kNoIndex) Q_EMIT contextSelected(n);
  });
  connect(stacks_, &StacksPanel::statusMessage, this, &ContextPage::statusMessage);
  connect(tree_, &QTreeView::expanded, this, [this](const QModelIndex& i) { expanded_.insert(model_->node(proxy_->mapToSource(i))); });
  connect(tree_, &QTreeView::collapsed, this, [this](const QModelIndex& i) { expanded_.erase(model_->node(proxy_->mapToSource(i))); });
  // Made after the view's own connection (setSortingEnabled), so the rows are sorted by then.
  connect(tree_->header(), &QHeaderView::sortIndicatorChanged, this, [this] {
    if (tree_->currentIndex().isValid()) tree_->scrollTo(tree_->currentIndex(), QAbstractItemView::PositionAtCenter);
  });
  update_count();
}

void ContextPage::reset_layout() {
  static constexpr int widths[ContextTreeModel::ColumnCount] = {210, 92, 290, 150, 70, 85, 90, 105, 105, 85, 115, 85, 65};
  for (int c = 0; c < ContextTreeModel::ColumnCount; ++c) {
    tree_->setColumnWidth(c, widths[c]);
    tree_->header()->setSectionHidden(c, false);
  }
  tree_->header()->setSectionHidden(ContextTreeModel::SelfObjects, true);
  tree_->header()->setSectionHidden(ContextTreeModel::SubtreeObjects, true);
  if (splitter_ != nullptr) splitter_->setSizes({3 * height() / 4, height() / 4});
}

void ContextPage::save_layout() const {
  AppSettings::set_layout(QStringLiteral("tree/header"), tree_->header()->saveState());
  AppSettings::set_layout(QStringLiteral("tree/splitter"), splitter_->saveState());
}

void ContextPage::restore_layout() {
  const QByteArray header = AppSettings::layout(QStringLiteral("tree/header"));
  if (!header.isEmpty()) tree_->header()->restoreState(header);
  const QByteArray split = AppSettings::layout(QStringLiteral("tree/splitter"));
  if (!split.isEmpty()) splitter_->restoreState(split);
}

void ContextPage::show_header_menu(const QPoint& pos) {
  QMenu menu(this);
  for (int c = 0; c < ContextTreeModel::ColumnCount; ++c) {
    QAction* a = menu.addAction(model_->headerData(c, Qt::Horizontal).toString());
    a->setCheckable(true);
    a->setChecked(!tree_->header()->isSectionHidden(c));
    a->setEnabled(c != ContextTreeModel::Name);
    connect(a, &QAction::toggled, this, [this, c](bool on) { tree_->header()->setSectionHidden(c, !on); });
  }
  menu.exec(tree_->header()->mapToGlobal(pos));
}

void ContextPage::set_document(const std::shared_ptr<const Document>& document) {
  document_ = document;
  expanded_.clear();
  stacks_->set_context(document, kNoIndex);
  proxy_->set_document(document);  // the document and the filter's view of it, in one reset
  if (!document) return;
  // Open on the leak: the top suspect's first stale entry, else the first set one profile
  // cannot decide (an in-flight set), else the roots.
  const analyzer::Analysis& a = document->latest();
  if (!a.suspects.empty() && a.stale_groups[a.suspects.front().group].first_entry != kNoIndex) {
    select_context(a.stale_groups[a.suspects.front().group].first_entry);
  } else if (!a.findings.in_flight.empty()) {
    select_context(a.findings.in_flight.front().context);
  } else {
    tree_->expandToDepth(0);
  }
}

void ContextPage::apply_filter() {
  ContextFilter f;
  f.text = search_->text();
  f.state = static_cast<ContextFilter::State>(state_->currentData().toInt());
  f.stale_only = stale_only_->isChecked();
  const Index keep = current_context();
  proxy_->set_filter(f);  // resets the tree; expanded_ still holds what the user expanded
  restore_expansion(std::unordered_set<Index>(expanded_));
  if (f.active()) tree_->expandToDepth(1);
  if (document_ && keep != kNoIndex && (!f.active() || context_matches(document_->latest(), keep, f))) select_context(keep);
}

void ContextPage::set_filter(const ContextFilter& filter) {
  {
    const QSignalBlocker b1(search_), b2(state_), b3(stale_only_);
    search_->setText(filter.text);
    state_->setCurrentIndex(state_->findData(static_cast<int>(filter.state)));
    stale_only_->setChecked(filter.stale_only);
  }
  apply_filter();
}

void ContextPage::update_count() {
  if (!document_) {
    count_->clear();
    return;
  }
  const std::uint64_t total = document_->latest().forest.size();
  count_->setText(proxy_->filter().active() ? tr("%1 of %2 contexts match").arg(count_text(proxy_->matches()), count_text(total))
                                            : tr("%1 contexts").arg(count_text(total)));
}

void ContextPage::select_context(Index context) {
  if (!document_ || context >= document_->latest().forest.size()) return;
  if (proxy_->filter().active() && !context_matches(document_->latest(), context, proxy_->filter())) {
    // Shown only as an ancestor? Fine. Hidden altogether: drop the filter.
    const QModelIndex probe = proxy_->mapFromSource(model_->index_of(context));
    if (!probe.isValid()) set_filter({});
  }
  const QModelIndex index = proxy_->mapFromSource(model_->index_of(context));
  if (!index.isValid()) return;
  for (QModelIndex p = index.parent(); p.isValid(); p = p.parent()) tree_->expand(p);
  tree_->setCurrentIndex(index);
  // Show its ancestors too when the row fits on the page below its root.
  QModelIndex root = index;
  while (root.parent().isValid()) root = root.parent();
  tree_->scrollTo(root, QAbstractItemView::PositionAtTop);
  if (!tree_->viewport()->rect().contains(tree_->visualRect(index))) tree_->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void ContextPage::restore_expansion(const std::unordered_set<Index>& nodes) {
  if (!document_) return;
  for (const Index n : nodes) {
    if (n == kNoIndex || !model_->shown(n)) continue;
    const QModelIndex i = proxy_->mapFromSource(model_->index_of(n));
    if (i.isValid()) tree_->expand(i);
  }
}

Index ContextPage::current_context() const { return model_->node(proxy_->mapToSource(tree_->currentIndex())); }

void ContextPage::focus_search() {
  search_->setFocus(Qt::ShortcutFocusReason);
  search_->selectAll();
}

void ContextPage::copy_selection() {
  QAbstractItemView* view = stacks_->view()->hasFocus() ? static_cast<QAbstractItemView*>(stacks_->view()) : tree_;
  const QString text = rows_as_text(*view, view->selectionModel()->selectedIndexes());
  if (!text.isEmpty()) QApplication::clipboard()->setText(text);
}

}  // namespace ctxheap::gui
