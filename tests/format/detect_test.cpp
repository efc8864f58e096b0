// Formats are told apart by content: real files of each kind (data/README.md)
// and hand-made heads.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

const std::filesystem::path kData = CTXHEAP_FORMAT_TEST_DATA;

InputFormat detect(std::string_view bytes) {
  return detect_format(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

TEST(DetectFormat, CtxheapSnapshotWrittenByTheWriter) {
  TempDir dir;
  write_snapshot(dir / "named-like-a.pb.gz", make_full_snapshot());
  EXPECT_EQ(detect_file_format(dir / "named-like-a.pb.gz"), InputFormat::CtxheapSnapshot);
  write_snapshot(dir / "raw", make_full_snapshot(), WriteOptions{.compress = false});
  EXPECT_EQ(detect_file_format(dir / "raw"), InputFormat::CtxheapSnapshot);
}

TEST(DetectFormat, GoHeapProfileGzipped) {
  EXPECT_EQ(detect_file_format(kData / "go-heap.pb.gz"), InputFormat::PprofGzip);
}

TEST(DetectFormat, GoHeapProfileUncompressed) {
  EXPECT_EQ(detect_file_format(kData / "go-heap.pb"), InputFormat::PprofRaw);
}

TEST(DetectFormat, GperftoolsHeapProfilerDump) {
  EXPECT_EQ(detect_file_format(kData / "gperftools-heap-profiler.heap"), InputFormat::GperftoolsHeapText);
}

TEST(DetectFormat, GperftoolsTextHeads) {
  EXPECT_EQ(detect("heap profile:    1:   2 [  3:  4] @ heapprofile\n"), InputFormat::GperftoolsHeapText);
  EXPECT_EQ(detect("heap profile:      0:        0 [     0:        0] @ heap_v2/524288\n"),
            InputFormat::GperftoolsHeapText);
  EXPECT_EQ(detect("heap_v2/524288\n"), InputFormat::GperftoolsHeapText);
}

TEST(DetectFormat, PprofProtoOpeningWithSampleType) {
  // sample_type {type: 1, unit: 2}, period_type {type: 3, unit: 4}, period: 512
  const std::string head = Proto()
                               .message(1, Proto().varint(1, 1).varint(2, 2))
                               .message(11, Proto().varint(1, 3).varint(2, 4))
                               .varint(12, 512)
                               .bytes(6, "")
                               .str();
  EXPECT_EQ(detect(head), InputFormat::PprofRaw);
}

TEST(DetectFormat, GzipMagicAloneIsPprofGzip) {
  EXPECT_EQ(detect("\x1f\x8b\x08\x00"), InputFormat::PprofGzip);
}

TEST(DetectFormat, EverythingElseIsUnknown) {
  EXPECT_EQ(detect(""), InputFormat::Unknown);
  EXPECT_EQ(detect("hello world\n"), InputFormat::Unknown);
  EXPECT_EQ(detect("{\"json\": true}"), InputFormat::Unknown);
  EXPECT_EQ(detect("\n"), InputFormat::Unknown);
  EXPECT_EQ(detect("\n\nsome text after blank lines"), InputFormat::Unknown);
  EXPECT_EQ(detect("Zebra crossing"), InputFormat::Unknown);
  EXPECT_EQ(detect("\x28\xb5\x2f\xfd\x00\x00"), InputFormat::Unknown);  // bare zstd
  EXPECT_EQ(detect("\x89" "CTXH"), InputFormat::Unknown);  // too short to be sure
  EXPECT_EQ(detect("\x89PNG\r\n\x1a\n"), InputFormat::Unknown);
  EXPECT_EQ(detect(std::string(64, '\0')), InputFormat::Unknown);
  // A protobuf that is not a Profile: field 1 holding a long string.
  EXPECT_EQ(detect(Proto().bytes(1, "a long name that is no ValueType").str()), InputFormat::Unknown);
}

TEST(DetectFormat, OnlyTheHeadIsNeeded) {
  const std::string head = read_file(kData / "go-heap.pb").substr(0, kDetectBytes);
  EXPECT_EQ(detect(head), InputFormat::PprofRaw);
}

TEST(DetectFormat, FileThatCannotBeOpenedIsAFormatError) {
  TempDir dir;
  EXPECT_THROW(detect_file_format(dir / "missing"), FormatError);
}

TEST(DetectFormat, NamesForMessages) {
  EXPECT_EQ(to_string(InputFormat::CtxheapSnapshot), "ctxheap snapshot");
  EXPECT_EQ(to_string(InputFormat::PprofGzip), "gzipped pprof profile");
}

}  // namespace
}  // namespace ctxheap::format::test
