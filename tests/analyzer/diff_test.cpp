// Diff: within a run contexts match by id; across runs by creation-site path, so new
// ids and shifted lines still match. Stale groups come out fixed, new or persisting.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

/// A run of the "handler" program: server at server.cpp:<server_line>, `stale` leaking
/// requests at handler.cpp:<request_line>, ids starting at `first_id`.
Analysis handler_run(std::uint32_t pid, std::uint64_t now_s, ContextId first_id, int stale, int fixed,
                     std::uint32_t server_line = 42, std::uint32_t request_line = 88, std::string file = "handler.cpp") {
  ProfileMaker m(now_s * kSecond, pid);
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(first_id, ContextKind::Cancel).from(1).named("server").at("main", "server.cpp", server_line).inuse(1, 264));
  ContextId id = first_id + 1;
  for (int r = 0; r < stale; ++r, id += 2) {
    m.add(Ctx(id, ContextKind::Value).from(first_id).at("handle_request", file, request_line - 2).inuse(2, 4272));
    m.add(Ctx(id + 1, ContextKind::Cancel).from(id).under(first_id).named("request").dropped().at("handle_request", file, request_line).inuse(1, 272));
  }
  for (int r = 0; r < fixed; ++r, id += 2) {  // cancelled properly: gone from the set, memory freed
    m.add(Ctx(id, ContextKind::Value).from(first_id).at("handle_request", file, request_line - 2).inuse(0, 0, 2, 4272));
    m.add(Ctx(id + 1, ContextKind::Cancel).from(id).named("request").ended(ContextState::Cancelled, now_s * kSecond - 1).destroyed().at("handle_request", file, request_line).inuse(0, 0, 1, 272));
  }
  return std::move(m).analyze();
}

TEST(Diff, WithinOneRunContextsMatchById) {
  const Analysis before = handler_run(7, 10, 16, 100, 0);
  const Analysis after = handler_run(7, 20, 16, 300, 0);
  const ProfileDiff d = diff(before, after);
  EXPECT_EQ(d.mode, MatchMode::ById);
  ASSERT_EQ(d.parents.size(), 1u);
  EXPECT_EQ(before.context(d.parents[0].before.context).id, 16u);
  EXPECT_EQ(after.context(d.parents[0].after.context).id, 16u);
  EXPECT_EQ(d.parents[0].before.registered_children, 100u);
  EXPECT_EQ(d.parents[0].after.registered_children, 300u);
  EXPECT_EQ(d.parents[0].after.stale_children, 300u);
  ASSERT_EQ(d.groups.size(), 1u);
  EXPECT_EQ(d.groups[0].change, GroupChange::Persisting);
  EXPECT_EQ(d.groups[0].entries_before, 100u);
  EXPECT_EQ(d.groups[0].entries_after, 300u);
  EXPECT_EQ(d.groups[0].sentence,
            "Still there: #16 \"server\" (created at main server.cpp:42) holds 300 stale children created at "
            "handle_request handler.cpp:88 (was 100) that retain 1.3 MiB (was 443.8 KiB).");
  EXPECT_EQ(d.stale_before, 100u);
  EXPECT_EQ(d.stale_after, 300u);
}

TEST(Diff, AcrossRunsTheFixedGroupIsListedAsFixedDespiteNewIdsAndShiftedLines) {
  const Analysis before = handler_run(7, 10, 16, 200, 0);
  const Analysis after = handler_run(8, 10, 500, 0, 200, 45, 91);
  const ProfileDiff d = diff(before, after);
  EXPECT_EQ(d.mode, MatchMode::ByCreationPath);
  ASSERT_EQ(d.count(GroupChange::Fixed), 1u);
  EXPECT_EQ(d.count(GroupChange::New), 0u);
  const StaleGroupDelta& fixed = d.groups[0];
  EXPECT_EQ(fixed.change, GroupChange::Fixed);
  EXPECT_EQ(fixed.entries_before, 200u);
  EXPECT_EQ(fixed.entries_after, 0u);
  EXPECT_TRUE(fixed.suspect_before);
  EXPECT_EQ(fixed.sentence,
            "Fixed: #16 \"server\" (created at main server.cpp:42) no longer holds the 200 stale children created at "
            "handle_request handler.cpp:88 that retained 887.5 KiB.");
  // The server matches across runs by its creation path, ids 16 and 500.
  ASSERT_EQ(d.parents.size(), 1u);
  EXPECT_EQ(before.context(d.parents[0].before.context).id, 16u);
  ASSERT_NE(d.parents[0].after.context, kNoIndex);
  EXPECT_EQ(after.context(d.parents[0].after.context).id, 500u);
  EXPECT_EQ(d.parents[0].after.registered_children, 0u);
}

