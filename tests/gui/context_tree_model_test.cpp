// ContextTreeModel against the analyzer's retention forest: shape, sums, sorting, lazy
// population and the stale highlight.
#include <QAbstractItemModelTester>
#include <QColor>
#include <QtTest>

// Qt 6.4's QAbstractItemModelTester runs its checks (which fetch more rows) while a model
// reset or an insertion is still in flight and then flags its own fetch as a nested
// change, so each tester here is attached after set_document() to fully fetched parents.

#include "gui_test_support.hpp"
#include "models/context_tree_model.hpp"

using namespace ctxheap_test;
using ctxheap::gui::ContextTreeModel;
using ctxheap::gui::FindingMark;
namespace gui = ctxheap::gui;

namespace {

Index node_of(const QModelIndex& i) { return static_cast<Index>(i.data(gui::NodeRole).toULongLong()); }
double sort_value(const QModelIndex& i, int column) { return i.sibling(i.row(), column).data(gui::SortRole).toDouble(); }

QModelIndex find_row(ContextTreeModel& model, ContextId id) {
  const Analysis& a = model.document()->latest();
  return model.index_of(a.forest.find(id));
}

}  // namespace

class ContextTreeModelTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyContextAppearsOnceUnderItsForestParent() {
    auto doc = make_document(server_profile(30, 5));
    ContextTreeModel model;
    model.set_document(doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Analysis& a = doc->latest();
    const auto rows = all_rows(model);
    QCOMPARE(rows.size(), a.forest.size());
    std::vector<int> seen(a.forest.size(), 0);
    for (const QModelIndex& i : rows) {
      const Index n = node_of(i);
      ++seen[n];
      QCOMPARE(model.rowCount(i), static_cast<int>(a.forest.children(n).size()));
      QCOMPARE(i.parent().isValid() ? node_of(i.parent()) : kNoIndex, a.node(n).parent);
    }
    for (int s : seen) QCOMPARE(s, 1);
  }

  void subtreeInUseIsSelfPlusChildrenSubtrees() {
    auto doc = make_document(server_profile(25, 3));
    ContextTreeModel model;
    model.set_document(doc);
    for (const QModelIndex& i : all_rows(model)) {
      double children = 0;
      for (int r = 0; r < model.rowCount(i); ++r) children += sort_value(model.index(r, 0, i), ContextTreeModel::SubtreeInuse);
      QCOMPARE(sort_value(i, ContextTreeModel::SubtreeInuse), sort_value(i, ContextTreeModel::SelfInuse) + children);
      // And the figures are the analyzer's.
      const RetentionNode& n = doc->latest().node(node_of(i));
      QCOMPARE(sort_value(i, ContextTreeModel::SubtreeInuse), static_cast<double>(n.subtree.inuse_bytes()));
      QCOMPARE(sort_value(i, ContextTreeModel::Allocated), static_cast<double>(n.subtree.alloc_bytes));
    }
  }

  void defaultOrderPutsWhatStaleEntriesRetainFirst() {
    auto doc = make_document(server_profile(20, 4));
    ContextTreeModel model;
    model.set_document(doc);
    const QModelIndex server = find_row(model, 16);
    QVERIFY(server.isValid());
    QVERIFY(model.rowCount(server) > 10);
    for (int r = 1; r < model.rowCount(server); ++r)
      QVERIFY(sort_value(model.index(r - 1, 0, server), ContextTreeModel::Retained) >=
              sort_value(model.index(r, 0, server), ContextTreeModel::Retained));
    // A stale entry weighs what cancelling it frees, so it ranks above the value context
    // it keeps alive (its created-from parent, a sibling in the forest).
    const Analysis& a = doc->latest();
    int checked = 0;
    for (int r = 0; r < model.rowCount(server); ++r) {
      const Index n = node_of(model.index(r, 0, server));
      if (!a.node(n).stale) continue;
      const QModelIndex value = model.index_of(a.node(n).created_from);
      QVERIFY(value.parent() == server);
      QVERIFY(r < value.row());
      ++checked;
    }
    QCOMPARE(checked, 20);
  }

