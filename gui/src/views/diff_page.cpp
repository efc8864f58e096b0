#include "views/diff_page.hpp"

#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "export/copy_rows.hpp"
#include "models/group_delta_model.hpp"
#include "models/parent_delta_model.hpp"
#include "models/roles.hpp"
#include "models/site_delta_model.hpp"
#include "models/text.hpp"
#include "views/alloc_diff_panel.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

DiffPage::DiffPage(QWidget* parent) : QWidget(parent) {
  headline_ = new QLabel(this);
  headline_->setTextFormat(Qt::RichText);
  headline_->setWordWrap(true);
  headline_->setContentsMargins(6, 6, 6, 6);
  groups_ = new GroupDeltaModel(this);
  parents_ = new ParentDeltaModel(this);
  sites_ = new SiteDeltaModel(this);
  groups_view_ = make_table(groups_, QStringLiteral("groupsView"));
  groups_view_->horizontalHeader()->setSectionResizeMode(GroupDeltaModel::Sentence, QHeaderView::Stretch);
  groups_view_->setWordWrap(false);
  groups_view_->setTextElideMode(Qt::ElideMiddle);
  parents_view_ = make_table(parents_, QStringLiteral("parentsView"));
  parents_view_->setColumnWidth(ParentDeltaModel::Parent, 260);
  sites_view_ = make_table(sites_, QStringLiteral("sitesView"));
  sites_view_->setColumnWidth(SiteDeltaModel::Site, 380);

  tables_ = new QTabWidget(this);
  tables_->addTab(parents_view_, tr("Parents"));
  tables_->addTab(sites_view_, tr("Creation sites"));
  allocations_ = new AllocDiffPanel(this);
  tables_->addTab(allocations_, tr("Allocation stacks"));
  auto* split = new QSplitter(Qt::Vertical, this);
  auto* groups_box = new QWidget(split);
  auto* groups_layout = new QVBoxLayout(groups_box);
  groups_layout->setContentsMargins(0, 0, 0, 0);
  auto* groups_title = new QLabel(tr("<b>Stale groups</b> &mdash; fixed, new and persisting"), groups_box);
  groups_layout->addWidget(groups_title);
  groups_layout->addWidget(groups_view_);
  split->addWidget(groups_box);
  split->addWidget(tables_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(headline_);
  layout->addWidget(split, 1);
  set_document(nullptr);
}

QTableView* DiffPage::make_table(QAbstractItemModel* model, const QString& name) {
  auto* proxy = new QSortFilterProxyModel(this);
  proxy->setSourceModel(model);
  proxy->setSortRole(SortRole);
  auto* view = new QTableView(this);
  view->setObjectName(name);
  view->setModel(proxy);
  view->setSortingEnabled(true);
  view->sortByColumn(-1, Qt::AscendingOrder);  // the analyzer's order until the user sorts
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  view->horizontalHeader()->setDefaultSectionSize(100);
  view->horizontalHeader()->setHighlightSections(false);
  return view;
}

void DiffPage::set_document(const std::shared_ptr<const Document>& document) {
  groups_->set_document(document);
  parents_->set_document(document);
  sites_->set_document(document);
  allocations_->set_document(document);
  for (QTableView* view : {groups_view_, parents_view_, sites_view_}) view->resizeColumnsToContents();
  groups_view_->horizontalHeader()->setSectionResizeMode(GroupDeltaModel::Sentence, QHeaderView::Stretch);
  parents_view_->setColumnWidth(ParentDeltaModel::Parent, std::max(parents_view_->columnWidth(ParentDeltaModel::Parent), 220));
  sites_view_->setColumnWidth(SiteDeltaModel::Site, std::min(sites_view_->columnWidth(SiteDeltaModel::Site), 460));
  const an::ProfileDiff* d = document ? document->diff() : nullptr;
  if (d == nullptr) {
    headline_->setText(tr("<p>No diff: open two or more snapshots of one run (File &gt; Open), or compare the open "
                          "snapshot with another run (File &gt; Compare With&hellip;).</p>"));
    return;
  }
  const an::Analysis& before = *document->diff_before();
  const an::Analysis& after = *document->diff_after();
  const auto name = [](const an::Analysis& a) { return QFileInfo(qstr(a.profile->meta.source_path)).fileName().toHtmlEscaped(); };
  const auto delta = [](std::uint64_t b, std::uint64_t a, bool bytes) {
    const std::int64_t v = a >= b ? static_cast<std::int64_t>(a - b) : -static_cast<std::int64_t>(b - a);
    const QString text = bytes ? delta_bytes_text(v) : delta_count_text(v);
    const QColor c = delta_color(v > 0 ? 1 : v < 0 ? -1 : 0);
    return c.isValid() ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(c.name(), text) : text;
  };
  // The match rule is the analyzer's answer, worded as the CLI's diff says it.
  QString html = tr("<b>Before</b> %1 &rarr; <b>after</b> %2 &nbsp;&middot;&nbsp; %3<br/>")
                     .arg(name(before), name(after), qstr(an::match_rule_text(*d)).toHtmlEscaped());
  html += tr("Heap in use %1 &rarr; %2 (%3) &nbsp;&middot;&nbsp; stale entries %4 &rarr; %5 (%6) &nbsp;&middot;&nbsp; "
             "stale groups: <span style=\"color:%7\">%8 fixed</span>, <span style=\"color:%9\">%10 new</span>, %11 persisting")
              .arg(bytes_text(d->heap_before.inuse_bytes()), bytes_text(d->heap_after.inuse_bytes()),
                   delta(d->heap_before.inuse_bytes(), d->heap_after.inuse_bytes(), true), count_text(d->stale_before),
                   count_text(d->stale_after), delta(d->stale_before, d->stale_after, false), delta_color(-1).name(),
                   count_text(d->count(an::GroupChange::Fixed)), delta_color(1).name())
              .arg(count_text(d->count(an::GroupChange::New)), count_text(d->count(an::GroupChange::Persisting)));
  headline_->setText(html);
}

void DiffPage::copy_selection() {
  for (QTableView* view : {groups_view_, parents_view_, sites_view_, allocations_->view()}) {
    if (!view->hasFocus()) continue;
    const QString text = rows_as_text(*view, view->selectionModel()->selectedIndexes());
    if (!text.isEmpty()) QApplication::clipboard()->setText(text);
  }
}

}  // namespace ctxheap::gui
