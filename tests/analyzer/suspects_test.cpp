// Creation sites and leak suspects: stale entries grouped by (registrar, site), ranked
// by what they retain, with MAT-like thresholds and one sentence each.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

Profile profile_with_stack(std::initializer_list<FrameText> frames, Index* stack) {
  ProfileBuilder b;
  std::vector<FrameText> v(frames);
  *stack = b.add_stack(std::span<const FrameText>(v));
  return std::move(b).finish();
}

std::string site_of(std::initializer_list<FrameText> frames) {
  Index stack = kNoIndex;
  const Profile p = profile_with_stack(frames, &stack);
  const Index f = site_frame(p, p.stack_frames(stack));
  if (f == kNoIndex) return "(none)";
  const Frame& frame = p.stack_frames(stack)[f];
  return std::string(p.str(frame.function)) + " @" + std::to_string(frame.line);
}

TEST(CreationSite, IsTheFirstFrameOutsideTheRuntimeTheStandardLibraryAndTheAllocator) {
  EXPECT_EQ(site_of({
                {"tcmalloc::allocate_full_cpp_throw_oom(unsigned long)", "", 0, "/usr/lib/libtcmalloc.so.4", 1, 1, false},
                {"std::__new_allocator<char>::allocate(unsigned long, void const*)", "/usr/include/c++/12/bits/new_allocator.h", 137, "/bin/app", 2, 2, true},
                {"std::vector<char>::vector(unsigned long)", "/usr/include/c++/12/bits/stl_vector.h", 566, "/bin/app", 2, 2, true},
                {"ctxheap::Context ctxheap::with_value<std::vector<char>, unsigned long const&>(ctxheap::Context const&)", "/w/collector/context/include/ctxheap/context/context.hpp", 203, "/bin/app", 3, 3, false},
                {"void std::__invoke_impl<void, F>(F&&)", "/opt/gcc/include/c++/13/bits/invoke.h", 61, "/bin/app", 4, 4, false},
                {"handle_request(ctxheap::Context const&, int)", "/w/samples/handler_leak.cpp", 23, "/bin/app", 5, 5, false},
                {"main", "/w/samples/handler_leak.cpp", 38, "/bin/app", 6, 6, false},
            }),
            "handle_request(ctxheap::Context const&, int) @23");
  EXPECT_EQ(site_of({
                {"operator new(unsigned long)", "", 0, "/bin/app", 1, 1, false},
                {"ctxheap::(anonymous namespace)::make_deadline(ctxheap::Context const&)", "factories.cpp", 44, "/bin/app", 2, 2, false},
                {"(anonymous namespace)::worker_loop(int)", "/w/app.cpp", 9, "/bin/app", 3, 3, false},
            }),
            "(anonymous namespace)::worker_loop(int) @9");
}

TEST(CreationSite, ThreadStartFramesAndLibcAreRuntime) {
  EXPECT_EQ(site_of({
                {"ctxheap::with_cancel(ctxheap::Context const&)", "/w/collector/context/src/factories.cpp", 27, "/bin/app", 1, 1, false},
                {"start_thread", "./nptl/pthread_create.c", 442, "/usr/lib/x86_64-linux-gnu/libc.so.6", 2, 2, false},
                {"__clone3", "", 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", 3, 3, false},
            }),
            "ctxheap::with_cancel(ctxheap::Context const&) @27");  // all runtime: the innermost named frame
}

TEST(CreationSite, DescriptionHasFunctionFileNameAndLine) {
  ProfileMaker m;
  m.add(Ctx(5, ContextKind::Cancel).at("handle_request(ctxheap::Context const&, int)", "/w/samples/handler_leak.cpp", 25));
  m.add(Ctx(1, ContextKind::Background));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(describe_site(*a.profile, a.site_of(0)), "handle_request(ctxheap::Context const&, int) handler_leak.cpp:25");
  EXPECT_EQ(describe_site(*a.profile, a.site_of(1)), "<background>");
}

TEST(Suspects, StaleEntriesAreGroupedByRegistrarAndCreationSite) {
  ProfileMaker m = with_server();
  m.add(Ctx(50, ContextKind::Cancel).from(1).named("other"));
  add_request(m, 17, 18);
  add_request(m, 19, 20);
  add_request(m, 21, 22, true, 4096, 120);  // another line: another site
  m.add(Ctx(23, ContextKind::Cancel).from(50).under(50).dropped().at("handle_request", "handler.cpp", 88).inuse(1, 272));
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.stale_groups.size(), 3u);
  const StaleGroup& top = a.stale_groups[0];
  EXPECT_EQ(top.registrar_id, 16u);
  EXPECT_EQ(top.entries, 2u);
  EXPECT_EQ(top.cancel_dropped, 2u);
  EXPECT_EQ(a.sites[top.site].line, 88u);
  EXPECT_EQ(top.retained.bytes, 2 * (272u + 4096 + 176));
  EXPECT_EQ(a.stale_groups[1].entries, 1u);
  EXPECT_EQ(a.stale_groups[1].registrar_id, 16u);
  EXPECT_EQ(a.stale_groups[2].registrar_id, 50u);
  for (const StaleChild& s : a.findings.stale) {
    const StaleGroup& g = a.stale_groups[s.group];
    EXPECT_EQ(g.registrar_id, s.registrar_id);
    EXPECT_EQ(g.site, s.site);
  }
}

