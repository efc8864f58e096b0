// Run identity: which inputs are one run, in which order, and what is refused. Inputs are
// shaped like a user's: snapshots of one process given in any order, gperftools dumps of
// two runs of one program, Go heap and goroutine profiles fetched together.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

/// A snapshot of process `pid` at `sequence`, `created` contexts made so far.
Profile snapshot(std::uint64_t sequence, std::uint32_t pid = 42, std::uint64_t created = 0) {
  ProfileMaker m = with_server(kNow + sequence * kSecond, pid);
  for (std::uint64_t k = 0; k < sequence; ++k) add_request(m, 100 + 2 * k, 101 + 2 * k);
  m.meta().sequence = sequence;
  m.meta().source_format = SourceFormat::CtxheapSnapshot;
  Profile p = std::move(m).profile();
  p.totals.contexts_created = created != 0 ? created : 2 + 2 * sequence;
  return p;
}

/// A gperftools heap dump as the heap profiler writes it: header totals are cumulative.
std::string gperftools_dump(std::uint64_t alloc_objects, std::uint64_t alloc_bytes, const std::string& program = "/usr/bin/app") {
  return "heap profile:    1:    64 [ " + std::to_string(alloc_objects) + ": " + std::to_string(alloc_bytes) +
         "] @ heapprofile\n     1:    64 [ " + std::to_string(alloc_objects) + ": " + std::to_string(alloc_bytes) +
         "] @ 0x401010 0x401020\n\nMAPPED_LIBRARIES:\n00400000-00500000 r-xp 00000000 08:01 123 " + program + "\n";
}

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string series_error(const std::vector<std::filesystem::path>& paths) {
  try {
    load_series(paths);
  } catch (const LoadError& e) {
    return e.what();
  }
  return {};
}

/// A Go profile of one program at wall time `wall_s`.
Profile go_profile(std::uint64_t wall_s, bool goroutines, std::uint64_t alloc_bytes) {
  ProfileMaker m(0, 0);
  m.meta().program = "/srv/api";
  m.meta().host.clear();
  m.meta().monotonic_time_ns = 0;
  m.meta().wall_time_ns = wall_s * kSecond;
  m.meta().source_format = SourceFormat::Pprof;
  m.meta().source_path = goroutines ? "goroutine.pb.gz" : "heap.pb.gz";
  if (goroutines) m.meta().source_kind = "goroutine";
  if (goroutines) m.meta().notes.push_back("12 goroutines parked on a context wait.");
  Profile p = std::move(m).profile();
  p.totals.no_context = {alloc_bytes / 64, alloc_bytes, 0, 0};
  return p;
}

TEST(RunIdentity, SameRunIsTheSameAnswerInEitherArgumentOrder) {
  const Profile first = snapshot(1), second = snapshot(2);
  EXPECT_TRUE(same_run(first, second));
  EXPECT_TRUE(same_run(second, first));
  EXPECT_TRUE(taken_before(first, second));
  EXPECT_FALSE(taken_before(second, first));
}

TEST(RunIdentity, SnapshotsOfOneRunAreOrderedBySequenceWhateverTheOrderGiven) {
  std::vector<Profile> given;
  given.push_back(snapshot(3));
  given.push_back(snapshot(1));
  given.push_back(snapshot(2));
  order_series(given);
  ASSERT_EQ(given.size(), 3u);
  EXPECT_EQ(given[0].meta.sequence, 1u);
  EXPECT_EQ(given[1].meta.sequence, 2u);
  EXPECT_EQ(given[2].meta.sequence, 3u);
  EXPECT_EQ(shape_of_inputs(given), InputsShape::OneRun);
}

TEST(RunIdentity, APidReusedByALaterRunIsAnotherRun) {
  // Same program, pid and host, but the "later" snapshot has seen fewer contexts created.
  const Profile a = snapshot(1, 42, 5000), b = snapshot(2, 42, 40);
  EXPECT_FALSE(same_run(a, b));
  EXPECT_FALSE(same_run(b, a));
}

TEST(RunIdentity, TwoRunsAreABeforeAfterComparisonInTheOrderGiven) {
  std::vector<Profile> two;
  two.push_back(snapshot(2, 100));
  two.push_back(snapshot(1, 200));
  EXPECT_EQ(shape_of_inputs(two), InputsShape::TwoRuns);
}

