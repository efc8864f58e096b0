// pprof profile.proto input: Go heap and goroutine profiles (real ones in tests/data/go),
// raw and gzipped, and the checks on indices.
#include <gtest/gtest.h>

#include <string>

#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"
#include "pprof_profile.pb.h"

namespace {

using namespace ctxheap::analyzer;
namespace pb = ctxheap::pprof;

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span<const char>(s)); }

/// A minimal heap profile: one function, one location, one sample.
pb::Profile tiny_heap() {
  pb::Profile p;
  for (const char* s : {"", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects", "inuse_space",
                        "main.work", "main.go", "space"})
    p.add_string_table(s);
  const int types[4][2] = {{1, 2}, {3, 4}, {5, 2}, {6, 4}};
  for (const auto& t : types) {
    auto* vt = p.add_sample_type();
    vt->set_type(t[0]);
    vt->set_unit(t[1]);
  }
  auto* f = p.add_function();
  f->set_id(1);
  f->set_name(7);
  f->set_filename(8);
  auto* l = p.add_location();
  l->set_id(1);
  l->set_address(0x401000);
  auto* line = l->add_line();
  line->set_function_id(1);
  line->set_line(12);
  auto* s = p.add_sample();
  s->add_location_id(1);
  for (int v : {10, 1000, 4, 400}) s->add_value(v);
  p.set_period(512 * 1024);
  return p;
}

TEST(PprofReader, RawHeapProfileKeepsAllocatedAndInUse) {
  ReadOptions o;
  o.name = "tiny.pb";
  const Profile p = read_pprof(bytes_of(tiny_heap().SerializeAsString()), o);
  EXPECT_EQ(p.meta.source_format, SourceFormat::Pprof);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 512u * 1024u);
  ASSERT_EQ(p.sites.size(), 1u);
  EXPECT_EQ(p.sites[0].estimated.alloc_objects, 10u);
  EXPECT_EQ(p.sites[0].estimated.alloc_bytes, 1000u);
  EXPECT_EQ(p.sites[0].estimated.inuse_objects, 4u);
  EXPECT_EQ(p.sites[0].estimated.inuse_bytes, 400u);
  const auto frames = p.stack_frames(p.sites[0].stack);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(p.str(frames[0].function), "main.work");
  EXPECT_EQ(frames[0].line, 12u);
  EXPECT_EQ(p.totals.no_context.inuse_bytes(), 400u);
}

TEST(PprofReader, GzippedRealGoHeapProfileIsSymbolized) {
  const Profile p = load_profile(interop_test::data("go/fixtures/fixed/heap.pb.gz"));
  EXPECT_EQ(p.meta.source_format, SourceFormat::Pprof);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 1u);  // MemProfileRate = 1 (README)
  EXPECT_FALSE(p.sites.empty());
  bool main_frame = false;
  for (const Frame& f : p.frames) main_frame = main_frame || p.str(f.function).starts_with("main.");
  EXPECT_TRUE(main_frame);
  EXPECT_NE(p.meta.program.find("leak_children"), std::string::npos);
}

TEST(PprofReader, InlinedLinesBecomeInlinedFrames) {
  pb::Profile m = tiny_heap();
  m.add_string_table("main.helper");  // 10
  auto* f = m.add_function();
  f->set_id(2);
  f->set_name(10);
  f->set_filename(8);
  auto* inner = m.mutable_location(0)->add_line();  // callee first, then the caller
  *inner = m.location(0).line(0);
  auto* first = m.mutable_location(0)->mutable_line(0);
  first->set_function_id(2);
  first->set_line(3);
  const Profile p = read_pprof(bytes_of(m.SerializeAsString()));
  const auto frames = p.stack_frames(p.sites.at(0).stack);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(p.str(frames[0].function), "main.helper");
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_FALSE(frames[1].inlined);
}

TEST(PprofReader, GoroutineProfileListsParkedGoroutinesByStack) {
  const Profile p = load_profile(interop_test::data("go/blocked.goroutine.pb.gz"));
  // blocked/main.go: 40 workers in <-ctx.Done(), 12 in a select on it, 12 watchers
  // that context.propagateCancel started for a Context type it cannot see into.
  std::string all;
  for (const auto& n : p.meta.notes) all += n + "\n";
  EXPECT_NE(all.find("12 goroutines are parked in context.propagateCancel.func1"), std::string::npos) << all;
  EXPECT_NE(all.find("40 goroutines are parked on a channel receive or select in main.waitForShutdown"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("in main.selectOnDone"), std::string::npos) << all;
  EXPECT_EQ(all.find("main.main"), std::string::npos) << "the running goroutine is not parked";
  EXPECT_EQ(p.meta.source_kind, "goroutine");
}

TEST(PprofReader, NamesInAnyEncodingAreKept) {
  pb::Profile m = tiny_heap();
  m.set_string_table(7, "main.caf\xe9");  // Latin-1, not UTF-8: pprof does not check either
  const Profile p = read_pprof(bytes_of(m.SerializeAsString()));
  EXPECT_EQ(p.str(p.stack_frames(p.sites.at(0).stack)[0].function), "main.caf\xe9");

  interop_test::TempDir dir;
  interop_test::write_file(dir / "latin1.pb", m.SerializeAsString());
  const auto r = interop_test::ctxheap(dir, "report latin1.pb");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(PprofReader, CpuProfilesAreRejectedByName) {
  pb::Profile m = tiny_heap();
  m.set_string_table(1, "samples");
  m.set_string_table(3, "cpu");
  m.set_string_table(5, "x");
  m.set_string_table(6, "y");
  ReadOptions o;
  o.name = "cpu.pb";
  try {
    read_pprof(bytes_of(m.SerializeAsString()), o);
    FAIL() << "accepted a cpu profile";
  } catch (const LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("cpu.pb: a pprof profile of samples,cpu"), std::string::npos) << e.what();
  }
}

}  // namespace