TEST(Suspects, SentenceNamesParentSitesCountReasonRetainedAndShare) {
  ProfileMaker m = with_server();
  for (ContextId id = 100; id < 100 + 2 * 150; id += 2) add_request(m, id, id + 1);
  m.builder().totals().no_context = {10, 1'000'000, 0, 0};
  const Analysis a = std::move(m).analyze();
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_EQ(a.suspects[0].rank, 1u);
  EXPECT_EQ(a.suspects[0].sentence,
            "Context #16 \"server\" (created at main server.cpp:42) holds 150 uncancelled children created at "
            "handle_request handler.cpp:88 whose cancel was dropped; they retain 665.6 KiB (41 % of in-use heap).");
}

TEST(Suspects, IdleChildrenInAGrowingSetAreSaidSo) {
  AnalysisOptions options;
  options.findings.growing_registrars = {16};  // as analyze_series finds over a growing series
  ProfileMaker m = with_server();
  m.add(Ctx(20, ContextKind::Cancel).from(16).under(16).at("poll", "poller.cpp", 7).created(kNow - 600 * kSecond).last_alloc(0).inuse(1, 100000));
  const Analysis a = std::move(m).analyze(options);
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_EQ(a.suspects[0].sentence,
            "Context #16 \"server\" (created at main server.cpp:42) holds 1 uncancelled child created at poll poller.cpp:7 "
            "that has been idle for over 1.0 min with its cancel kept but never called while the set keeps growing; it "
            "retains 97.7 KiB (99.7 % of in-use heap).");
}

TEST(Suspects, AGroupBelowBothThresholdsIsNotASuspect) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18);  // 4.4 KiB
  m.builder().totals().no_context = {1, 100'000'000, 0, 0};
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.stale_groups.size(), 1u);
  EXPECT_FALSE(a.stale_groups[0].suspect);
  EXPECT_TRUE(a.suspects.empty());
}

TEST(Suspects, ManySmallEntriesAreASuspectEvenBelowTheShare) {
  ProfileMaker m = with_server();
  for (ContextId id = 100; id < 100 + 100; ++id)
    m.add(Ctx(id, ContextKind::Cancel).from(16).under(16).dropped().at("tick", "t.cpp", 3).inuse(1, 8));
  m.builder().totals().no_context = {1, 100'000'000, 0, 0};
  AnalysisOptions options;
  EXPECT_EQ(ProfileMaker(std::move(m)).analyze(options).suspects.size(), 1u);
}

TEST(Suspects, ThresholdsAreConfigurable) {
  auto make = [] {
    ProfileMaker m = with_server();
    add_request(m, 17, 18);
    m.builder().totals().no_context = {1, 100'000'000, 0, 0};
    return m;
  };
  AnalysisOptions options;
  options.suspects.min_heap_share = 0.00001;
  EXPECT_EQ(make().analyze(options).suspects.size(), 1u);
  options.suspects.min_heap_share = 2;
  options.suspects.min_entries = 1;
  EXPECT_EQ(make().analyze(options).suspects.size(), 1u);
}

TEST(Suspects, RankedByRetainedBytesAndCutAtTheLimit) {
  ProfileMaker m = with_server();
  for (ContextId g = 0; g < 5; ++g)
    m.add(Ctx(100 + g, ContextKind::Cancel).from(16).under(16).dropped().at("f" + std::to_string(g), "x.cpp", 1).inuse(1, 1000 * (g + 1)));
  AnalysisOptions options;
  options.suspects.max_suspects = 3;
  const Analysis a = std::move(m).analyze(options);
  ASSERT_EQ(a.suspects.size(), 3u);
  EXPECT_EQ(a.stale_groups[a.suspects[0].group].retained.bytes, 5000u);
  EXPECT_EQ(a.stale_groups[a.suspects[1].group].retained.bytes, 4000u);
  EXPECT_EQ(a.stale_groups[a.suspects[2].group].retained.bytes, 3000u);
  EXPECT_EQ(a.suspects[2].rank, 3u);
  EXPECT_EQ(a.summary.suspects, 5u);  // the count stays exact: 2 more are suspects, not listed
}

TEST(Suspects, NoStaleEntriesNoSuspects) {
  ProfileMaker m = with_server();
  add_request(m, 17, 18, /*dropped=*/false);
  const Analysis a = std::move(m).analyze();
  EXPECT_TRUE(a.stale_groups.empty());
  EXPECT_TRUE(a.suspects.empty());
}

}  // namespace

namespace {

using namespace ctxheap_test;

/// Two leaking sites under the server: 100 small entries at :88 and 10 big ones at :120.
Profile two_leaks() {
  ProfileMaker m = with_server();
  for (ContextId r = 0; r < 100; ++r) add_request(m, 100 + 2 * r, 101 + 2 * r, true, 64, 88);
  for (ContextId r = 0; r < 10; ++r) add_request(m, 1000 + 2 * r, 1001 + 2 * r, true, 1 << 20, 120);
  return std::move(m).profile();
}

TEST(Ranking, SuspectsRankByRetainedBytesByDefaultAndByCountOnRequest) {
  const Analysis by_bytes = analyze(two_leaks());
  ASSERT_EQ(by_bytes.suspects.size(), 2u);
  EXPECT_EQ(by_bytes.stale_groups[by_bytes.suspects[0].group].entries, 10u);
  AnalysisOptions options;
  options.suspects.rank_by = SuspectRanking::Count;
  const Analysis by_count = analyze(two_leaks(), options);
  ASSERT_EQ(by_count.suspects.size(), 2u);
  EXPECT_EQ(by_count.stale_groups[by_count.suspects[0].group].entries, 100u);
  EXPECT_EQ(by_count.suspects[0].rank, 1u);
  EXPECT_EQ(to_string(SuspectRanking::Count), "count");
}

}  // namespace