TEST(RunIdentity, ASeriesMixingRunsIsRefusedWithOneLineNamingTheStranger) {
  std::vector<Profile> mixed;
  mixed.push_back(snapshot(1, 100));
  mixed.push_back(snapshot(2, 100));
  mixed.push_back(snapshot(3, 200));
  mixed[2].meta.source_path = "other.0003.ctxheap";
  try {
    order_series(mixed);
    FAIL() << "a series mixing runs was accepted";
  } catch (const LoadError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_TRUE(message.starts_with("other.0003.ctxheap: not from the same run")) << message;
  }
  EXPECT_THROW((void)shape_of_inputs(mixed), LoadError);
}

TEST(RunIdentity, OneSnapshotGivenTwiceIsRefused) {
  std::vector<Profile> twice;
  twice.push_back(snapshot(2));
  twice.push_back(snapshot(2));
  EXPECT_THROW(order_series(twice), LoadError);
}

TEST(RunIdentity, GperftoolsDumpsOfOneRunAreASeriesInDumpOrder) {
  TempDir dir;
  const auto second = write_file(dir, "app.0002.heap", gperftools_dump(900, 90000));
  const auto first = write_file(dir, "app.0001.heap", gperftools_dump(300, 30000));
  const auto series = load_series({second, first});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].meta.sequence, 1u);
  EXPECT_EQ(series[1].meta.sequence, 2u);
}

TEST(RunIdentity, GperftoolsSampleHeapNamesAreNumberedToo) {
  TempDir dir;
  const auto second = write_file(dir, "app.0002.sample.heap", gperftools_dump(900, 90000));
  const auto first = write_file(dir, "app.0001.sample.heap", gperftools_dump(300, 30000));
  const auto series = load_series({second, first});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].meta.sequence, 1u);
  EXPECT_EQ(series[1].meta.sequence, 2u);
}

TEST(RunIdentity, GperftoolsDumpsWhoseCumulativeTotalsFallAreTwoRuns) {
  // Two runs of one program (say with pymalloc and with malloc): the "later" dump has
  // allocated less than the earlier one, which no single run can do.
  TempDir dir;
  const auto a = write_file(dir, "py.0001.heap", gperftools_dump(5000, 800000, "/usr/bin/python3"));
  const auto b = write_file(dir, "py.0002.heap", gperftools_dump(700, 90000, "/usr/bin/python3"));
  const std::string message = series_error({a, b});
  EXPECT_NE(message.find("not from the same run"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(RunIdentity, GperftoolsDumpsWithDifferentPrefixesAreTwoRuns) {
  TempDir dir;
  const auto a = write_file(dir, "pymalloc.0001.heap", gperftools_dump(300, 30000, "/usr/bin/python3"));
  const auto b = write_file(dir, "malloc.0002.heap", gperftools_dump(900, 90000, "/usr/bin/python3"));
  EXPECT_NE(series_error({a, b}).find("not from the same run"), std::string::npos);
}

TEST(RunIdentity, GoProfilesOfOneRunHaveRisingTotalsAndTimes) {
  EXPECT_TRUE(same_run(go_profile(100, false, 1 << 20), go_profile(160, false, 3 << 20)));
  // Later in time but fewer bytes ever allocated: a restart.
  EXPECT_FALSE(same_run(go_profile(100, false, 3 << 20), go_profile(160, false, 1 << 20)));
}

TEST(RunIdentity, AGoHeapAndGoroutineProfileOfOneMomentPairUp) {
  std::vector<Profile> inputs;
  inputs.push_back(go_profile(160, true, 0));
  inputs.push_back(go_profile(100, false, 1 << 20));
  inputs.push_back(go_profile(161, false, 3 << 20));
  EXPECT_TRUE(same_moment(inputs[0], inputs[2]));
  EXPECT_FALSE(same_moment(inputs[0], inputs[1]));
  order_series(inputs);
  ASSERT_EQ(inputs.size(), 2u);  // the goroutine profile joined the heap profile of its moment
  EXPECT_EQ(inputs[0].meta.wall_time_ns, 100 * kSecond);
  EXPECT_EQ(inputs[1].meta.wall_time_ns, 161 * kSecond);
  const auto& notes = inputs[1].meta.notes;
  EXPECT_NE(std::find(notes.begin(), notes.end(), "Goroutine profile: 12 goroutines parked on a context wait."), notes.end());
}

TEST(SnapshotNumber, IsTheNumberTheFileNameCarriesForEveryFormat) {
  TempDir dir;
  const Profile dump = load_profile(write_file(dir, "app.0005.heap", gperftools_dump(300, 30000)));
  EXPECT_EQ(snapshot_number(dump.meta), 5u);
  Profile snap = snapshot(4);  // the collector writes sequence 4 as app.0005.ctxheap
  EXPECT_EQ(snapshot_number(snap.meta), 5u);
  EXPECT_EQ(snapshot_number(go_profile(100, false, 1).meta), 0u);
}

}  // namespace
