// The collector cannot be dropped or silently outranked by the linker: in every supported
// link order its entry points own malloc; where libtcmalloc comes first it says so and
// falls back to tcmalloc's hooks, still counting exactly. The probes are built in
// tests/collector/CMakeLists.txt, one per link order.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ctxheap/format/reader.hpp"

namespace {

// Runs a probe with stdout and stderr captured together.
std::string run(const std::string& program) {
  std::string out;
  FILE* pipe = popen((program + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  EXPECT_EQ(pclose(pipe), 0) << program;
  return out;
}

constexpr const char* kExact = "objects=1000 bytes=48000";

TEST(Linking, StaticArchiveWithoutWholeArchiveStillInterposes) {
  const std::string out = run(CTXHEAP_PROBE_STATIC_PLAIN);
  EXPECT_NE(out.find("dispatch=interposed"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

TEST(Linking, ProgramCallingNothingFromTheCollectorStillWritesItsSnapshot) {
  const auto dir = std::filesystem::temp_directory_path() / ("ctxheap-linking-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  run("env CTXHEAP_SNAPSHOT=" + (dir / "probe").string() + " " + CTXHEAP_PROBE_SNAPSHOT);
  const auto path = dir / "probe.0001.ctxheap";
  const bool written = std::filesystem::exists(path);
  std::size_t contexts = 0;
  if (written) contexts = ctxheap::format::read_snapshot(path).contexts.size();
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(written);
  EXPECT_GE(contexts, 1u);
}

TEST(Linking, StaticArchiveAfterLibtcmallocStillInterposes) {
  const std::string out = run(CTXHEAP_PROBE_STATIC_TCMALLOC_FIRST);
  EXPECT_NE(out.find("dispatch=interposed"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

TEST(Linking, SharedCollectorInterposes) {
  const std::string out = run(CTXHEAP_PROBE_SHARED);
  EXPECT_NE(out.find("dispatch=interposed"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

TEST(Linking, SharedCollectorAfterLibtcmallocSaysSoAndCountsThroughHooks) {
  const std::string out = run(CTXHEAP_PROBE_SHARED_TCMALLOC_FIRST);
  EXPECT_NE(out.find("another malloc precedes the collector's"), std::string::npos) << out;
  EXPECT_NE(out.find("dispatch=hooks"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

TEST(Linking, PreloadedBeforeLibtcmallocInterposes) {
  const std::string out = run(std::string("env LD_PRELOAD=") + CTXHEAP_COLLECTOR_SO + " " + CTXHEAP_PROBE_SHARED);
  EXPECT_NE(out.find("dispatch=interposed"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

TEST(Linking, LibtcmallocPreloadedFirstSaysSoAndCountsThroughHooks) {
  const std::string out =
      run(std::string("env LD_PRELOAD=") + CTXHEAP_TCMALLOC_SO + ":" + CTXHEAP_COLLECTOR_SO + " " + CTXHEAP_PROBE_SHARED);
  EXPECT_NE(out.find("another malloc precedes the collector's"), std::string::npos) << out;
  EXPECT_NE(out.find("dispatch=hooks"), std::string::npos) << out;
  EXPECT_NE(out.find(kExact), std::string::npos) << out;
}

}  // namespace
