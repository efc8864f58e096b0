// What the writer writes, the reader gives back: every field, both body encodings.
#include <gtest/gtest.h>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

class RoundTrip : public ::testing::TestWithParam<bool> {
 protected:
  WriteOptions options() const { return WriteOptions{.compress = GetParam()}; }
  TempDir dir_;
};

TEST_P(RoundTrip, EveryFieldOfEveryRecordSurvives) {
  const Snapshot original = make_full_snapshot();
  write_snapshot(dir_ / "full.ctxheap", original, options());
  const Snapshot read = read_snapshot(dir_ / "full.ctxheap");
  expect_same(original, read);
}

TEST_P(RoundTrip, HeaderReportsVersionAndCompression) {
  write_snapshot(dir_ / "s.ctxheap", make_full_snapshot(), options());
  const SnapshotReader reader(dir_ / "s.ctxheap");
  EXPECT_EQ(reader.version(), kFormatVersion);
  EXPECT_EQ(reader.compressed(), GetParam());
  EXPECT_EQ(reader.file_size(), std::filesystem::file_size(dir_ / "s.ctxheap"));
}

TEST_P(RoundTrip, WriterStampsItsOwnFormatVersion) {
  Snapshot snapshot = make_full_snapshot();
  snapshot.meta.format_version = 77;
  write_snapshot(dir_ / "s.ctxheap", snapshot, options());
  EXPECT_EQ(read_snapshot(dir_ / "s.ctxheap").meta.format_version, kFormatVersion);
}

TEST_P(RoundTrip, MinimalSnapshotWithEmptyTablesSurvives) {
  Snapshot snapshot;  // no strings, stacks, contexts or sites
  write_snapshot(dir_ / "empty.ctxheap", snapshot, options());
  Snapshot expected = snapshot;
  expected.meta.format_version = kFormatVersion;
  expected.strings = {""};  // the writer always emits string 0
  expect_same(expected, read_snapshot(dir_ / "empty.ctxheap"));
}

TEST_P(RoundTrip, StringTableLargerThanOneChunkKeepsIdsInOrder) {
  Snapshot snapshot;
  snapshot.strings.push_back("");
  for (int i = 0; i < 150'000; ++i) snapshot.strings.push_back("function_" + std::to_string(i));
  snapshot.strings.push_back(std::string(kMaxStringBytes, 'x'));  // the longest string allowed
  snapshot.contexts.push_back(ContextRecord({.id = 7, .name = 149'999}));
  write_snapshot(dir_ / "strings.ctxheap", snapshot, options());
  const Snapshot read = read_snapshot(dir_ / "strings.ctxheap");
  EXPECT_EQ(read.strings, snapshot.strings);
  EXPECT_EQ(read.strings[read.contexts.at(0).name], "function_149998");
}

TEST_P(RoundTrip, StreamingWriterInterleavesStringsWithRecords) {
  const auto path = dir_ / "interleaved.ctxheap";
  {
    SnapshotWriter writer(path, options());
    writer.write(Metadata{.program = "interleaved"});
    EXPECT_EQ(writer.write_string(""), 0u);
    EXPECT_EQ(writer.write_string("first"), 1u);
    writer.write(ContextRecord({.id = 5, .name = 1}));
    const std::vector<std::string> more = {"second", "third"};
    EXPECT_EQ(writer.write_strings(more), 2u);
    writer.write(Stack{.id = 1, .frames = {Frame{.function = 3}}});
    writer.write(ContextRecord({.id = 6, .name = 2}, 1));
    writer.write(Totals{});
    writer.finish();
  }
  const Snapshot read = read_snapshot(path);
  EXPECT_EQ(read.strings, (std::vector<std::string>{"", "first", "second", "third"}));
  ASSERT_EQ(read.contexts.size(), 2u);
  EXPECT_EQ(read.strings[read.contexts[1].name], "second");
  EXPECT_EQ(read.strings[read.stacks.at(0).frames.at(0).function], "third");
}

INSTANTIATE_TEST_SUITE_P(Body, RoundTrip, ::testing::Values(true, false),
                         body_name);

TEST(StringInterner, GivesOneIdPerDistinctStringWithEmptyStringFirst) {
  StringInterner interner;
  EXPECT_EQ(interner.intern(""), 0u);
  EXPECT_EQ(interner.intern("a"), 1u);
  EXPECT_EQ(interner.intern("b"), 2u);
  EXPECT_EQ(interner.intern(std::string("a")), 1u);
  EXPECT_EQ(interner.strings(), (std::vector<std::string>{"", "a", "b"}));
}

TEST(EnumNames, AreStableIdentifiers) {
  EXPECT_EQ(to_string(ContextKind::WithoutCancel), "without_cancel");
  EXPECT_EQ(to_string(ContextKind::AfterFunc), "after_func");
  EXPECT_EQ(to_string(ContextState::Expired), "expired");
  EXPECT_EQ(to_string(ContextErr::DeadlineExceeded), "deadline_exceeded");
  EXPECT_EQ(to_string(SnapshotReason::Period), "period");
  EXPECT_EQ(to_string(static_cast<ContextKind>(99)), "unknown");
}

}  // namespace
}  // namespace ctxheap::format::test