TEST(Diff, PersistingAndNewGroupsAcrossRuns) {
  const Analysis before = handler_run(7, 10, 16, 50, 0);
  ProfileMaker m(10 * kSecond, 9);
  m.add(Ctx(1, ContextKind::Background));
  m.add(Ctx(600, ContextKind::Cancel).from(1).named("server").at("main", "server.cpp", 44));
  m.add(Ctx(601, ContextKind::Cancel).from(600).under(600).dropped().at("handle_request", "handler.cpp", 90).inuse(1, 272));
  m.add(Ctx(602, ContextKind::Cancel).from(600).under(600).dropped().at("poll_events", "poller.cpp", 12).inuse(1, 100));
  const Analysis after = std::move(m).analyze();
  const ProfileDiff d = diff(before, after);
  EXPECT_EQ(d.count(GroupChange::Persisting), 1u);
  EXPECT_EQ(d.count(GroupChange::New), 1u);
  EXPECT_EQ(d.count(GroupChange::Fixed), 0u);
  const StaleGroupDelta& added = d.groups[0];  // new before persisting
  EXPECT_EQ(added.change, GroupChange::New);
  EXPECT_EQ(added.sentence,
            "New: #600 \"server\" (created at main server.cpp:44) holds 1 stale child created at poll_events poller.cpp:12 "
            "that retains 100 B.");
  EXPECT_EQ(d.groups[1].entries_before, 50u);
  EXPECT_EQ(d.groups[1].entries_after, 1u);
}

TEST(Diff, PerSiteDeltasMatchSitesByFunctionAndFile) {
  const Analysis before = handler_run(7, 10, 16, 10, 0);
  const Analysis after = handler_run(8, 10, 900, 3, 7, 50, 95);
  const ProfileDiff d = diff(before, after);
  // The request site (the second line of handle_request in each run: 88, then 95).
  const SiteDelta* request = nullptr;
  for (const SiteDelta& s : d.sites)
    if (s.before.site != kNoIndex && before.sites[s.before.site].line == 88) request = &s;
  ASSERT_NE(request, nullptr);
  ASSERT_NE(request->after.site, kNoIndex);
  EXPECT_EQ(after.sites[request->after.site].line, 95u);
  EXPECT_EQ(request->before.contexts, 10u);  // the body (line 86) is a site of its own
  EXPECT_EQ(request->after.contexts, 10u);
  EXPECT_EQ(request->before.stale, 10u);
  EXPECT_EQ(request->after.stale, 3u);
  EXPECT_EQ(request->before.self.inuse_bytes(), 10u * 272);
  EXPECT_EQ(request->after.self.inuse_bytes(), 3u * 272);
  EXPECT_EQ(describe_site_delta(before, after, *request), "handle_request handler.cpp:95 (before: handle_request handler.cpp:88)");
}

