// Loading: snapshots written by the format module become the model; every other input
// fails with one line that names the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/format/writer.hpp"
#include "test_support.hpp"

namespace {

using namespace ctxheap_test;
namespace fmt = ctxheap::format;

/// A small snapshot with one of everything, written through SnapshotWriter.
void write_small_snapshot(const std::filesystem::path& path, std::uint64_t sequence = 3, std::uint32_t pid = 777,
                          bool compress = true) {
  fmt::SnapshotWriter w(path, {compress, 3});
  fmt::Metadata meta;
  meta.program = "app";
  meta.command_line = {"app", "--flag"};
  meta.pid = pid;
  meta.hostname = "box";
  meta.sequence = sequence;
  meta.reason = fmt::SnapshotReason::Signal;
  meta.wall_time_ns = 1'700'000'000'000'000'000ull;
  meta.monotonic_time_ns = 50 * kSecond + sequence * kSecond;
  meta.sampling_interval_bytes = 524288;
  meta.max_stack_depth = 16;
  meta.collector_version = "0.1.0";
  w.write(meta);
  const std::vector<std::string> strings = {"", "server", "main", "/src/app.cpp", "/bin/app", "request", "handle", "cause!",
                                            "generic.heap_size"};
  w.write_strings(strings);
  w.write(fmt::Stack{1, {{0x401000, 2, 3, 42, 4, 0x1000, false}}});
  w.write(fmt::Stack{2, {{0x402000, 6, 3, 88, 4, 0x2000, true}, {0x402000, 2, 3, 43, 4, 0x2000, false}}});
  w.write(fmt::Stack{3, {{0x401000, 2, 3, 42, 4, 0x1000, false}}});  // same frames as stack 1
  fmt::ContextRecord bg;
  bg.id = 1;
  bg.kind = fmt::ContextKind::Background;
  w.write(bg);
  fmt::ContextRecord server;
  server.id = 16;
  server.kind = fmt::ContextKind::Cancel;
  server.parent_id = 1;
  server.name = 1;
  server.created_ns = 40 * kSecond;
  server.creation_stack_id = 3;
  server.alloc_objects = 2;
  server.alloc_bytes = 300;
  server.freed_objects = 1;
  server.freed_bytes = 36;
  w.write(server);
  fmt::ContextRecord request;
  request.id = 17;
  request.kind = fmt::ContextKind::Deadline;
  request.parent_id = 16;
  request.registered_under_id = 16;
  request.name = 5;
  request.created_ns = 41 * kSecond;
  request.ended_ns = 42 * kSecond;
  request.deadline_ns = 42 * kSecond;
  request.state = fmt::ContextState::Expired;
  request.err = fmt::ContextErr::DeadlineExceeded;
  request.cause = 7;
  request.cancel_dropped = true;
  request.creation_stack_id = 2;
  request.waiters = 2;
  request.last_alloc_ns = 41 * kSecond;
  request.alloc_objects = 10;
  request.alloc_bytes = 5000;
  request.freed_objects = 4;
  request.freed_bytes = 1000;
  request.destroyed = true;
  w.write(request);
  fmt::Site site;
  site.context_id = 17;
  site.stack_id = 2;
  site.sampled_alloc_objects = 1;
  site.sampled_alloc_bytes = 4000;
  site.sampled_inuse_objects = 1;
  site.sampled_inuse_bytes = 4000;
  site.estimated_alloc_objects = 3;
  site.estimated_alloc_bytes = 12000;
  site.estimated_inuse_objects = 3;
  site.estimated_inuse_bytes = 12000;
  w.write(site);
  fmt::Totals totals;
  totals.allocator = {{8, 1 << 20}};
  totals.contexts_tracked = 3;
  totals.contexts_created = 20;
  totals.no_context_alloc_objects = 100;
  totals.no_context_alloc_bytes = 10000;
  totals.no_context_freed_objects = 50;
  totals.no_context_freed_bytes = 4000;
  w.write(totals);
  w.finish();
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string load_error(const std::filesystem::path& path) {
  try {
    load_profile(path);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no LoadError)";
}

TEST(Load, SnapshotBecomesTheModel) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap");
  const Profile p = load_profile(dir / "a.ctxheap");
  EXPECT_EQ(p.meta.program, "app");
  EXPECT_EQ(p.meta.command_line, (std::vector<std::string>{"app", "--flag"}));
  EXPECT_EQ(p.meta.pid, 777u);
  EXPECT_EQ(p.meta.host, "box");
  EXPECT_EQ(p.meta.sequence, 3u);
  EXPECT_EQ(p.meta.reason, SnapshotReason::Signal);
  EXPECT_EQ(p.meta.monotonic_time_ns, 53 * kSecond);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 524288u);
  EXPECT_EQ(p.meta.source_format, SourceFormat::CtxheapSnapshot);
  EXPECT_EQ(p.meta.source_format_version, 1u);
  EXPECT_EQ(p.meta.source_path, (dir / "a.ctxheap").string());
  EXPECT_EQ(p.meta.counters, CounterSource::Exact);

