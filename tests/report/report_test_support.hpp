// Profiles with known truth for the report writers, real sample snapshots made once per
// build, and small helpers to write a report to a string.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>

#include "ctxheap/analyzer/all.hpp"
#include "ctxheap/report/report.hpp"
#include "../support/pool_growth_stack.hpp"
#include "../support/temp_dir.hpp"

namespace ctxheap_test {

using namespace ctxheap::analyzer;
namespace report = ctxheap::report;

inline constexpr std::uint64_t kSecond = 1'000'000'000ull;
inline constexpr std::uint64_t kNow = 10'000 * kSecond;
inline constexpr std::uint64_t kBody = 4096;

/// What a hand-built leak looks like.
struct LeakShape {
  std::string server_name = "server";
  std::string child_name = "request";
  std::string function = "handle_request(int)";  ///< the children's creation site
  std::string file = "/src/app/handler.cpp";
  std::uint32_t line = 88;
  int requests = 150;          ///< stale children (dropped cancels), each under a value context holding kBody
  int ended_with_memory = 0;   ///< cancelled children still owning 8 KiB
  std::uint32_t pid = 42;
  std::uint64_t sequence = 0;
  std::string program = "app";
};

/// Background (1), a long-lived server (16) and `requests` requests made as handler_leak
/// makes them: a value context (the body) derived from the server and a cancel child
/// derived from it, registered in the server's set, its cancel dropped. Every child has
/// a sampled allocation site (the body's stack) so folded stacks and pprof have data.
inline Profile leak_profile(const LeakShape& shape = {}) {
  ProfileBuilder b;
  b.meta().program = shape.program;
  b.meta().pid = shape.pid;
  b.meta().host = "host";
  b.meta().sequence = shape.sequence;
  b.meta().monotonic_time_ns = kNow;
  b.meta().wall_time_ns = 1'700'000'000 * kSecond;
  b.meta().sampling_interval_bytes = 512 * 1024;
  b.meta().source_format = SourceFormat::Synthetic;

  auto stack = [&](std::string_view function, std::string_view file, std::uint32_t line) {
    const FrameText frames[] = {
        {"ctxheap::with_cancel(ctxheap::Context const&)", "/src/collector/context/src/factories.cpp", 27, "/bin/app", 0x1000, 0x1000, false},
        {function, file, line, "/bin/app", 0x2000 + line, 0x2000 + line, false},
        {"main", "/src/app/main.cpp", 10, "/bin/app", 0x3000, 0x3000, false},
    };
    return b.add_stack(std::span<const FrameText>(frames));
  };
  const FrameText alloc_frames[] = {
      {"operator new(unsigned long)", "", 0, "/lib/libtcmalloc.so", 0x7f0000001000, 0x1000, false},
      {"make_body(int)", "/src/app/body.cpp", 12, "/bin/app", 0x4000, 0x4000, true},
      {shape.function, shape.file, shape.line - 1, "/bin/app", 0x4000, 0x4000, false},
      {"main", "/src/app/main.cpp", 10, "/bin/app", 0x3000, 0x3000, false},
  };
  const Index alloc_stack = b.add_stack(std::span<const FrameText>(alloc_frames));

  Context bg;
  bg.id = 1;
  bg.kind = ContextKind::Background;
  bg.name = b.intern("background");
  b.add_context(bg);

  Context server;
  server.id = 16;
  server.kind = ContextKind::Cancel;
  server.parent_id = 1;
  server.name = b.intern(shape.server_name);
  server.creation_stack = stack("main", "/src/app/main.cpp", 42);
  server.created_ns = kNow - 100 * kSecond;
  server.counters = {1, 264, 0, 0};
  b.add_context(server);

  ContextId next = 100;
  for (int r = 0; r < shape.requests + shape.ended_with_memory; ++r) {
    const bool ended = r >= shape.requests;
    Context value;
    value.id = next++;
    value.kind = ContextKind::Value;
    value.parent_id = 16;
    value.name = b.intern("request.body");
    value.creation_stack = stack(shape.function, shape.file, shape.line - 2);
    value.created_ns = kNow - 5 * kSecond;
    value.last_alloc_ns = kNow - 5 * kSecond;
    value.counters = {2, kBody + 176, 0, 0};
    b.add_context(value);

    Context child;
    child.id = next++;
    child.kind = ContextKind::Cancel;
    child.parent_id = value.id;
    child.name = b.intern(shape.child_name);
    child.creation_stack = stack(shape.function, shape.file, shape.line);
    child.created_ns = kNow - 5 * kSecond;
    child.last_alloc_ns = kNow - 5 * kSecond;
    if (ended) {
      child.state = ContextState::Cancelled;
      child.err = ContextErr::Canceled;
      child.ended_ns = kNow - 2 * kSecond;
      child.counters = {4, 8192 + 272, 0, 0};
    } else {
      child.registered_under_id = 16;
      child.cancel_dropped = true;
      child.counters = {3, 272 + 1538, 2, 1538};
    }
    b.add_context(child);

    Site site;
    site.context_id = value.id;
    site.stack = alloc_stack;
    site.sampled = {1, kBody, 1, kBody};
    site.estimated = {1, kBody, 1, kBody};
    b.add_site(site);
  }
  Site none;
  none.context_id = 0;
  none.stack = alloc_stack;
  none.sampled = {1, 1000, 0, 0};
  none.estimated = {2, 2000, 1, 1000};
  b.add_site(none);
  b.totals().no_context = {10, 10'000, 5, 5'000};
  return std::move(b).finish();
}

/// A profile with nothing stale: the same server, requests cancelled and gone.
inline Profile fixed_profile(std::uint32_t pid = 43) {
  LeakShape shape;
  shape.requests = 0;
  shape.pid = pid;
  return leak_profile(shape);
}

/// A gperftools-like dump (no contexts) whose sessions are allocated by a pool whose
/// small-block instantiation forwards to its large-block one, under std::vector and
/// allocator frames of two instantiations: `Pool<…>::grow` must read as one call.
inline Profile pool_profile() {
  ProfileBuilder b;
  b.meta().source_kind = "gperftools";
  b.meta().program = "sessions";
  Site site;
  site.stack = b.add_stack(std::span<const FrameText>(pool_growth_stack()));
  site.estimated = {16, 16 * kBody, 16, 16 * kBody};
  site.sampled = site.estimated;
  b.add_site(site);
  return std::move(b).finish();
}

inline std::string write(report::Format format, const report::ReportSubject& subject,
                         const report::ReportOptions& options = {}) {
  std::ostringstream out;
  report::write_report(out, format, subject, options);
  return out.str();
}

/// A whole file as a string.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}


/// Snapshot `n` (1-based) of a sample program, run once per build into
/// CTXHEAP_TEST_DATA_DIR; a lock file keeps parallel tests from running it twice.
inline std::string sample_snapshot(const std::string& sample, int n) {
  const std::filesystem::path dir = CTXHEAP_TEST_DATA_DIR;
  std::filesystem::create_directories(dir);
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04d.ctxheap", n);
  const std::filesystem::path prefix = dir / sample;
  const std::filesystem::path done = dir / (sample + ".done");
  const std::filesystem::path binary = std::filesystem::path(CTXHEAP_SAMPLES_DIR) / sample;
  const int lock = ::open((dir / (sample + ".lock")).c_str(), O_CREAT | O_RDWR, 0644);
  ::flock(lock, LOCK_EX);
  std::error_code ec;
  const bool fresh = std::filesystem::exists(done) &&
                     std::filesystem::last_write_time(done, ec) >= std::filesystem::last_write_time(binary, ec);
  if (!fresh) {
    // Under AddressSanitizer the allocator's own registration looks like a leak at exit.
    const std::string cmd = "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" " + binary.string() +
                            " --out " + prefix.string() + " > /dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) std::ofstream(done.string()) << "ok\n";
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return prefix.string() + suffix;
}

/// Whether the collector counted allocations in a snapshot. Under a sanitizer's
/// allocator tcmalloc's hooks never run: contexts are recorded, bytes are not, and
/// tests about bytes skip.
inline bool allocations_counted(const std::string& snapshot) {
  return load_profile(snapshot).heap_inuse_bytes() != 0 || !load_profile(snapshot).sites.empty();
}

}  // namespace ctxheap_test