TEST(Diff, AcrossRunsTwoSitesOfOneFunctionStayApartEachWithItsOwnLine) {
  // Before: one leaking site at handler.cpp:22. After (lines moved): :23 and a new :25.
  ProfileMaker b(10 * kSecond, 7);
  b.add(Ctx(1, ContextKind::Background));
  b.add(Ctx(16, ContextKind::Cancel).from(1).named("server").at("main", "server.cpp", 42).inuse(1, 264));
  for (ContextId id = 100; id < 120; ++id) b.add(Ctx(id, ContextKind::Cancel).from(16).under(16).dropped().at("handle", "handler.cpp", 22).inuse(1, 1000));
  const Analysis before = std::move(b).analyze();
  ProfileMaker a(10 * kSecond, 8);
  a.add(Ctx(1, ContextKind::Background));
  a.add(Ctx(16, ContextKind::Cancel).from(1).named("server").at("main", "server.cpp", 42).inuse(1, 264));
  for (ContextId id = 100; id < 110; ++id) a.add(Ctx(id, ContextKind::Cancel).from(16).under(16).dropped().at("handle", "handler.cpp", 23).inuse(1, 1000));
  for (ContextId id = 200; id < 205; ++id) a.add(Ctx(id, ContextKind::Cancel).from(16).under(16).dropped().at("handle", "handler.cpp", 25).inuse(1, 1000));
  const Analysis after = std::move(a).analyze();
  const ProfileDiff d = diff(before, after);
  EXPECT_EQ(d.mode, MatchMode::ByCreationPath);
  ASSERT_EQ(d.groups.size(), 2u);
  EXPECT_EQ(d.count(GroupChange::New), 1u);
  EXPECT_EQ(d.count(GroupChange::Persisting), 1u);
  for (const StaleGroupDelta& g : d.groups) {
    if (g.change == GroupChange::New) {
      EXPECT_EQ(g.entries_after, 5u);
      EXPECT_NE(g.sentence.find("created at handle handler.cpp:25 that retain"), std::string::npos) << g.sentence;
    } else {
      EXPECT_EQ(g.entries_before, 20u);
      EXPECT_EQ(g.entries_after, 10u);
      EXPECT_NE(g.sentence.find("created at handle handler.cpp:23 (before: handle handler.cpp:22)"), std::string::npos) << g.sentence;
    }
  }
  std::size_t handle_sites = 0;
  for (const SiteDelta& s : d.sites)
    if (s.after.site != kNoIndex && after.profile->str(after.sites[s.after.site].function) == "handle") ++handle_sites;
  EXPECT_EQ(handle_sites, 2u);
}

TEST(Diff, ARenamedFileStillMatchesByFunctionWhenUnambiguous) {
  const Analysis before = handler_run(7, 10, 16, 10, 0, 42, 88, "handler_leak.cpp");
  const Analysis after = handler_run(8, 10, 16, 10, 0, 42, 88, "handler_fixed.cpp");
  const ProfileDiff d = diff(before, after);
  EXPECT_EQ(d.count(GroupChange::Persisting), 1u);
  EXPECT_EQ(d.count(GroupChange::Fixed), 0u);
}

TEST(Diff, ModeCanBeForced) {
  const Analysis before = handler_run(7, 10, 16, 10, 0);
  const Analysis after = handler_run(7, 20, 16, 10, 0);
  DiffOptions options;
  options.match = MatchMode::ByCreationPath;
  EXPECT_EQ(diff(before, after, options).mode, MatchMode::ByCreationPath);
  EXPECT_TRUE(same_run(*before.profile, *after.profile));
  EXPECT_TRUE(same_run(*after.profile, *before.profile));  // one run whatever the argument order
}

/// Two gperftools heap dumps of one program: allocation sites, no contexts.
Analysis dump_without_contexts(std::uint64_t now_s, std::uint64_t body_bytes) {
  ProfileBuilder b;
  b.meta().source_kind = "gperftools";
  b.meta().program = "server";
  b.meta().pid = 7;
  b.meta().wall_time_ns = now_s * kSecond;
  const std::vector<FrameText> frames = {{"make_body(int)", "server.cpp", 20, "server", 0x4010, 0x10},
                                         {"main", "server.cpp", 40, "server", 0x4020, 0x20}};
  Site site;
  site.stack = b.add_stack(std::span<const FrameText>(frames));
  site.estimated = {body_bytes / 64, body_bytes, body_bytes / 64, body_bytes};
  site.sampled = site.estimated;
  b.add_site(site);
  return analyze(std::move(b).finish());
}

TEST(Diff, TheMatchRuleIsWordedByTheAnalyzerForEveryOutput) {
  EXPECT_EQ(match_rule_text(diff(handler_run(7, 10, 16, 10, 0), handler_run(7, 20, 16, 10, 0))), "contexts matched by id (same run)");
  EXPECT_EQ(match_rule_text(diff(handler_run(7, 10, 16, 10, 0), handler_run(8, 10, 500, 0, 10))),
            "contexts matched by creation path (different runs)");
}

TEST(Diff, DumpsWithoutContextsSayNoContextsWereMatched) {
  const ProfileDiff d = diff(dump_without_contexts(10, 4096), dump_without_contexts(20, 8192));
  EXPECT_FALSE(d.contexts);
  EXPECT_EQ(match_rule_text(d), "no contexts to match: allocation stacks compared by function");
  // One side with contexts is enough for the contexts rule.
  EXPECT_TRUE(diff(dump_without_contexts(10, 4096), handler_run(7, 20, 16, 10, 0)).contexts);
}

}  // namespace
