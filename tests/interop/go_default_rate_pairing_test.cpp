// Heap and goroutine profiles of one moment at Go's default rate (512 KiB): the goroutine
// profile's exact count decides even when the heap profile holds too few samples of the
// children to infer them (heap profiles generated here to that shape; and the five
// committed default-rate runs of the worker pool and the bridge, tests/data/go/field).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/series.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

std::filesystem::path field(const std::string& relative) { return data("go/field/profiles/" + relative); }

std::string warnings_of(const Analysis& a) {
  std::string out;
  for (const auto& w : a.warnings) out += w + "\n";
  return out;
}

constexpr std::uint64_t kRate = 512 * 1024;

/// A default-rate heap profile of a bridge-like program (main.serve wraps each request in
/// a value, then calls WithCancel under a custom parent): the raw samples given, scaled as
/// Go scales them.
struct HeapSamples {
  std::uint64_t propagate_allocated = 0;  ///< propagateCancel allocations sampled, none in use
  std::uint64_t values_in_use = 0;        ///< 48-byte valueCtx samples in use
};
Profile bridge_heap(const HeapSamples& h) {
  ProfileBuilder b;
  b.meta().source_format = SourceFormat::Pprof;
  b.meta().sampling_interval_bytes = kRate;
  const FrameText serve{"main.serve", "app/main.go", 30, "", 0x401200};
  const FrameText main_main{"main.main", "app/main.go", 43, "", 0x401300};
  const auto site = [&](std::vector<FrameText> frames, std::uint64_t inuse, std::uint64_t allocated, std::uint64_t size) {
    if (allocated == 0) return;
    Site s;
    s.stack = b.add_stack(std::span<const FrameText>(frames));
    s.sampled = {allocated, allocated * size, inuse, inuse * size};
    const double scale = 1 / sample_probability(static_cast<double>(size), kRate);
    const auto n = [&](std::uint64_t k) { return static_cast<std::uint64_t>(std::llround(static_cast<double>(k) * scale)); };
    s.estimated = {n(allocated), n(allocated) * size, n(inuse), n(inuse) * size};
    b.add_site(s);
  };
  site({{"context.(*cancelCtx).propagateCancel", "context/context.go", 509, "", 0x4a0030},
        {"context.withCancel", "context/context.go", 273, "", 0x4a0040},
        {"context.WithCancel", "context/context.go", 236, "", 0x4a0020}, serve, main_main},
       0, h.propagate_allocated, 48);
  FrameText value_line = serve;
  value_line.line = 29;
  value_line.address = 0x401180;
  site({{"context.WithValue", "context/context.go", 723, "", 0x4a0050}, value_line, main_main}, h.values_in_use,
       h.values_in_use, 48);
  Profile p = std::move(b).finish();
  golang::recognize_context_leaks(p);
  return p;
}

/// A goroutine profile: `n` goroutines parked in a select in context's own watcher.
Profile watchers(std::uint64_t n) {
  ProfileBuilder b;
  b.meta().source_format = SourceFormat::Pprof;
  b.meta().source_kind = "goroutine";
  Site s;
  const std::vector<FrameText> frames = {{"runtime.gopark", "runtime/proc.go", 424, "", 0x46aeae},
                                         {"runtime.selectgo", "runtime/select.go", 335, "", 0x44a7a5},
                                         {"context.(*cancelCtx).propagateCancel.func2", "context/context.go", 510, "", 0x489eb8}};
  s.stack = b.add_stack(std::span<const FrameText>(frames));
  s.estimated = {n, 0, n, 0};
  s.sampled = s.estimated;
  b.add_site(s);
  return std::move(b).finish();
}

const Context* children_of(const Profile& p) {
  for (const Context& c : p.contexts)
    if (c.inferred && c.registered_under_id != 0) return &c;
  return nullptr;
}

std::string creation_function(const Profile& p, const Context& c) {
  for (const Frame& f : p.stack_frames(c.creation_stack))
    if (!p.str(f.function).starts_with("context.") && !p.str(f.function).starts_with("runtime.")) return std::string(p.str(f.function));
  return "";
}

