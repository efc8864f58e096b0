// The diff tables against the analyzer's ProfileDiff: rows, deltas and their colours
// (growth red, shrink green), stale groups fixed and new.
#include <QAbstractItemModelTester>
#include <QtTest>

#include "gui_test_support.hpp"
#include "models/group_delta_model.hpp"
#include "models/parent_delta_model.hpp"
#include "models/site_delta_model.hpp"

using namespace ctxheap_test;
using ctxheap::gui::GroupDeltaModel;
using ctxheap::gui::ParentDeltaModel;
using ctxheap::gui::SiteDeltaModel;
namespace gui = ctxheap::gui;

namespace {

int sign_at(const QAbstractItemModel& m, int row, int column) { return m.index(row, column).data(gui::DeltaSignRole).toInt(); }
double value_at(const QAbstractItemModel& m, int row, int column) { return m.index(row, column).data(gui::SortRole).toDouble(); }

}  // namespace

class DiffModelsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aFixedRunShowsTheGroupFixedInGreen() {
    // Before: 12 stale requests; after (another run, the fix): the requests are served.
    auto doc = make_document({server_profile(12, 0, kNow, 42)}, server_profile(0, 12, kNow, 43));
    QVERIFY(doc->diff() != nullptr);
    QCOMPARE(diff_of(*doc).mode, MatchMode::ByCreationPath);
    GroupDeltaModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
    groups.set_document(doc);
    QCOMPARE(groups.rowCount(), static_cast<int>(diff_of(*doc).groups.size()));
    QCOMPARE(groups.rowCount(), 1);
    QCOMPARE(groups.index(0, GroupDeltaModel::Change).data().toString(), QStringLiteral("Fixed"));
    QCOMPARE(sign_at(groups, 0, GroupDeltaModel::Change), -1);
    QCOMPARE(groups.index(0, GroupDeltaModel::Change).data(Qt::ForegroundRole).value<QColor>(), gui::delta_color(-1));
    QCOMPARE(value_at(groups, 0, GroupDeltaModel::EntriesBefore), 12.0);
    QCOMPARE(value_at(groups, 0, GroupDeltaModel::EntriesAfter), 0.0);
    QCOMPARE(groups.index(0, GroupDeltaModel::Sentence).data().toString(), QString::fromStdString(diff_of(*doc).groups[0].sentence));
  }

  void aRegressionShowsTheGroupNewInRed() {
    auto doc = make_document({server_profile(0, 12, kNow, 42)}, server_profile(12, 0, kNow, 43));
    GroupDeltaModel groups;
    groups.set_document(doc);
    QCOMPARE(groups.rowCount(), 1);
    QCOMPARE(groups.index(0, GroupDeltaModel::Change).data().toString(), QStringLiteral("New"));
    QCOMPARE(sign_at(groups, 0, GroupDeltaModel::Change), 1);
    QCOMPARE(groups.index(0, GroupDeltaModel::Change).data(Qt::ForegroundRole).value<QColor>(), gui::delta_color(1));
    QVERIFY(gui::delta_color(1) != gui::delta_color(-1));
  }

  void siteAndParentDeltasFollowTheDiffWithSignedColours() {
    // One run: the server's children set grows from 8 to 20 stale entries.
    std::vector<Profile> run;
    run.push_back(server_profile(8, 0, kNow, 42));
    run.push_back(server_profile(20, 0, kNow + 30 * kSecond, 42));
    run.back().meta.sequence = 1;
    auto doc = make_document(std::move(run));
    QVERIFY(doc->diff() != nullptr);
    QCOMPARE(diff_of(*doc).mode, MatchMode::ById);
    const ProfileDiff& d = diff_of(*doc);

    SiteDeltaModel sites;
    QAbstractItemModelTester t1(&sites, QAbstractItemModelTester::FailureReportingMode::QtTest);
    sites.set_document(doc);
    QCOMPARE(sites.rowCount(), static_cast<int>(d.sites.size()));
    for (int r = 0; r < sites.rowCount(); ++r) {
      const SiteDelta& s = d.sites[static_cast<std::size_t>(r)];
      const double delta = static_cast<double>(s.after.self.inuse_bytes()) - static_cast<double>(s.before.self.inuse_bytes());
      QCOMPARE(value_at(sites, r, SiteDeltaModel::InuseDelta), delta);
      QCOMPARE(sign_at(sites, r, SiteDeltaModel::InuseDelta), delta > 0 ? 1 : delta < 0 ? -1 : 0);
      QCOMPARE(value_at(sites, r, SiteDeltaModel::ContextsAfter), static_cast<double>(s.after.contexts));
    }

    ParentDeltaModel parents;
    QAbstractItemModelTester t2(&parents, QAbstractItemModelTester::FailureReportingMode::QtTest);
    parents.set_document(doc);
    QCOMPARE(parents.rowCount(), static_cast<int>(d.parents.size()));
    QVERIFY(parents.rowCount() >= 1);
    QCOMPARE(parents.index(0, ParentDeltaModel::Parent).data().toString(), QStringLiteral("#16 \"server\""));
    QCOMPARE(value_at(parents, 0, ParentDeltaModel::ChildrenDelta), 12.0);
    QCOMPARE(sign_at(parents, 0, ParentDeltaModel::ChildrenDelta), 1);
    QCOMPARE(parents.index(0, ParentDeltaModel::ChildrenDelta).data().toString(), QStringLiteral("+12"));
    QCOMPARE(parents.index(0, ParentDeltaModel::InuseDelta).data(Qt::ForegroundRole).value<QColor>(), gui::delta_color(1));
  }

  void aSingleSnapshotHasNoDiffRows() {
    auto doc = make_document(server_profile(4));
    QVERIFY(doc->diff() == nullptr);
    SiteDeltaModel sites;
    sites.set_document(doc);
    QCOMPARE(sites.rowCount(), 0);
  }
};

QTEST_MAIN(DiffModelsTest)
#include "diff_models_test.moc"