  void sortingOrdersEveryParentsChildrenAndKeepsPersistentIndexes() {
    auto doc = make_document(server_profile(20, 4));
    ContextTreeModel model;
    model.set_document(doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QPersistentModelIndex batch = find_row(model, 900);
    QVERIFY(batch.isValid());
    for (const auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      model.sort(ContextTreeModel::SelfInuse, order);
      const QModelIndex server = find_row(model, 16);
      QVERIFY(model.rowCount(server) > 10);
      for (int r = 1; r < model.rowCount(server); ++r) {
        const double prev = sort_value(model.index(r - 1, 0, server), ContextTreeModel::SelfInuse);
        const double cur = sort_value(model.index(r, 0, server), ContextTreeModel::SelfInuse);
        QVERIFY(order == Qt::AscendingOrder ? prev <= cur : prev >= cur);
      }
      QVERIFY(batch.isValid());
      QCOMPARE(doc->latest().context(node_of(batch)).id, ContextId{900});
    }
    model.sort(ContextTreeModel::Name, Qt::AscendingOrder);
    const QModelIndex server = find_row(model, 16);
    for (int r = 1; r < model.rowCount(server); ++r)
      QVERIFY(QString::compare(model.index(r - 1, 0, server).data().toString(), model.index(r, 0, server).data().toString(),
                               Qt::CaseInsensitive) <= 0);
  }

  void largeParentsArePopulatedLazilyInBatches() {
    auto doc = make_document(server_profile(40));
    ContextTreeModel model;
    model.set_batch_size(16);
    model.set_document(doc);
    const Index server_node = doc->latest().forest.find(16);
    const auto total = static_cast<int>(doc->latest().forest.children(server_node).size());
    QVERIFY(total > 64);
    QModelIndex server = model.index_of(server_node);
    QCOMPARE(model.rowCount(server), 16);
    QVERIFY(model.canFetchMore(server));
    model.fetchMore(server);
    QCOMPARE(model.rowCount(server), 32);
    // (No QAbstractItemModelTester here: Qt 6.4's fetches more rows from inside its own
    // rowsInserted checks and then reports its fetch as a nested change.)
    const int shown = model.rowCount(server);
    QVERIFY(shown < total);
    model.fetchMore(server);
    QCOMPARE(model.rowCount(server), std::min(total, shown + 16));
    // Asking for a row beyond the exposed ones fetches up to it.
    const Index last = model.ordered_children(server_node).back();
    const QModelIndex last_row = model.index_of(last);
    QVERIFY(last_row.isValid());
    QCOMPARE(node_of(last_row), last);
    QCOMPARE(model.rowCount(server), total);
    QVERIFY(!model.canFetchMore(server));
  }

  void staleRowsAreHighlightedWithTheirReason() {
    auto doc = make_document(server_profile(12, 3));
    ContextTreeModel model;
    model.set_document(doc);
    const Analysis& a = doc->latest();
    int stale = 0, retained = 0;
    for (const QModelIndex& i : all_rows(model)) {
      const Index n = node_of(i);
      const bool is_stale = a.node(n).stale;
      QCOMPARE(i.data(gui::StaleRole).toBool(), is_stale);
      const auto mark = static_cast<FindingMark>(i.data(gui::FindingRole).toInt());
      QCOMPARE(i.data(Qt::BackgroundRole).isValid(), mark != FindingMark::None);
      QCOMPARE(i.data(Qt::DecorationRole).isValid(), mark != FindingMark::None);
      if (is_stale) {
        ++stale;
        QCOMPARE(mark, FindingMark::Stale);
        const std::string reason = describe(a, a.findings.stale[a.findings.stale_of_context[n]]);
        QCOMPARE(i.data(Qt::ToolTipRole).toString(), QString::fromStdString(reason));
        QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("its cancel was dropped")));
      }
      if (mark == FindingMark::RetainedAfterCancel) {
        ++retained;
        QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("was cancelled")));
        QVERIFY(i.data(Qt::BackgroundRole).value<QColor>() != model.index_of(a.forest.find(101)).data(Qt::BackgroundRole).value<QColor>());
      }
    }
    QCOMPARE(stale, 12);
    QCOMPARE(static_cast<std::size_t>(stale), a.findings.stale.size());
    QCOMPARE(static_cast<std::size_t>(retained), a.findings.retained_after_cancel.size());
    QVERIFY(retained >= 1);
  }

  void columnsShowTheAnalyzersFigures() {
    auto doc = make_document(server_profile(3));
    ContextTreeModel model;
    model.set_document(doc);
    const Analysis& a = doc->latest();
    const QModelIndex server = find_row(model, 16);
    const RetentionNode& n = a.node(a.forest.find(16));
    const auto cell = [&](int c) { return server.sibling(server.row(), c).data().toString().toStdString(); };
    QCOMPARE(cell(ContextTreeModel::Name), std::string("#16 \"server\""));
    QCOMPARE(cell(ContextTreeModel::SubtreeInuse), format_bytes(n.subtree.inuse_bytes()));
    QCOMPARE(cell(ContextTreeModel::Children), format_count(n.children));
    QCOMPARE(cell(ContextTreeModel::Ratio), format_share(inuse_ratio(n.subtree)));
    QCOMPARE(server.sibling(server.row(), ContextTreeModel::Ratio).data(gui::RatioRole).toDouble(), inuse_ratio(n.subtree));
    QCOMPARE(cell(ContextTreeModel::Site), describe_site(*a.profile, a.site_of(a.forest.find(16))));
    QCOMPARE(cell(ContextTreeModel::State), std::string("live"));
  }
};

QTEST_MAIN(ContextTreeModelTest)
#include "context_tree_model_test.moc"
