// Another process's layout, given as maps text (as in a gperftools heap
// profile's MAPPED_LIBRARIES). Here the "other process" is this one, so the
// answers can be checked against live symbolization.
#include <gtest/gtest.h>
#include <unistd.h>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace symbolize_fixture {
[[gnu::noinline]] std::uint64_t capture_for_offline() {
  const std::uint64_t address = return_address_in_caller();
  asm volatile("" ::: "memory");
  return address;
}
}  // namespace symbolize_fixture

namespace {

using ctxheap::symbolize::Mapping;
using ctxheap::symbolize::parse_proc_maps;
using ctxheap::symbolize::Symbolizer;
using namespace symbolize_fixture;

std::string executable_path() {
  char path[4096];
  const auto length = readlink("/proc/self/exe", path, sizeof path - 1);
  return length > 0 ? std::string(path, static_cast<std::size_t>(length)) : std::string();
}

TEST(OfflineMappings, OwnMapsGiveTheSameFramesAsLiveSymbolization) {
  const std::uint64_t return_address = capture_for_offline();
  auto offline = Symbolizer::for_mappings(parse_proc_maps(read_self_maps()));
  auto live = Symbolizer::for_this_process();

  const auto& frames = offline.resolve(return_address);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames.front().function, "symbolize_fixture::capture_for_offline()");
  EXPECT_EQ(file_name(frames.front().file), file_name(__FILE__));
  EXPECT_EQ(frames.front().module, executable_path());
  EXPECT_EQ(frames, live.resolve(return_address));

  const auto getpid_address = address_of(&::getpid);
  EXPECT_EQ(offline.resolve(getpid_address, false), live.resolve(getpid_address, false));
}

TEST(OfflineMappings, MissingFileKeepsModuleAndFileOffset) {
  auto symbolizer = Symbolizer::for_mappings(
      {Mapping{0x400000, 0x500000, 0x1000, "r-xp", "/nonexistent/ctxheap/libghost.so"}});
  EXPECT_EQ(symbolizer.module_count(), 0u);

  const auto& frames = symbolizer.resolve(0x400123, /*is_return_address=*/false);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames.front().function.empty());
  EXPECT_EQ(frames.front().module, "/nonexistent/ctxheap/libghost.so");
  EXPECT_EQ(frames.front().module_offset, 0x1123u);
  EXPECT_EQ(display_name(frames.front()), "libghost.so+0x1123");

  // Outside every mapping: plain hex.
  EXPECT_EQ(display_name(symbolizer.resolve(0x300000, false).front()), "0x300000");
}

TEST(OfflineMappings, FileWhoseSegmentsDoNotMatchTheMappingIsNotUsed) {
  // This executable exists, but no executable segment of it sits at this file
  // offset with this size: the profile came from another build of the file.
  const std::string path = executable_path();
  auto symbolizer =
      Symbolizer::for_mappings({Mapping{0x10000000, 0x10001000, 0x7ff0000, "r-xp", path}});
  EXPECT_EQ(symbolizer.module_count(), 0u);
  const auto& frame = symbolizer.resolve(0x10000010, false).front();
  EXPECT_TRUE(frame.function.empty());
  EXPECT_EQ(frame.module, path);
  EXPECT_EQ(frame.module_offset, 0x7ff0010u);
}

TEST(OfflineMappings, FileWhoseCodeSegmentHasAnotherSizeIsNotUsed) {
  // The real executable mapping of this binary, but 1 MiB longer than its code
  // segment: same offset, different build.
  const std::string path = executable_path();
  std::vector<Mapping> layout;
  for (const auto& mapping : parse_proc_maps(read_self_maps())) {
    if (mapping.path == path && mapping.executable()) layout.push_back(mapping);
  }
  ASSERT_EQ(layout.size(), 1u);
  EXPECT_EQ(Symbolizer::for_mappings(layout).module_count(), 1u);
  layout[0].end += 1 << 20;
  EXPECT_EQ(Symbolizer::for_mappings(layout).module_count(), 0u);
}

TEST(OfflineMappings, NonElfAndPseudoPathsAreNotModules) {
  auto symbolizer = Symbolizer::for_mappings({
      Mapping{0x1000, 0x2000, 0, "r-xp", "/dev/null"},
      Mapping{0x3000, 0x4000, 0, "r-xp", "[vdso]"},
      Mapping{0x5000, 0x6000, 0, "rw-p", ""},
  });
  EXPECT_EQ(symbolizer.module_count(), 0u);
  EXPECT_EQ(display_name(symbolizer.resolve(0x1010, false)[0]), "null+0x10");
  EXPECT_EQ(display_name(symbolizer.resolve(0x3010, false)[0]), "[vdso]+0x10");
  EXPECT_EQ(display_name(symbolizer.resolve(0x5010, false)[0]), "0x5010");
}

TEST(OfflineMappings, EmptyLayoutResolvesEverythingToHex) {
  auto symbolizer = Symbolizer::for_mappings({});
  EXPECT_EQ(display_name(symbolizer.resolve(capture_for_offline())[0]).substr(0, 2), "0x");
}

}  // namespace
