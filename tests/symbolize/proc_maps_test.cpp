// parse_proc_maps: real lines parse; anything else is skipped, never thrown on.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "capture.hpp"
#include "ctxheap/symbolize/mapping.hpp"

namespace {

using ctxheap::symbolize::Mapping;
using ctxheap::symbolize::parse_proc_maps;

TEST(ProcMaps, ParsesFileAnonymousAndPseudoMappings) {
  const auto mappings = parse_proc_maps(
      "55d0c8a00000-55d0c8a21000 r-xp 00002000 fd:01 1234   /usr/lib/my lib.so\n"
      "7ffd1c3f0000-7ffd1c411000 rw-p 00000000 00:00 0                          [stack]\n"
      "7f0000000000-7f0000001000 ---p 00000000 00:00 0 \n"
      "7f0000001000-7f0000002000 r--p 00000000 08:02 99 /tmp/gone (deleted)\r\n");
  ASSERT_EQ(mappings.size(), 4u);
  EXPECT_EQ(mappings[0], (Mapping{0x55d0c8a00000, 0x55d0c8a21000, 0x2000, "r-xp",
                                  "/usr/lib/my lib.so"}));
  EXPECT_TRUE(mappings[0].executable());
  EXPECT_EQ(mappings[1].path, "[stack]");
  EXPECT_FALSE(mappings[1].executable());
  EXPECT_EQ(mappings[2].path, "");
  EXPECT_EQ(mappings[3].path, "/tmp/gone (deleted)");
}

TEST(ProcMaps, EveryLineOfThisProcessParses) {
  const std::string text = symbolize_fixture::read_self_maps();
  const auto lines = std::count(text.begin(), text.end(), '\n');
  const auto mappings = parse_proc_maps(text);
  EXPECT_EQ(static_cast<std::ptrdiff_t>(mappings.size()), lines);
  EXPECT_TRUE(std::any_of(mappings.begin(), mappings.end(),
                          [](const Mapping& m) { return m.executable() && !m.path.empty(); }));
}

TEST(ProcMaps, SkipsMalformedLinesAndKeepsTheGoodOnes) {
  const std::string good = "1000-2000 r-xp 00000000 08:01 42 /lib/good.so\n";
  const std::string malformed[] = {
      "",
      "\n\n\n",
      "garbage",
      "1000 r-xp 00000000 08:01 42 /a",               // no range dash
      "zz00-2000 r-xp 00000000 08:01 42 /a",          // non-hex start
      "1000-2g00 r-xp 00000000 08:01 42 /a",          // non-hex end
      "2000-1000 r-xp 00000000 08:01 42 /a",          // start after end
      "1000-1000 r-xp 00000000 08:01 42 /a",          // empty range
      "1000-2000 r-x 00000000 08:01 42 /a",           // short perms
      "1000-2000 r-xp 0x1000 08:01 42 /a",            // offset with 0x prefix
      "1000-2000 r-xp -1 08:01 42 /a",                // negative offset
      "1000-2000 r-xp 00000000 0801 42 /a",           // dev without colon
      "1000-2000 r-xp 00000000 08:01 4x2 /a",         // non-decimal inode
      "1000-2000 r-xp 00000000 08:01",                // missing inode
      "10000000000000000-20000000000000000 r-xp 0 08:01 1 /a",  // 17 hex digits
      "1000-2000 r-xp " + std::string(5000, 'f') + " 08:01 1 /a",  // overflowing offset
      std::string(1 << 20, '-'),                     // overlong junk
      std::string("1000-2000 r-xp 0 08:01 1 /a\0b", 29),  // embedded NUL is kept, not fatal
  };
  for (const auto& line : malformed) {
    std::vector<Mapping> mappings;
    ASSERT_NO_THROW(mappings = parse_proc_maps(good + line + "\n" + good)) << line.substr(0, 80);
    const bool nul_line = line.find('\0') != std::string::npos;
    EXPECT_EQ(mappings.size(), nul_line ? 3u : 2u) << line.substr(0, 80);
    EXPECT_EQ(mappings.front().path, "/lib/good.so");
    EXPECT_EQ(mappings.back().path, "/lib/good.so");
  }
}

TEST(ProcMaps, OverlongPathIsKeptWhole) {
  const std::string path = "/" + std::string(1 << 20, 'p');
  const auto mappings = parse_proc_maps("1000-2000 r-xp 0 08:01 1 " + path);
  ASSERT_EQ(mappings.size(), 1u);
  EXPECT_EQ(mappings[0].path, path);
}

TEST(ProcMaps, RandomBytesNeverThrow) {
  std::mt19937_64 random(20240601);
  const std::string alphabet = "0123456789abcdefABCDEFxX-: \t\r\n/[]rwxps";
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 300, ' ');
    for (auto& c : text) {
      c = random() % 4 == 0 ? static_cast<char>(random()) : alphabet[random() % alphabet.size()];
    }
    std::vector<Mapping> mappings;
    ASSERT_NO_THROW(mappings = parse_proc_maps(text));
    for (const auto& m : mappings) EXPECT_LT(m.start, m.end);
  }
}

}  // namespace