  ASSERT_EQ(p.contexts.size(), 3u);
  const Context& server = p.contexts[1];
  EXPECT_EQ(server.id, 16u);
  EXPECT_EQ(server.kind, ContextKind::Cancel);
  EXPECT_EQ(p.str(server.name), "server");
  EXPECT_EQ(server.counters, (Counters{2, 300, 1, 36}));
  const Context& request = p.contexts[2];
  EXPECT_EQ(request.kind, ContextKind::Deadline);
  EXPECT_EQ(request.parent_id, 16u);
  EXPECT_EQ(request.registered_under_id, 16u);
  EXPECT_EQ(request.state, ContextState::Expired);
  EXPECT_EQ(request.err, ContextErr::DeadlineExceeded);
  EXPECT_EQ(p.str(request.cause), "cause!");
  EXPECT_TRUE(request.cancel_dropped);
  EXPECT_TRUE(request.destroyed);
  EXPECT_EQ(request.waiters, 2);
  EXPECT_EQ(request.ended_ns, 42 * kSecond);
  EXPECT_EQ(request.deadline_ns, 42 * kSecond);
  EXPECT_EQ(request.last_alloc_ns, 41 * kSecond);

  // Stacks 1 and 3 of the file have the same frames: one stack in the model.
  EXPECT_EQ(p.stacks.size(), 2u);
  EXPECT_EQ(p.contexts[0].creation_stack, kNoIndex);
  const auto frames = p.stack_frames(request.creation_stack);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(p.str(frames[0].function), "handle");
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_EQ(p.str(frames[1].file), "/src/app.cpp");
  EXPECT_EQ(frames[1].line, 43u);
  EXPECT_EQ(p.str(frames[1].module), "/bin/app");
  EXPECT_EQ(frames[1].module_offset, 0x2000u);
  EXPECT_EQ(frames[1].address, 0x402000u);

  ASSERT_EQ(p.sites.size(), 1u);
  EXPECT_EQ(p.sites[0].context_id, 17u);
  EXPECT_EQ(p.sites[0].stack, request.creation_stack);
  // The file's estimate (12,000 B) is more than context #17's exact counters (5,000 B
  // allocated, 4,000 in use): reconciled down to them, never contradicting them.
  EXPECT_EQ(p.sites[0].estimated, (SampleCounts{3, 5000, 3, 4000}));
  EXPECT_EQ(p.totals.no_context, (Counters{100, 10000, 50, 4000}));
  EXPECT_EQ(p.totals.contexts_created, 20u);
  ASSERT_EQ(p.totals.allocator.size(), 1u);
  EXPECT_EQ(p.totals.allocator[0], (AllocatorProperty{"generic.heap_size", 1 << 20}));
}

