// Go's legacy text profiles (runtime/pprof debug=1) read with the same results as their
// proto twins, written by the same process one after the other (tests/data/go/field).
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

std::string field(const std::string& relative) { return "go/field/profiles/" + relative; }

std::uint64_t inuse_bytes(const Profile& p) {
  std::uint64_t n = 0;
  for (const Site& s : p.sites) n += s.estimated.inuse_bytes;
  return n;
}

TEST(GoTextProfiles, HeapTextOfADefaultRateRunGivesTheSameSuspectsAsItsProtoTwin) {
  for (const char* scenario : {"stopper", "podworkers", "timerheld", "stopper_fixed"}) {
    for (const char* run : {"run1", "run2"}) {
      const std::string dir = field(std::string("go1.23/default/") + run + "/" + scenario + "/");
      const Profile text = load_profile(data(dir + "heap.txt"));
      const Profile proto = load_profile(data(dir + "heap.pb.gz"));
      // "@ heap/1048576": Go's default rate of 512 KiB, the header shows twice that.
      EXPECT_EQ(text.meta.sampling_interval_bytes, 512u * 1024u) << dir;
      EXPECT_EQ(text.meta.counters, CounterSource::SampledEstimate) << dir;
      const double a = static_cast<double>(inuse_bytes(text)), b = static_cast<double>(inuse_bytes(proto));
      if (b == 0) EXPECT_EQ(a, 0.0) << dir;  // nothing sampled in use
      else EXPECT_NEAR(a / b, 1.0, 0.02) << dir;
      const Analysis at = analyze(load_profile(data(dir + "heap.txt")));
      const Analysis ap = analyze(load_profile(data(dir + "heap.pb.gz")));
      ASSERT_EQ(at.suspects.size(), ap.suspects.size()) << dir;
      for (std::size_t i = 0; i < at.suspects.size(); ++i) {
        const StaleGroup& gt = at.stale_groups[at.suspects[i].group];
        const StaleGroup& gp = ap.stale_groups[ap.suspects[i].group];
        // The same count but for rounding: the proto's raw samples and sizes are recovered
        // from scaled values, the text's are written as sampled.
        EXPECT_NEAR(static_cast<double>(gt.entries), static_cast<double>(gp.entries), static_cast<double>(gp.entries) / 1000)
            << dir;
        EXPECT_NEAR(static_cast<double>(gt.retained.bytes) / static_cast<double>(gp.retained.bytes), 1.0, 0.02) << dir;
      }
    }
  }
}

TEST(GoTextProfiles, FullRateHeapTextCountsEveryChildLikeItsProtoTwin) {
  const std::string dir = field("go1.23/full/stopper/");
  const Profile text = load_profile(data(dir + "heap.txt"));
  EXPECT_EQ(text.meta.sampling_interval_bytes, 1u);  // "@ heap/2"
  EXPECT_EQ(text.meta.counters, CounterSource::Exact);
  const Analysis at = analyze(load_profile(data(dir + "heap.txt")));
  const Analysis ap = analyze(load_profile(data(dir + "heap.pb.gz")));
  ASSERT_EQ(at.suspects.size(), 1u);
  ASSERT_EQ(ap.suspects.size(), 1u);
  EXPECT_EQ(at.stale_groups[at.suspects[0].group].entries, 10'000u);
  EXPECT_EQ(ap.stale_groups[ap.suspects[0].group].entries, 10'000u);
  EXPECT_NE(at.suspects[0].sentence.find("WithCancelOnQuiesce"), std::string::npos) << at.suspects[0].sentence;
}

TEST(GoTextProfiles, GoroutineTextFindsTheSameParkedWorkersAsItsProtoTwin) {
  for (const char* dir : {"go1.23/full/workers/", "go1.19/full/workers/", "go1.23/full/bridge/", "go1.19/full/bridge/"}) {
    const std::string t = interop_test::read_file(data(field(std::string(dir) + "goroutine.txt")));
    const std::string b = interop_test::read_file(data(field(std::string(dir) + "goroutine.pb.gz")));
    Profile text = read_profile_bytes(std::as_bytes(std::span<const char>(t)));
    Profile proto = read_profile_bytes(std::as_bytes(std::span<const char>(b)));
    EXPECT_EQ(text.meta.source_kind, "goroutine");
    const auto bt = golang::report_blocked_goroutines(text);
    const auto bp = golang::report_blocked_goroutines(proto);
    ASSERT_FALSE(bp.empty()) << dir;
    ASSERT_EQ(bt.size(), bp.size()) << dir;
    for (std::size_t i = 0; i < bt.size(); ++i) {
      EXPECT_EQ(bt[i].goroutines, bp[i].goroutines) << dir;
      EXPECT_EQ(bt[i].waiting_in, bp[i].waiting_in) << dir;
      EXPECT_EQ(bt[i].in_context_package, bp[i].in_context_package) << dir;
    }
    EXPECT_GE(bp.front().goroutines, 10'000u) << dir;  // 10,000 workers or watchers
  }
}

TEST(GoTextProfiles, UnknownInputNamesTheFormatsTried) {
  interop_test::TempDir dir;
  interop_test::write_file(dir / "notes.txt", "these are not the profiles you are looking for\n");
  const auto r = interop_test::ctxheap(dir, "report notes.txt");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notes.txt: not a ctxheap snapshot, gperftools heap profile, pprof profile.proto"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Go debug=1 text heap or goroutine profile"), std::string::npos) << r.err;
}

TEST(GoTextProfiles, MalformedGoTextIsOneLineNamingTheLine) {
  const std::string bad = "goroutine profile: total 3\n3 @ 0x1 zz\n";
  ReadOptions o;
  o.name = "g.txt";
  try {
    read_profile_bytes(std::as_bytes(std::span<const char>(bad)), o);
    FAIL() << "no error";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("g.txt: line 2: ", 0), 0u) << e.what();
  }
  const std::string heap = "heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x1\n#\t0xZZ\tmain.f+0x1\tf.go:1\n";
  o.name = "h.txt";
  EXPECT_THROW(read_profile_bytes(std::as_bytes(std::span<const char>(heap)), o), LoadError);
}

}  // namespace
