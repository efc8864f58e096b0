// StackModel: a context's creation stack and the sampled allocation stacks of its subtree,
// largest first, with runtime frames folded unless all frames are asked for.
#include <QAbstractItemModelTester>
#include <QtTest>

#include "gui_test_support.hpp"
#include "models/stack_model.hpp"

using namespace ctxheap_test;
using ctxheap::gui::StackModel;
namespace gui = ctxheap::gui;

namespace {

Profile profile_with_sites() {
  ProfileMaker m = with_server();
  // The exact counters of #101 cover what its sites estimate, so the estimate model
  // (which caps sites at the exact total) leaves the site figures as they are.
  m.add(Ctx(100, ContextKind::Value).from(16).named("request.body").at("handle_request", "handler.cpp", 86).inuse(2, 4272));
  m.add(Ctx(101, ContextKind::Cancel).from(100).under(16).named("request").at("handle_request", "handler.cpp", 88)
            .inuse(6, 33792, 10, 66560).dropped());
  const FrameText small[] = {{"operator new(unsigned long)", "new_op.cc", 50, "/lib/libstdc++.so", 0x10, 0x10, false},
                             {"parse_body", "/src/handler.cpp", 31, "/bin/app", 0x2100, 0x2100, false}};
  const FrameText large[] = {{"malloc", "", 0, "/lib/libc.so", 0x20, 0x20, false},
                             {"fill_cache", "/src/cache.cpp", 77, "/bin/app", 0x2200, 0x2200, false},
                             {"main", "main.cpp", 10, "/bin/app", 0x3000, 0x3000, false}};
  const Index s_small = m.builder().add_stack(std::span<const FrameText>(small));
  const Index s_large = m.builder().add_stack(std::span<const FrameText>(large));
  m.builder().add_site({101, s_small, {1, 512, 1, 512}, {2, 1024, 2, 1024}});
  m.builder().add_site({101, s_large, {1, 4096, 0, 0}, {8, 65536, 4, 32768}});
  m.builder().add_site({16, s_small, {1, 64, 1, 64}, {1, 64, 1, 64}});
  return std::move(m).profile();
}

}  // namespace

class StackModelTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsCreationStackThenSampledStacksLargestFirst() {
    auto doc = make_document(profile_with_sites());
    StackModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_frame_detail(FrameDetail::All);
    const Analysis& a = doc->latest();
    const Index child = a.forest.find(101);
    model.set_context(doc, child);
    QCOMPARE(model.rowCount(), 3);  // creation + two sampled sites of #101 (not #16's)
    const QModelIndex creation = model.index(0, StackModel::Frame);
    QCOMPARE(creation.data().toString(), QStringLiteral("Creation stack"));
    const auto frames = a.profile->stack_frames(a.context(child).creation_stack);
    QCOMPARE(model.rowCount(creation), static_cast<int>(frames.size()));
    for (int r = 0; r < model.rowCount(creation); ++r)
      QCOMPARE(model.index(r, StackModel::Frame, creation).data().toString(),
               QString::fromStdString(std::string(a.profile->str(frames[static_cast<std::size_t>(r)].function))));

    // Sampled stacks by estimated in-use bytes: fill_cache (32 KiB) before parse_body (1 KiB).
    const QModelIndex first = model.index(1, 0);
    const QModelIndex second = model.index(2, 0);
    QVERIFY(first.sibling(1, StackModel::Inuse).data(gui::SortRole).toULongLong() >
            second.sibling(2, StackModel::Inuse).data(gui::SortRole).toULongLong());
    QCOMPARE(model.index(1, StackModel::Frame, first).data().toString(), QStringLiteral("fill_cache"));
    QCOMPARE(first.sibling(1, StackModel::Inuse).data().toString(),
             QStringLiteral("%1 in 4 objects").arg(QString::fromStdString(format_bytes(32768))));
    QCOMPARE(model.rowCount(first), 3);
  }

  void framesCarryTheirFileAndLineForOpening() {
    auto doc = make_document(profile_with_sites());
    StackModel model;
    model.set_frame_detail(FrameDetail::All);
    model.set_context(doc, doc->latest().forest.find(101));
    const QModelIndex sampled = model.index(1, 0);
    const QModelIndex fill = model.index(1, StackModel::Location, sampled);
    QCOMPARE(fill.data().toString(), QStringLiteral("cache.cpp:77"));
    QCOMPARE(fill.data(gui::FileRole).toString(), QStringLiteral("/src/cache.cpp"));
    QCOMPARE(fill.data(gui::LineRole).toInt(), 77);
    // malloc has no file: nothing to open.
    QVERIFY(model.index(0, StackModel::Location, sampled).data(gui::FileRole).toString().isEmpty());
  }

  void clearingShowsNothing() {
    auto doc = make_document(profile_with_sites());
    StackModel model;
    model.set_context(doc, doc->latest().forest.find(101));
    model.set_context(doc, kNoIndex);
    QCOMPARE(model.rowCount(), 0);
    // A context without a creation stack or sites in its subtree (the expired #901) has no rows.
    ProfileMaker m = with_server();
    m.add(Ctx(901, ContextKind::Deadline).from(16).named("poll").ended(ContextState::Expired, kNow - kSecond));
    auto bare = make_document(std::move(m).profile());
    model.set_context(bare, bare->latest().forest.find(901));
    QCOMPARE(model.rowCount(), 0);
  }

  void foldsRuntimeFramesUnlessAllAreAsked() {
    auto doc = make_document(profile_with_sites());
    StackModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_context(doc, doc->latest().forest.find(101));
    const QModelIndex large = model.index(1, 0);  // malloc > fill_cache > main
    QCOMPARE(model.rowCount(large), 2);
    QCOMPARE(model.index(0, StackModel::Frame, large).data().toString(), QStringLiteral("fill_cache"));
    QVERIFY(large.data().toString().contains(QStringLiteral("1 runtime frame")));
    model.set_frame_detail(FrameDetail::All);
    QCOMPARE(model.rowCount(model.index(1, 0)), 3);
    QCOMPARE(model.index(0, StackModel::Frame, model.index(1, 0)).data().toString(), QStringLiteral("malloc"));
  }

  void aParentShowsTheStacksOfItsSubtreeMerged() {
    auto doc = make_document(profile_with_sites());
    const Analysis& a = doc->latest();
    StackModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Index server = a.forest.find(16);
    model.set_context(doc, server);
    // #16's own parse_body site (64 B) and #101's (1 KiB) are one stack of two contexts;
    // #101's fill_cache stack (32 KiB) is the largest.
    QCOMPARE(model.rowCount(), 3);  // creation + 2 stacks
    QCOMPARE(model.index(1, StackModel::Inuse).data(gui::SortRole).toULongLong(), 32768ull);
    QCOMPARE(model.index(2, StackModel::Inuse).data(gui::SortRole).toULongLong(), 1024ull + 64ull);
    QVERIFY(model.index(2, StackModel::Frame).data().toString().startsWith(QStringLiteral("Allocation stack of 2 contexts")));
    const SubtreeStacks s = subtree_stacks(a, SitesByContext(a), server);
    QCOMPARE(model.subtree().total.inuse_bytes, s.total.inuse_bytes);
    QCOMPARE(s.total.inuse_bytes, 32768ull + 1024ull + 64ull);
  }
};

QTEST_MAIN(StackModelTest)
#include "stack_model_test.moc"