TEST(Load, UncompressedSnapshotLoadsTheSame) {
  TempDir dir;
  write_small_snapshot(dir / "z.ctxheap", 3, 777, true);
  write_small_snapshot(dir / "u.ctxheap", 3, 777, false);
  const Profile z = load_profile(dir / "z.ctxheap");
  const Profile u = load_profile(dir / "u.ctxheap");
  ASSERT_EQ(z.contexts.size(), u.contexts.size());
  EXPECT_EQ(z.contexts[2].counters, u.contexts[2].counters);
}

TEST(Load, ProgressIsNonDecreasingAndEndsAtTheFileSize) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap");
  std::vector<std::uint64_t> seen;
  std::uint64_t total = 0;
  LoadOptions options;
  options.progress = [&](Stage stage, std::uint64_t done, std::uint64_t all) {
    EXPECT_EQ(stage, Stage::Reading);
    seen.push_back(done);
    total = all;
  };
  load_profile(dir / "a.ctxheap", options);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), std::filesystem::file_size(dir / "a.ctxheap"));
  EXPECT_EQ(total, seen.back());
}

TEST(Load, CancelFlagStopsLoading) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap");
  std::atomic<bool> cancel{true};
  LoadOptions options;
  options.cancel = &cancel;
  EXPECT_THROW(load_profile(dir / "a.ctxheap", options), Cancelled);
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// "-" with a standard-input stream: the snapshot is streamed from it (no file), named
// "<stdin>", with progress (the size unknown: total 0, consumed up to every byte) and
// cancellation as for a file.
TEST(Load, SnapshotStreamedFromStandardInputLoadsLikeTheFile) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap");
  const std::string bytes = file_bytes(dir / "a.ctxheap");
  std::istringstream in(bytes);
  std::vector<std::uint64_t> seen;
  LoadOptions options;
  options.standard_input = &in;
  options.progress = [&](Stage, std::uint64_t done, std::uint64_t all) {
    EXPECT_EQ(all, 0u);
    seen.push_back(done);
  };
  const Profile piped = load_profile("-", options);
  const Profile file = load_profile(dir / "a.ctxheap");
  EXPECT_EQ(piped.meta.source_path, "<stdin>");
  ASSERT_EQ(piped.contexts.size(), file.contexts.size());
  EXPECT_EQ(piped.contexts[2].counters, file.contexts[2].counters);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), bytes.size());

  std::istringstream again(bytes);
  std::atomic<bool> cancel{true};
  LoadOptions cancelled;
  cancelled.standard_input = &again;
  cancelled.cancel = &cancel;
  EXPECT_THROW(load_profile("-", cancelled), Cancelled);

  std::istringstream cut(bytes.substr(0, bytes.size() / 2));
  LoadOptions truncated;
  truncated.standard_input = &cut;
  try {
    load_profile("-", truncated);
    FAIL() << "half a snapshot loaded";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("<stdin>: truncated", 0), 0u) << e.what();
  }
}

// Bytes in memory go through the same dispatch as files: a snapshot reads from bytes.
TEST(Load, SnapshotReadFromBytesLikeTheFile) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap");
  const std::string bytes = file_bytes(dir / "a.ctxheap");
  ReadOptions options;
  options.name = "mem";
  const Profile p = read_profile_bytes(std::as_bytes(std::span<const char>(bytes)), options);
  EXPECT_EQ(p.meta.source_path, "mem");
  EXPECT_EQ(p.contexts.size(), load_profile(dir / "a.ctxheap").contexts.size());
}

void expect_one_line_naming(const std::string& message, const std::filesystem::path& path) {
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind(path.string(), 0), 0u) << message;
}

