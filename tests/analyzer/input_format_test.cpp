// Formats are told apart by content, once, at the analyzer's input edge: real files of
// each kind (tests/format/data/README.md) and hand-made heads.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "ctxheap/analyzer/input_format.hpp"
#include "ctxheap/format/schema.hpp"

namespace {

using ctxheap::analyzer::InputFormat;
using ctxheap::analyzer::kSniffBytes;

const std::filesystem::path kData = CTXHEAP_FORMAT_TEST_DATA;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

InputFormat sniff(std::string_view bytes) {
  return ctxheap::analyzer::sniff_format(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

InputFormat sniff_file(const std::string& name) { return sniff(read_file(kData / name).substr(0, kSniffBytes)); }

TEST(InputFormat, CtxheapSnapshotByItsMagic) {
  EXPECT_EQ(sniff_file("v1-small.ctxheap"), InputFormat::CtxheapSnapshot);
  const auto& m = ctxheap::format::kMagic;
  EXPECT_EQ(sniff(std::string(m.begin(), m.end()) + std::string(8, '\0')), InputFormat::CtxheapSnapshot);
}

TEST(InputFormat, GoHeapProfileGzipped) { EXPECT_EQ(sniff_file("go-heap.pb.gz"), InputFormat::PprofGzip); }

TEST(InputFormat, GoHeapProfileUncompressed) { EXPECT_EQ(sniff_file("go-heap.pb"), InputFormat::PprofRaw); }

TEST(InputFormat, GperftoolsHeapProfilerDump) {
  EXPECT_EQ(sniff_file("gperftools-heap-profiler.heap"), InputFormat::HeapText);
}

TEST(InputFormat, TextHeads) {
  EXPECT_EQ(sniff("heap profile:    1:   2 [  3:  4] @ heapprofile\n"), InputFormat::HeapText);
  EXPECT_EQ(sniff("heap profile:      0:        0 [     0:        0] @ heap_v2/524288\n"), InputFormat::HeapText);
  EXPECT_EQ(sniff("heap_v2/524288\n"), InputFormat::HeapText);
  EXPECT_EQ(sniff("goroutine profile: total 4\n"), InputFormat::GoroutineText);
}

TEST(InputFormat, PprofProtoOpeningWithSampleType) {
  // sample_type {type: 1, unit: 2}, period_type {type: 3, unit: 4}, period: 512, string_table ""
  const std::string head("\x0a\x04\x08\x01\x10\x02" "\x5a\x04\x08\x03\x10\x04" "\x60\x80\x04" "\x32\x00", 17);
  EXPECT_EQ(sniff(head), InputFormat::PprofRaw);
}

TEST(InputFormat, GzipMagicAloneIsPprofGzip) { EXPECT_EQ(sniff("\x1f\x8b\x08\x00"), InputFormat::PprofGzip); }

TEST(InputFormat, EverythingElseIsUnknown) {
  EXPECT_EQ(sniff(""), InputFormat::Unknown);
  EXPECT_EQ(sniff("hello world\n"), InputFormat::Unknown);
  EXPECT_EQ(sniff("{\"json\": true}"), InputFormat::Unknown);
  EXPECT_EQ(sniff("\n"), InputFormat::Unknown);
  EXPECT_EQ(sniff("\n\nsome text after blank lines"), InputFormat::Unknown);
  EXPECT_EQ(sniff("Zebra crossing"), InputFormat::Unknown);
  EXPECT_EQ(sniff(std::string("\x28\xb5\x2f\xfd\x00\x00", 6)), InputFormat::Unknown);  // bare zstd
  EXPECT_EQ(sniff("\x89" "CTXH"), InputFormat::Unknown);  // too short to be sure
  EXPECT_EQ(sniff("\x89PNG\r\n\x1a\n"), InputFormat::Unknown);
  EXPECT_EQ(sniff(std::string(64, '\0')), InputFormat::Unknown);
  // A protobuf that is not a Profile: field 1 holding a long string.
  const std::string name = "a long name that is no ValueType";
  EXPECT_EQ(sniff("\x0a" + std::string(1, static_cast<char>(name.size())) + name), InputFormat::Unknown);
}

TEST(InputFormat, OnlyTheHeadIsNeeded) {
  EXPECT_EQ(sniff(read_file(kData / "go-heap.pb").substr(0, kSniffBytes)), InputFormat::PprofRaw);
}

TEST(InputFormat, NamesForMessages) {
  EXPECT_EQ(to_string(InputFormat::CtxheapSnapshot), "ctxheap snapshot");
  EXPECT_EQ(to_string(InputFormat::PprofGzip), "gzipped pprof profile");
}

}  // namespace