TEST(GoDefaultRatePairing, WatchersNoInferredSetExplainsAreCountedExactlyAtTheUndecidedCreationSiteTheirCountFits) {
  // One propagateCancel allocation under main.serve sampled, none in use: too thin for the
  // heap alone, enough to name where 10,000 exact watchers' children were created.
  Profile heap = bridge_heap({.propagate_allocated = 1, .values_in_use = 0});
  ASSERT_EQ(children_of(heap), nullptr);
  golang::use_goroutine_profile(heap, watchers(10'000));
  const Context* c = children_of(heap);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->count, 10'000u);
  EXPECT_FALSE(c->count_sampled);  // goroutine profiles are not sampled
  EXPECT_EQ(c->waiters, 10'000);
  EXPECT_EQ(creation_function(heap, *c), "main.serve");
  std::string notes;
  for (const auto& n : heap.meta.notes) notes += n + "\n";
  EXPECT_NE(notes.find("are counted as children created at main.serve"), std::string::npos) << notes;
  const Analysis a = analyze(std::move(heap));
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_NE(a.suspects[0].sentence.find("created at main.serve"), std::string::npos) << a.suspects[0].sentence;
}

TEST(GoDefaultRatePairing, WithNoCreationSampleTheWatchersAreNamedWhereTheirRequestsValuesWereMade) {
  Profile heap = bridge_heap({.propagate_allocated = 0, .values_in_use = 1});
  golang::use_goroutine_profile(heap, watchers(10'000));
  const Context* c = children_of(heap);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->count, 10'000u);
  EXPECT_EQ(creation_function(heap, *c), "main.serve");
  std::string notes;
  for (const auto& n : heap.meta.notes) notes += n + "\n";
  EXPECT_NE(notes.find("are counted as children derived in main.serve"), std::string::npos) << notes;
}

TEST(GoDefaultRatePairing, WithNoHeapEvidenceTheWatchersAreCountedWhereTheyWait) {
  Profile heap = bridge_heap({});
  golang::use_goroutine_profile(heap, watchers(10'000));
  const Context* c = children_of(heap);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->count, 10'000u);
  EXPECT_EQ(creation_function(heap, *c), "");  // only context's own frames: where they wait
  const Analysis a = analyze(std::move(heap));
  ASSERT_EQ(a.suspects.size(), 1u);
  EXPECT_NE(a.suspects[0].sentence.find("propagateCancel.func2"), std::string::npos) << a.suspects[0].sentence;
}

TEST(GoDefaultRatePairing, FewerParkedGoroutinesThanTheInFlightBoundInferNothing) {
  Profile heap = bridge_heap({.propagate_allocated = 1, .values_in_use = 0});
  golang::use_goroutine_profile(heap, watchers(golang::kParkedGoroutinesBound - 1));
  EXPECT_EQ(children_of(heap), nullptr);
}

TEST(GoDefaultRatePairing, WorkerAndBridgeLeaksFailCheckWithTheirCreationSiteInEveryCommittedRunAndFixesPass) {
  interop_test::TempDir dir;
  const auto q = [](const std::string& r) { return interop_test::sh_quote(field(r).string()); };
  for (int run = 1; run <= 5; ++run) {
    for (const auto& [scenario, site] : {std::pair<std::string, std::string>{"workers", "main.startWorkers"},
                                         std::pair<std::string, std::string>{"bridge", "main.serve"}}) {
      for (const bool fixed : {false, true}) {
        const std::string d = "go1.23/default/run" + std::to_string(run) + "/" + scenario + (fixed ? "_fixed/" : "/");
        const auto r = interop_test::ctxheap(dir, "check " + q(d + "heap.pb.gz") + " " + q(d + "goroutine.pb.gz"));
        EXPECT_EQ(r.exit_code, fixed ? 0 : 1) << d << "\n" << r.out << r.err;
        if (!fixed) {
          EXPECT_NE(r.out.find("created at " + site), std::string::npos) << d << "\n" << r.out;
        }
      }
    }
  }
}

TEST(GoDefaultRatePairing, ParkedGoroutinesBelowTheInFlightBoundAddNoSuspect) {
  // The busy server's ~1,000 requests parked in a select are work in flight: paired with
  // its heap profile they name nothing the heap profile did not.
  for (int run = 1; run <= 5; ++run) {
    const std::string d = "go1.23/default/run" + std::to_string(run) + "/busy/";
    auto profiles = load_series({field(d + "heap.pb.gz"), field(d + "goroutine.pb.gz")});
    ASSERT_EQ(profiles.size(), 1u) << d;
    const Analysis a = analyze(std::move(profiles.front()));
    EXPECT_EQ(warnings_of(a).find("are counted as children created at"), std::string::npos) << d << warnings_of(a);
  }
}

}  // namespace