TEST(Load, MissingFileIsAOneLineLoadError) {
  TempDir dir;
  const std::string message = load_error(dir / "missing.ctxheap");
  expect_one_line_naming(message, dir / "missing.ctxheap");
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

TEST(Load, EmptyFileIsAOneLineLoadError) {
  TempDir dir;
  write_bytes(dir / "empty.ctxheap", "");
  const std::string message = load_error(dir / "empty.ctxheap");
  expect_one_line_naming(message, dir / "empty.ctxheap");
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
}

TEST(Load, TruncatedFileIsAOneLineLoadError) {
  TempDir dir;
  write_small_snapshot(dir / "a.ctxheap", 3, 777, false);
  std::string bytes(std::filesystem::file_size(dir / "a.ctxheap"), '\0');
  std::ifstream(dir / "a.ctxheap", std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  write_bytes(dir / "cut.ctxheap", bytes.substr(0, bytes.size() - 7));
  const std::string message = load_error(dir / "cut.ctxheap");
  expect_one_line_naming(message, dir / "cut.ctxheap");
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(Load, WrongMagicIsAOneLineLoadError) {
  TempDir dir;
  write_bytes(dir / "bad.ctxheap", std::string("\x89" "CTXHEAQ", 8) + std::string(64, '\0'));
  const std::string message = load_error(dir / "bad.ctxheap");
  expect_one_line_naming(message, dir / "bad.ctxheap");
  EXPECT_NE(message.find("not a ctxheap snapshot"), std::string::npos) << message;
}

TEST(Load, FutureFormatVersionIsAOneLineLoadError) {
  TempDir dir;
  write_bytes(dir / "new.ctxheap", std::string("\x89" "CTXHEAP" "\x02\x00\x00\x00" "\x00\x00\x00\x00", 16) + std::string(16, '\0'));
  const std::string message = load_error(dir / "new.ctxheap");
  expect_one_line_naming(message, dir / "new.ctxheap");
  EXPECT_NE(message.find("newer"), std::string::npos) << message;
}

TEST(Load, GperftoolsHeapProfileIsDetectedByContentAndRead) {
  TempDir dir;
  write_bytes(dir / "file.bin", "heap profile:    1:     8 [     1:     8] @ heapprofile\n     1:     8 [     1:     8] @ 0x10\n");
  const Profile p = load_profile(dir / "file.bin");
  EXPECT_EQ(p.meta.source_format, SourceFormat::GperftoolsHeap);
  ASSERT_EQ(p.sites.size(), 1u);
  EXPECT_EQ(p.sites[0].estimated.inuse_bytes, 8u);
}

TEST(Load, GzipHeaderWithoutAStreamIsATruncatedPprof) {
  TempDir dir;
  write_bytes(dir / "heap.pb.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
  const std::string message = load_error(dir / "heap.pb.gz");
  EXPECT_TRUE(message.starts_with((dir / "heap.pb.gz").string() + ": truncated gzip data")) << message;
}

TEST(LoadSeries, SnapshotsComeBackOrderedBySequence) {
  TempDir dir;
  write_small_snapshot(dir / "c", 7);
  write_small_snapshot(dir / "a", 2);
  write_small_snapshot(dir / "b", 5);
  const auto series = load_series({dir / "c", dir / "a", dir / "b"});
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].meta.sequence, 2u);
  EXPECT_EQ(series[1].meta.sequence, 5u);
  EXPECT_EQ(series[2].meta.sequence, 7u);
}

TEST(LoadSeries, SnapshotsOfDifferentRunsAreRejected) {
  TempDir dir;
  write_small_snapshot(dir / "a", 1, 100);
  write_small_snapshot(dir / "b", 2, 200);
  try {
    load_series({dir / "a", dir / "b"});
    FAIL() << "no LoadError";
  } catch (const LoadError& e) {
    expect_one_line_naming(e.what(), dir / "b");
    EXPECT_NE(std::string(e.what()).find("same run"), std::string::npos) << e.what();
  }
}

TEST(LoadSeries, NeedsTwoSnapshots) {
  TempDir dir;
  write_small_snapshot(dir / "a", 1);
  EXPECT_THROW(load_series({dir / "a"}), LoadError);
}

TEST(LoadSeries, ABadFileFailsTheSeries) {
  TempDir dir;
  write_small_snapshot(dir / "a", 1);
  EXPECT_THROW(load_series({dir / "a", dir / "missing"}), LoadError);
}

}  // namespace

namespace {

struct Link {
  ContextId id, parent, registrar;
  bool destroyed = false;
};

/// A snapshot whose contexts link as given (Background 1 is added).
void write_graph(const std::filesystem::path& path, const std::vector<Link>& links) {
  fmt::SnapshotWriter w(path, {false, 1});
  fmt::Metadata meta;
  meta.program = "app";
  meta.pid = 9;
  meta.monotonic_time_ns = 50 * kSecond;
  w.write(meta);
  const std::vector<std::string> strings = {""};
  w.write_strings(strings);
  fmt::ContextRecord bg;
  bg.id = 1;
  bg.kind = fmt::ContextKind::Background;
  w.write(bg);
  for (const Link& l : links) {
    fmt::ContextRecord c;
    c.id = l.id;
    c.kind = fmt::ContextKind::Cancel;
    c.parent_id = l.parent;
    c.registered_under_id = l.registrar;
    c.destroyed = l.destroyed;
    c.alloc_objects = 1;
    c.alloc_bytes = 100;
    w.write(c);
  }
  w.write(fmt::Totals{});
  w.finish();
}

void expect_impossible(const std::vector<Link>& links, const std::string& why) {
  TempDir dir;
  write_graph(dir / "bad.ctxheap", links);
  const std::string message = load_error(dir / "bad.ctxheap");
  EXPECT_TRUE(message.starts_with((dir / "bad.ctxheap").string() + ": impossible context graph: ")) << message;
  EXPECT_NE(message.find(why), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(ImpossibleInputs, AContextThatIsItsOwnParentIsRefused) {
  expect_impossible({{16, 1, 0}, {20, 20, 16}}, "context #20 is its own parent");
  expect_impossible({{16, 1, 0}, {20, 16, 20}}, "context #20 is registered in its own children set");
}

TEST(ImpossibleInputs, ACycleOfParentsIsRefused) {
  expect_impossible({{5, 7, 0}, {6, 5, 5}, {7, 6, 6}}, "a cycle of parents");
}

TEST(ImpossibleInputs, ACycleOfRegistrarsIsRefused) {
  expect_impossible({{5, 1, 7}, {6, 1, 5}, {7, 1, 6}}, "a cycle of registrars");
}

TEST(ImpossibleInputs, ALiveChildUnderAMissingParentIsRefused) {
  expect_impossible({{16, 1, 0}, {20, 18, 16}}, "context #20 derives from #18, which is not in the snapshot");
  expect_impossible({{16, 1, 0}, {20, 16, 19}}, "context #20 is registered under #19, which is not in the snapshot");
}

TEST(ImpossibleInputs, ADestroyedContextMayOutliveItsRetiredParent) {
  TempDir dir;
  write_graph(dir / "ok.ctxheap", {{16, 1, 0}, {20, 18, 0, true}});
  EXPECT_NO_THROW(load_profile(dir / "ok.ctxheap"));
}

TEST(Summary, LiveCountsOnlyContextsThatAreLiveAndNotDestroyed) {
  ProfileMaker m = with_server();
  m.add(Ctx(30, ContextKind::Cancel).from(16).inuse(1, 10).destroyed());  // never cancelled, node freed
  m.add(Ctx(31, ContextKind::Cancel).from(16).under(16).inuse(1, 10));
  m.add(Ctx(32, ContextKind::Cancel).from(16).inuse(1, 10).ended(ContextState::Cancelled, kNow - kSecond));
  const Analysis a = std::move(m).analyze();
  EXPECT_EQ(a.summary.contexts, 5u);
  EXPECT_EQ(a.summary.live, 3u);  // background, server, #31
  EXPECT_EQ(a.summary.destroyed, 1u);
}

}  // namespace
