// The Allocations tab's flame graph: flame_layout()'s geometry over the analyzer's
// top-down tree (widths proportional to the measure, children inside their parent, narrow
// boxes left out, the zoomed path spanning the width) and FlameView in the page under
// QT_QPA_PLATFORM=offscreen (search highlights the analyzer's matches, click zooms, the
// button and a double-click reset, tooltips carry bytes, objects and share).
#include <QComboBox>
#include <QPushButton>
#include <QtTest>
#include <random>

#include "charts/flame_layout.hpp"
#include "charts/flame_view.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "gui_test_support.hpp"
#include "models/text.hpp"
#include "views/allocations_page.hpp"

using namespace ctxheap_test;
namespace gui = ctxheap::gui;
namespace an = ctxheap::analyzer;

namespace {

/// A server's allocation profile as gperftools or a Go profile loads it: requests parse,
/// build bodies through std::vector and the allocator, cache and log, plus `extra`
/// generated handlers at random depths (a fixed seed: the same profile every run).
Profile server_allocations(int extra) {
  an::ProfileBuilder b;
  std::uint64_t address = 0x1000;
  const auto add = [&](std::vector<std::string> leaf_first, std::uint64_t inuse, std::uint64_t alloc) {
    std::vector<an::FrameText> text;
    for (const auto& f : leaf_first) text.push_back({f, "server.cpp", 10, "server", address += 16, address});
    an::Site s;
    s.stack = b.add_stack(std::span<const an::FrameText>(text));
    s.estimated = {alloc / 64 + 1, alloc, inuse / 64, inuse};
    s.sampled = s.estimated;
    b.add_site(s);
  };
  const std::vector<std::string> body = {"operator new(unsigned long)",
                                         "std::vector<char, std::allocator<char> >::_M_realloc_insert<char const&>(char const&)",
                                         "make_body(int)", "handle_request(int)", "serve", "main"};
  add(body, 4u << 20, 6u << 20);
  add({"malloc", "parse_json(std::string_view)", "handle_request(int)", "serve", "main"}, 1u << 20, 8u << 20);
  add({"malloc", "cache_put", "serve", "main"}, 512u << 10, 512u << 10);
  add({"malloc", "log_line", "main"}, 4096, 1u << 20);
  std::mt19937 rng(17);
  for (int k = 0; k < extra; ++k) {
    std::vector<std::string> frames{"malloc", "handler_" + std::to_string(k)};
    const int depth = 1 + static_cast<int>(rng() % 5);
    for (int d = 0; d < depth; ++d) frames.push_back("layer_" + std::to_string(rng() % 7));
    frames.push_back("main");
    add(frames, 64 + rng() % 8192, 8192 + rng() % 65536);
  }
  return std::move(b).finish();
}

constexpr double kEps = 1e-9;

/// Every box's width is its bytes over the focus's, and it sits inside its parent box,
/// its siblings side by side without overlap.
void verify_geometry(const std::vector<gui::FlameBox>& boxes, an::AllocMeasure measure, double focus_bytes) {
  for (std::size_t k = 0; k < boxes.size(); ++k) {
    const gui::FlameBox& b = boxes[k];
    QVERIFY(b.x0 >= -kEps && b.x1 <= 1 + kEps && b.x0 <= b.x1);
    if (b.ancestor) continue;
    // The zoomed node's own box is its bytes over its bytes: the full width.
    const double expected = static_cast<double>(gui::flame_bytes(b.node, measure)) / focus_bytes;
    QCOMPARE_LE(std::abs((b.x1 - b.x0) - expected), 1e-6);
    if (b.parent != gui::FlameBox::kNoParent && !boxes[b.parent].ancestor) {
      const gui::FlameBox& p = boxes[b.parent];
      QCOMPARE(b.depth, p.depth + 1);
      QVERIFY(b.x0 >= p.x0 - kEps && b.x1 <= p.x1 + kEps);
    }
    for (std::size_t j = k + 1; j < boxes.size(); ++j)
      if (boxes[j].parent == b.parent && boxes[j].depth == b.depth && !boxes[j].ancestor)
        QVERIFY(boxes[j].x0 >= b.x1 - kEps || boxes[j].x1 <= b.x0 + kEps);
  }
}

const gui::FlameBox* find_box(const std::vector<gui::FlameBox>& boxes, const an::AllocationStacks& s, std::string_view name) {
  for (const auto& b : boxes)
    if (s.function_name(b.node.function) == name) return &b;
  return nullptr;
}

}  // namespace

class FlameGraphTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void boxWidthsAreProportionalAndChildrenSitInsideTheirParent() {
    const Profile p = server_allocations(400);
    const an::AllocationStacks stacks(p);
    for (const an::AllocMeasure measure : {an::AllocMeasure::InUse, an::AllocMeasure::Allocated}) {
      const auto boxes = gui::flame_layout(stacks, measure, {}, 0.0, 64);
      QVERIFY(!boxes.empty());
      const double total = static_cast<double>(gui::flame_bytes(stacks.root(an::AllocView::TopDown), measure));
      verify_geometry(boxes, measure, total);
      // The top row is main alone, all of it; folded frames do not show.
      const gui::FlameBox* main = find_box(boxes, stacks, "main");
      QVERIFY(main != nullptr);
      QCOMPARE(main->depth, 0u);
      QCOMPARE_LE(std::abs(main->x1 - main->x0 - 1.0), 1e-9);
      QVERIFY(find_box(boxes, stacks, "operator new(unsigned long)") == nullptr);
      // Each child is the analyzer's node: the same totals as children() gives.
      const gui::FlameBox* serve = find_box(boxes, stacks, "serve");
      QVERIFY(serve != nullptr);
      QCOMPARE(boxes[serve->parent].node.function, main->node.function);
      const auto under_main = stacks.children(an::AllocView::TopDown, main->node.ref, measure);
      QCOMPARE(stacks.function_name(under_main.front().function), "serve");
    }
    // In use and allocated rank differently: parse_json is wider allocated than make_body.
    const auto inuse = gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.0, 64);
    const auto alloc = gui::flame_layout(stacks, an::AllocMeasure::Allocated, {}, 0.0, 64);
    const auto width = [&](const std::vector<gui::FlameBox>& b, std::string_view n) {
      const gui::FlameBox* x = find_box(b, stacks, n);
      return x == nullptr ? 0.0 : x->x1 - x->x0;
    };
    QVERIFY(width(inuse, "make_body(int)") > width(inuse, "parse_json(std::string_view)"));
    QVERIFY(width(alloc, "make_body(int)") < width(alloc, "parse_json(std::string_view)"));
  }

  void narrowBoxesAndDeepRowsAreLeftOut() {
    const Profile p = server_allocations(2000);
    const an::AllocationStacks stacks(p);
    const auto all = gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.0, 64);
    const auto wide = gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.01, 64);
    QVERIFY(wide.size() < all.size());
    for (const auto& b : wide) QVERIFY(b.x1 - b.x0 >= 0.01 - kEps);
    const auto shallow = gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.0, 2);
    for (const auto& b : shallow) QVERIFY(b.depth < 2);
    QVERIFY(gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.0, 0).empty());
  }

  void theLayoutIsBoundedByTheViewNotByTheStacks() {
    // 50,000 distinct stacks: a 1,000-pixel view draws at most 1,000 boxes a row.
    const Profile p = server_allocations(50'000);
    const an::AllocationStacks stacks(p);
    QVERIFY(stacks.stack_count() > 25'000);
    const auto boxes = gui::flame_layout(stacks, an::AllocMeasure::Allocated, {}, 1.0 / 1000, gui::FlameView::kMaxDepth);
    std::vector<int> per_row(gui::FlameView::kMaxDepth, 0);
    for (const auto& b : boxes) ++per_row[b.depth];
    for (const int n : per_row) QVERIFY(n <= 1000);
    QVERIFY(boxes.size() < stacks.stack_count() / 10);
  }

  void aZoomedNodeFillsTheWidthUnderItsAncestors() {
    const Profile p = server_allocations(50);
    const an::AllocationStacks stacks(p);
    const auto boxes = gui::flame_layout(stacks, an::AllocMeasure::InUse, {}, 0.0, 64);
    const gui::FlameBox* handle = find_box(boxes, stacks, "handle_request(int)");
    QVERIFY(handle != nullptr);
    std::vector<an::AllocNode> path;
    for (std::uint32_t k = static_cast<std::uint32_t>(handle - boxes.data()); k != gui::FlameBox::kNoParent; k = boxes[k].parent)
      path.insert(path.begin(), boxes[k].node);
    QCOMPARE(path.size(), std::size_t{3});  // main > serve > handle_request
    const auto zoomed = gui::flame_layout(stacks, an::AllocMeasure::InUse, path, 0.0, 64);
    QVERIFY(zoomed[0].ancestor && zoomed[1].ancestor && !zoomed[2].ancestor);
    QCOMPARE(stacks.function_name(zoomed[2].node.function), "handle_request(int)");
    QCOMPARE(zoomed[2].x1 - zoomed[2].x0, 1.0);
    verify_geometry(zoomed, an::AllocMeasure::InUse, static_cast<double>(handle->node.total.inuse_bytes));
    // Only handle_request's subtree is below it.
    QVERIFY(find_box(zoomed, stacks, "cache_put") == nullptr);
    QVERIFY(find_box(zoomed, stacks, "make_body(int)") != nullptr);
  }

  void thePageSearchesZoomsResetsAndExplainsBoxes() {
    const auto doc = make_document(server_allocations(30));
    gui::AllocationsPage page;
    page.resize(1000, 600);
    page.set_document(doc);
    page.set_view(gui::AllocationsPage::View::FlameGraph);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    gui::FlameView* flame = page.flame_view();
    QVERIFY(flame->isVisible());
    QVERIFY(!flame->boxes().empty());

    // Search: the analyzer's matches are highlighted, nothing is cut away.
    const std::size_t before = flame->boxes().size();
    page.set_search(QStringLiteral("LAYER_3"));
    // The matches are found on the worker with the rows (a pass over every function
    // name), not on this thread: none highlighted until the answer arrives.
    QVERIFY(page.busy());
    QCOMPARE(flame->match_count(), std::size_t{0});
    page.settle();
    QCOMPARE(flame->boxes().size(), before);
    const auto& source = *doc->allocation_stacks(an::FrameDetail::Folded);
    QCOMPARE(flame->match_count(), source.find("layer_3").size());
    int highlighted = 0;
    for (const auto& b : flame->boxes()) {
      const bool named = QString::fromUtf8(source.function_name(b.node.function)).contains(QStringLiteral("layer_3"));
      QCOMPARE(flame->matches(b), named);
      highlighted += named ? 1 : 0;
    }
    QVERIFY(highlighted > 0);
    page.set_search({});
    page.settle();
    QCOMPARE(flame->match_count(), std::size_t{0});

    // Click zooms: the clicked box fills the width; the button resets.
    const gui::FlameBox* serve = find_box(flame->boxes(), source, "serve");
    QVERIFY(serve != nullptr);
    QVERIFY(!page.flame_reset_button()->isEnabled());
    QTest::mouseClick(flame, Qt::LeftButton, {}, flame->box_rect(*serve).center().toPoint());
    QCOMPARE(flame->zoom_path().size(), std::size_t{2});
    QCOMPARE(source.function_name(flame->zoom_path().back().function), "serve");
    const gui::FlameBox* zoomed = find_box(flame->boxes(), source, "serve");
    QVERIFY(zoomed != nullptr && !zoomed->ancestor);
    QCOMPARE(zoomed->x1 - zoomed->x0, 1.0);
    QVERIFY(find_box(flame->boxes(), source, "handle_request(int)") != nullptr);
    for (const auto& b : flame->boxes()) {  // everything below is serve's subtree
      if (b.ancestor) continue;
      std::uint32_t k = static_cast<std::uint32_t>(&b - flame->boxes().data());
      while (flame->boxes()[k].depth > 1) k = flame->boxes()[k].parent;
      QCOMPARE(source.function_name(flame->boxes()[k].node.function), "serve");
    }
    QVERIFY(page.flame_reset_button()->isEnabled());
    QTest::mouseClick(page.flame_reset_button(), Qt::LeftButton);
    QVERIFY(flame->zoom_path().empty());
    QVERIFY(!find_box(flame->boxes(), source, "main")->ancestor);

    // Double-click resets too.
    const gui::FlameBox* cache = find_box(flame->boxes(), source, "cache_put");
    QVERIFY(cache != nullptr);
    const QPoint at = flame->box_rect(*cache).center().toPoint();
    QTest::mouseClick(flame, Qt::LeftButton, {}, at);
    QVERIFY(!flame->zoom_path().empty());
    QTest::mouseDClick(flame, Qt::LeftButton, {}, flame->box_rect(flame->boxes().back()).center().toPoint());
    QVERIFY(flame->zoom_path().empty());

    // A tooltip names the function with its bytes, objects and share, as the analyzer counts them.
    const gui::FlameBox* body = find_box(flame->boxes(), source, "make_body(int)");
    QVERIFY(body != nullptr);
    const QString tip = flame->tooltip_text(*body);
    QVERIFY(tip.startsWith(QStringLiteral("make_body(int)")));
    QVERIFY2(tip.contains(gui::bytes_text(body->node.total.inuse_bytes)), qPrintable(tip));
    QVERIFY2(tip.contains(gui::count_text(body->node.total.inuse_objects)), qPrintable(tip));
    const double share = static_cast<double>(body->node.total.inuse_bytes) / static_cast<double>(source.total().inuse_bytes);
    QVERIFY2(tip.contains(gui::share_text(share)), qPrintable(tip));

    // Allocated re-lays the boxes by allocated bytes.
    page.set_measure(an::AllocMeasure::Allocated);
    const gui::FlameBox* parse = find_box(flame->boxes(), source, "parse_json(std::string_view)");
    QVERIFY(parse != nullptr);
    QCOMPARE_LE(std::abs((parse->x1 - parse->x0) - static_cast<double>(parse->node.total.alloc_bytes) /
                                                         static_cast<double>(source.total().alloc_bytes)),
                1e-6);
    // A swap to no document leaves an empty, valid view.
    page.set_document(nullptr);
    QVERIFY(flame->boxes().empty());
  }
};

QTEST_MAIN(FlameGraphTest)
#include "flame_graph_test.moc"
