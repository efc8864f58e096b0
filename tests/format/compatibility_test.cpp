// A version-1 file written by an earlier build (data/v1-small.ctxheap) must
// keep reading the same. If this test fails after a schema change, the change
// broke old snapshots: make it compatible or bump kFormatVersion (and keep
// reading version 1). To regenerate the file after an intended, compatible
// addition: CTXHEAP_FORMAT_REGENERATE=1 ctxheap_format_tests --gtest_filter='Compatibility.*'
#include <gtest/gtest.h>

#include <cstdlib>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

const std::filesystem::path kFixture = std::filesystem::path(CTXHEAP_FORMAT_TEST_DATA) / "v1-small.ctxheap";

Snapshot fixture_snapshot() {
  Snapshot s;
  s.meta = Metadata{.format_version = 1,
                    .program = "fixture",
                    .command_line = {"./fixture", "--flag"},
                    .pid = 4242,
                    .hostname = "fixture-host",
                    .sequence = 3,
                    .reason = SnapshotReason::Exit,
                    .wall_time_ns = 1'700'000'000'000'000'000ull,
                    .monotonic_time_ns = 5'000'000'000ull,
                    .sampling_interval_bytes = 524'288,
                    .max_stack_depth = 32,
                    .collector_version = "0.1.0"};
  s.strings = {"", "handle_request", "server.cc", "/usr/bin/fixture", "request", "generic.heap_size"};
  s.stacks = {Stack{.id = 1,
                    .frames = {Frame{.address = 0x401234, .function = 1, .file = 2, .line = 88, .module = 3,
                                     .module_offset = 0x1234, .inlined = false}}}};
  s.contexts = {
      ContextRecord({.id = 1, .kind = ContextKind::Background}),
      ContextRecord({.id = 7,
                    .kind = ContextKind::Cancel,
                    .parent_id = 1,
                    .registered_under_id = 0,
                    .name = 4,
                    .created_ns = 1'000'000'000ull,
                    .state = ContextState::Live,
                    .cancel_dropped = true,
                    .waiters = 1,
                    .last_alloc_ns = 1'500'000'000ull}, 1, {.alloc_objects = 10, .alloc_bytes = 10240, .freed_objects = 2, .freed_bytes = 2048}),
  };
  s.sites = {Site{.context_id = 7,
                  .stack_id = 1,
                  .sampled_alloc_objects = 1,
                  .sampled_alloc_bytes = 1024,
                  .sampled_inuse_objects = 1,
                  .sampled_inuse_bytes = 1024,
                  .estimated_alloc_objects = 512,
                  .estimated_alloc_bytes = 524'288,
                  .estimated_inuse_objects = 512,
                  .estimated_inuse_bytes = 524'288}};
  s.totals = Totals{.allocator = {AllocatorProperty{.name = 5, .value = 8'388'608}},
                    .contexts_tracked = 2,
                    .contexts_created = 9,
                    .no_context_alloc_objects = 100,
                    .no_context_alloc_bytes = 6400,
                    .no_context_freed_objects = 90,
                    .no_context_freed_bytes = 5760};
  return s;
}

TEST(Compatibility, Version1FileFromAnEarlierBuildReadsTheSame) {
  if (std::getenv("CTXHEAP_FORMAT_REGENERATE") != nullptr) write_snapshot(kFixture, fixture_snapshot());
  expect_same(fixture_snapshot(), read_snapshot(kFixture));
}

}  // namespace
}  // namespace ctxheap::format::test
