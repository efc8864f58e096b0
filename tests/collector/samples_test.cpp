// End to end: the sample programs run under the collector, and their snapshots say what
// each program really allocated.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "ctxheap/format/reader.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;

fmt::Snapshot run_sample(const std::string& name, const std::string& args, const std::string& env, int snapshot) {
  const auto prefix = ctxheap_test::temp_dir(name + "-e2e") / name;
  const std::string cmd = env + " " + CTXHEAP_SAMPLES_DIR "/" + name + " --out " + prefix.string() + " " + args + " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", snapshot);
  return fmt::read_snapshot(prefix.string() + suffix);
}

const std::string& name_of(const fmt::Snapshot& s, const fmt::ContextRecord& c) { return s.strings.at(c.name); }

TEST(Samples, HandlerLeakCountersMatchWhatEachRequestAllocated) {
  const auto snap = run_sample("handler_leak", "--requests 1000", "", 2);
  const fmt::ContextRecord* server = nullptr;
  for (const auto& c : snap.contexts)
    if (name_of(snap, c) == "server") server = &c;
  ASSERT_NE(server, nullptr);
  std::size_t children = 0, bodies = 0;
  for (const auto& c : snap.contexts) {
    if (name_of(snap, c) == "request") {
      ++children;
      EXPECT_EQ(c.registered_under_id, server->id);
      EXPECT_TRUE(c.cancel_dropped);
      // Its node stays; the response string (and its growth) was freed on return.
      EXPECT_EQ(c.alloc_objects - c.freed_objects, 1u) << "context #" << c.id << " (" << fmt::to_string(c.kind) << ")";
      EXPECT_GE(c.alloc_objects, 2u);
      EXPECT_GE(c.alloc_bytes - c.freed_bytes, 100u);
      EXPECT_GE(c.freed_bytes, 512u);
    } else if (name_of(snap, c) == "request.body") {
      ++bodies;
      EXPECT_EQ(c.alloc_objects - c.freed_objects, 2u);  // its node and the 4 KiB body
      EXPECT_GE(c.alloc_bytes - c.freed_bytes, 4096u);
      EXPECT_LT(c.alloc_bytes - c.freed_bytes, 4096u + 1024u);
    }
  }
  EXPECT_EQ(children, 1000u);
  EXPECT_EQ(bodies, 1000u);
}

TEST(Samples, HandlerFixedLeavesTheServerSetEmpty) {
  const auto snap = run_sample("handler_fixed", "--requests 1000", "", 2);
  for (const auto& c : snap.contexts) {
    if (name_of(snap, c) != "request") continue;
    EXPECT_EQ(c.registered_under_id, 0u);
    EXPECT_EQ(c.state, fmt::ContextState::Cancelled);
  }
}

TEST(Samples, FanoutLeakShowsBlockedWaiters) {
  const auto snap = run_sample("fanout_leak", "", "", 1);
  int workers = 0;
  for (const auto& c : snap.contexts) {
    if (name_of(snap, c) != "worker") continue;
    ++workers;
    EXPECT_EQ(c.waiters, 1);
    EXPECT_NE(c.registered_under_id, 0u);
  }
  EXPECT_EQ(workers, 8);
}

TEST(Samples, SampledOnlyModeRecordsSitesWithoutExactCounters) {
  const auto snap = run_sample("handler_leak", "--requests 200", "CTXHEAP_MODE=sampled CTXHEAP_SAMPLE=1", 2);
  std::uint64_t counted = 0, sampled = 0;
  for (const auto& c : snap.contexts) counted += c.alloc_objects;
  for (const auto& s : snap.sites) sampled += s.sampled_alloc_objects;
  EXPECT_EQ(counted, 0u);
  EXPECT_GE(sampled, 400u);  // every allocation of 200 requests is a sample
}

TEST(Samples, SampleIntervalOneRecordsEveryAllocationOfEveryContext) {
  // CTXHEAP_SAMPLE=1 means every allocation: the sampled sites of each context add up to
  // its exact counters, from the program's first allocation on.
  for (int run = 0; run < 3; ++run) {
    const auto snap = run_sample("handler_leak", "--requests 200", "CTXHEAP_SAMPLE=1", 2);
    std::map<std::uint64_t, std::uint64_t> sampled;
    for (const auto& s : snap.sites) sampled[s.context_id] += s.sampled_alloc_objects;
    std::uint64_t contexts_with_allocations = 0;
    for (const auto& c : snap.contexts) {
      if (c.alloc_objects == 0) continue;
      ++contexts_with_allocations;
      EXPECT_EQ(sampled[c.id], c.alloc_objects) << "context #" << c.id << " in run " << run;
    }
    EXPECT_GE(contexts_with_allocations, 400u);
  }
}

}  // namespace
