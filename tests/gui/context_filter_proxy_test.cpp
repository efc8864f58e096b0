// ContextFilterProxy: text search, state, stale only — matches shown with their
// ancestors, over rows the tree model has not fetched yet; and copying rows.
#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QTreeView>
#include <QtTest>

#include "export/copy_rows.hpp"
#include "gui_test_support.hpp"
#include "models/context_filter_proxy.hpp"
#include "models/context_tree_model.hpp"
#include "views/context_page.hpp"

using namespace ctxheap_test;
using ctxheap::gui::ContextFilter;
using ctxheap::gui::ContextFilterProxy;
using ctxheap::gui::ContextTreeModel;
namespace gui = ctxheap::gui;

namespace {

Index node_of(const QModelIndex& i) { return static_cast<Index>(i.data(gui::NodeRole).toULongLong()); }

/// Contexts shown by the proxy, and which of them match the filter themselves.
struct Shown {
  std::vector<Index> all;
  std::vector<Index> matching;
};

Shown shown(ContextFilterProxy& proxy, const ContextFilter& f) {
  Shown s;
  const Analysis& a = proxy.tree()->document()->latest();
  for (const QModelIndex& i : all_rows(proxy)) {
    s.all.push_back(node_of(i));
    if (gui::context_matches(a, node_of(i), f)) s.matching.push_back(node_of(i));
  }
  return s;
}

}  // namespace

class ContextFilterProxyTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void filteredBatchesCountVisibleRowsOnly() {
    auto doc = make_document(server_profile(40, 200));  // 40 stale among ~490 children of the server
    ContextTreeModel tree;
    tree.set_batch_size(10);
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    ContextFilter f;
    f.stale_only = true;
    proxy.set_filter(f);
    const Index server = doc->latest().forest.find(16);
    const QModelIndex in_proxy = proxy.mapFromSource(tree.index_of(server));
    QVERIFY(in_proxy.isValid());
    // The first batch holds 10 shown rows, not 10 source rows of which few pass.
    QCOMPARE(proxy.rowCount(in_proxy), 10);
    QVERIFY(tree.rowCount(tree.index_of(server)) < static_cast<int>(doc->latest().forest.children(server).size()));
    QVERIFY(proxy.canFetchMore(in_proxy));
    proxy.fetchMore(in_proxy);
    QCOMPARE(proxy.rowCount(in_proxy), 20);
  }

  void staleOnlyShowsEveryStaleEntryWithItsHolders() {
    auto doc = make_document(server_profile(50, 10));
    ContextTreeModel tree;
    tree.set_batch_size(8);  // the filter must see rows the view has not fetched
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    ContextFilter f;
    f.stale_only = true;
    proxy.set_filter(f);
    // (No QAbstractItemModelTester: the batches stay lazy under the filter, and Qt 6.4's
    // tester reports its own fetches as nested changes; see context_tree_model_test.cpp.)
    const Analysis& a = doc->latest();
    const Shown s = shown(proxy, f);
    QCOMPARE(s.matching.size(), a.findings.stale.size());
    QCOMPARE(proxy.matches(), static_cast<std::uint64_t>(a.findings.stale.size()));
    for (Index n : s.all) {
      if (a.node(n).stale) continue;
      // Not stale itself: shown only because it holds a stale entry.
      bool holds = false;
      for (Index m : s.matching)
        for (Index p = a.node(m).parent; p != kNoIndex && !holds; p = a.node(p).parent) holds = p == n;
      QVERIFY2(holds, qPrintable(QStringLiteral("context #%1 shown without a stale descendant").arg(a.context(n).id)));
    }
    QCOMPARE(s.all.size(), a.findings.stale.size() + 2);  // + background and server
  }

  void textSearchMatchesNameSiteAndId() {
    auto doc = make_document(server_profile(10, 4));
    ContextTreeModel tree;
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Analysis& a = doc->latest();

    ContextFilter by_site;
    by_site.text = QStringLiteral("RUN_BATCH");  // case-insensitive, the creation site's function
    proxy.set_filter(by_site);
    Shown s = shown(proxy, by_site);
    QCOMPARE(s.matching.size(), std::size_t{1});
    QCOMPARE(a.context(s.matching[0]).id, ContextId{900});
    QCOMPARE(s.all.size(), std::size_t{3});  // background > server > batch

    ContextFilter by_name;
    by_name.text = QStringLiteral("served");
    proxy.set_filter(by_name);
    QCOMPARE(shown(proxy, by_name).matching.size(), std::size_t{4});

    ContextFilter by_id;
    by_id.text = QStringLiteral("#16");
    proxy.set_filter(by_id);
    s = shown(proxy, by_id);
    QCOMPARE(s.matching.size(), std::size_t{1});
    QCOMPARE(a.context(s.matching[0]).id, ContextId{16});

    proxy.set_filter({});
    QCOMPARE(shown(proxy, {}).all.size(), a.forest.size());
  }

  void stateFilterKeepsOnlyThatState() {
    auto doc = make_document(server_profile(5, 6));
    ContextTreeModel tree;
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    const Analysis& a = doc->latest();
    for (const auto state : {ContextFilter::State::Cancelled, ContextFilter::State::Expired, ContextFilter::State::Ended}) {
      ContextFilter f;
      f.state = state;
      proxy.set_filter(f);
      std::size_t expected = 0;
      for (const Context& c : a.profile->contexts)
        expected += state == ContextFilter::State::Ended ? c.ended()
                    : state == ContextFilter::State::Expired ? c.state == ContextState::Expired
                                                             : c.state == ContextState::Cancelled;
      const Shown s = shown(proxy, f);
      QCOMPARE(s.matching.size(), expected);
      for (Index n : s.matching) QVERIFY(a.context(n).ended());
    }
  }

  // Issue 17, point 1: a document arriving while a filter or search is on made the tree read
  // the visibility computed for the previous document (SIGSEGV in ContextTreeModel::extend).
  void swappingDocumentsUnderEveryFilterAndSearchKeepsTheModelValid() {
    std::vector<std::shared_ptr<const Document>> docs = {
        nullptr, make_document(server_profile(3, 2)), make_document(server_profile(60, 120)), nullptr,
        make_document(server_profile(60, 120)), make_document(server_profile(1))};
    std::vector<ContextFilter> filters(1);  // the filter off
    for (const QString& text : {QString(), QStringLiteral("request"), QStringLiteral("#16"), QStringLiteral("no such context")})
      for (const auto state : {ContextFilter::State::Any, ContextFilter::State::Live, ContextFilter::State::Ended,
                               ContextFilter::State::Cancelled, ContextFilter::State::Expired})
        for (const bool stale_only : {false, true}) {
          ContextFilter f;
          f.text = text;
          f.state = state;
          f.stale_only = stale_only;
          if (f.active()) filters.push_back(f);
        }
    for (const ContextFilter& f : filters) {
      ContextTreeModel tree;
      ContextFilterProxy proxy;
      proxy.set_tree(&tree);
      proxy.set_filter(f);  // set before any document, as "Stale only" on an empty window
      // Batches larger than any parent: the testers never fetch (see context_tree_model_test.cpp).
      QAbstractItemModelTester tree_tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
      QAbstractItemModelTester proxy_tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
      for (const auto& doc : docs) {
        proxy.set_document(doc);
        if (QTest::currentTestFailed()) return;
        if (!doc) {
          QCOMPARE(proxy.rowCount(), 0);
          continue;
        }
        const Analysis& a = doc->latest();
        std::uint64_t expected = 0;
        for (Index n = 0; n < a.forest.size(); ++n) expected += gui::context_matches(a, n, f);
        const Shown s = shown(proxy, f);
        QCOMPARE(proxy.matches(), expected);
        QCOMPARE(static_cast<std::uint64_t>(s.matching.size()), expected);
      }
    }
  }

  void pageTakesADocumentWhileStaleOnlyOrASearchIsOn() {
    for (const bool stale_only : {true, false}) {
      gui::ContextPage page;
      ContextFilter f;
      f.stale_only = stale_only;
      if (!stale_only) f.text = QStringLiteral("request");
      page.set_filter(f);  // no document yet
      page.set_document(make_document(server_profile(30, 10)));
      QVERIFY(page.current_context() != kNoIndex);  // opened on the top suspect
      page.set_document(make_document(server_profile(200, 50)));
      page.set_document(nullptr);
      page.set_document(make_document(server_profile(2)));
      QVERIFY(page.current_context() != kNoIndex);
    }
  }

  void sizeColumnsSortLargestFirstOnTheFirstClick() {
    gui::ContextPage page;
    page.resize(1400, 800);
    page.set_document(make_document(server_profile(20, 10)));
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QHeaderView* header = page.tree_view()->header();
    const auto click = [&](int column) {
      const QPoint at(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
      QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
    };
    for (const int column : {ContextTreeModel::SelfInuse, ContextTreeModel::Allocated, ContextTreeModel::Children}) {
      click(column);
      QCOMPARE(page.model()->sort_column(), column);
      QCOMPARE(page.model()->sort_order(), Qt::DescendingOrder);
    }
    click(ContextTreeModel::Name);  // text: A to Z first
    QCOMPARE(page.model()->sort_order(), Qt::AscendingOrder);
  }

  void afterASortTheSelectionIsInView() {
    gui::ContextPage page;
    page.resize(1200, 500);
    auto doc = make_document(server_profile(400, 100));
    page.set_document(doc);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTreeView* view = page.tree_view();
    for (const int column : {ContextTreeModel::Age, ContextTreeModel::Name, ContextTreeModel::SelfInuse}) {
      view->sortByColumn(column, Qt::AscendingOrder);
      QVERIFY(view->currentIndex().isValid());
      QVERIFY2(view->viewport()->rect().intersects(view->visualRect(view->currentIndex())),
               qPrintable(QStringLiteral("selection out of view after sorting by column %1").arg(column)));
    }
  }

  void turningAFilterOffKeepsWhatWasExpanded() {
    gui::ContextPage page;
    auto doc = make_document(server_profile(10, 5));
    page.set_document(doc);
    const Analysis& a = doc->latest();
    // A served request's value context (not stale: hidden by Stale only) holds its child.
    const Index served = a.forest.find(100 + 2 * 10);
    QVERIFY(served != kNoIndex && !a.forest.children(served).empty());
    const auto in_view = [&](Index n) { return page.proxy()->mapFromSource(page.model()->index_of(n)); };
    page.tree_view()->expand(in_view(served));
    QVERIFY(page.tree_view()->isExpanded(in_view(served)));
    ContextFilter stale;
    stale.stale_only = true;
    page.set_filter(stale);
    QVERIFY(!in_view(served).isValid());
    page.set_filter({});
    QVERIFY(page.tree_view()->isExpanded(in_view(served)));
    QVERIFY(page.tree_view()->isExpanded(in_view(a.forest.find(16))));
  }

  void sortingThroughTheProxySortsTheTree() {
    auto doc = make_document(server_profile(10, 4));
    ContextTreeModel tree;
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    proxy.sort(ContextTreeModel::Age, Qt::AscendingOrder);
    QCOMPARE(tree.sort_column(), static_cast<int>(ContextTreeModel::Age));
    QCOMPARE(tree.sort_order(), Qt::AscendingOrder);
  }

  void copiedRowsAreTabSeparatedVisibleColumns() {
    auto doc = make_document(server_profile(3));
    ContextTreeModel tree;
    tree.set_document(doc);
    ContextFilterProxy proxy;
    proxy.set_tree(&tree);
    QTreeView view;
    view.setModel(&proxy);
    view.setColumnHidden(ContextTreeModel::Kind, true);
    view.expandAll();
    const QModelIndex server = proxy.mapFromSource(tree.index_of(doc->latest().forest.find(16)));
    const QModelIndex first_child = proxy.index(0, ContextTreeModel::Site, server);
    const QString text = gui::rows_as_text(view, {first_child, server.sibling(server.row(), ContextTreeModel::Age), server});
    const QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);  // header, server, its child — each row once, in tree order
    QCOMPARE(lines[0].split(QLatin1Char('\t')).size(), ContextTreeModel::ColumnCount - 1);
    QVERIFY(!lines[0].contains(QStringLiteral("Kind")));
    QVERIFY(lines[1].startsWith(QStringLiteral("#16 \"server\"\t")));
    QCOMPARE(lines[2].split(QLatin1Char('\t')).front(), first_child.sibling(first_child.row(), 0).data().toString());
  }
};

QTEST_MAIN(ContextFilterProxyTest)
#include "context_filter_proxy_test.moc"
