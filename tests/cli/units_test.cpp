// The CLI's quantities: durations, sizes, percentages, counts.
#include <gtest/gtest.h>

#include "errors.hpp"
#include "units.hpp"

namespace {

using namespace ctxheap::cli;

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration_ns("60s", "--idle"), 60'000'000'000ull);
  EXPECT_EQ(parse_duration_ns("60", "--idle"), 60'000'000'000ull);
  EXPECT_EQ(parse_duration_ns("500ms", "--idle"), 500'000'000ull);
  EXPECT_EQ(parse_duration_ns("1.5s", "--idle"), 1'500'000'000ull);
  EXPECT_EQ(parse_duration_ns("2m", "--idle"), 120'000'000'000ull);
  EXPECT_EQ(parse_duration_ns("1h", "--idle"), 3'600'000'000'000ull);
  EXPECT_EQ(parse_duration_ns("0", "--idle"), 0u);
  for (const char* bad : {"", "s", "-1s", "5parsecs", "1e3s", "1..2s"})
    EXPECT_THROW(parse_duration_ns(bad, "--idle"), CliError) << bad;
}

TEST(Units, Bytes) {
  EXPECT_EQ(parse_bytes("4096", "x"), 4096u);
  EXPECT_EQ(parse_bytes("4KiB", "x"), 4096u);
  EXPECT_EQ(parse_bytes("4K", "x"), 4096u);
  EXPECT_EQ(parse_bytes("1.5MiB", "x"), 1536u * 1024);
  EXPECT_EQ(parse_bytes("2G", "x"), 2ull << 30);
  for (const char* bad : {"", "MiB", "10xB", "-5"}) EXPECT_THROW(parse_bytes(bad, "x"), CliError) << bad;
}

TEST(Units, PercentAndRetainedLimit) {
  EXPECT_DOUBLE_EQ(parse_percent("1%", "x"), 0.01);
  EXPECT_DOUBLE_EQ(parse_percent("0.5", "x"), 0.5);
  EXPECT_THROW(parse_percent("150", "x"), CliError);
  const auto share = parse_retained_limit("10%", "--max-retained");
  EXPECT_TRUE(share.is_share);
  EXPECT_DOUBLE_EQ(share.share, 0.10);
  const auto bytes = parse_retained_limit("64MiB", "--max-retained");
  EXPECT_FALSE(bytes.is_share);
  EXPECT_EQ(bytes.bytes, 64u << 20);
  EXPECT_EQ(describe(bytes), "64.0 MiB");
}

TEST(Units, MessagesNameTheOption) {
  try {
    parse_count("many", "--suspect-entries");
    FAIL();
  } catch (const CliError& e) {
    EXPECT_STREQ(e.what(), "--suspect-entries: 'many' is not a whole number");
  }
}

}  // namespace
