// The writer refuses, before writing a byte, any record its readers would
// reject, and stays usable afterwards.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

class WriterRules : public ::testing::Test {
 protected:
  /// A writer with Metadata and the strings {"", "a"} written.
  SnapshotWriter started() {
    SnapshotWriter writer(dir_ / "s.ctxheap");
    writer.write(Metadata{.program = "rules"});
    writer.write_strings(std::vector<std::string>{"", "a"});
    return writer;
  }
  TempDir dir_;
};

TEST_F(WriterRules, RecordsBeforeMetadataAreRefused) {
  SnapshotWriter writer(dir_ / "s.ctxheap");
  EXPECT_THROW(writer.write_string(""), std::invalid_argument);
  EXPECT_THROW(writer.write(ContextRecord({.id = 1})), std::invalid_argument);
  EXPECT_THROW(writer.write(Totals{}), std::invalid_argument);
}

TEST_F(WriterRules, FirstStringMustBeEmpty) {
  SnapshotWriter writer(dir_ / "s.ctxheap");
  writer.write(Metadata{});
  EXPECT_THROW(writer.write_string("not empty"), std::invalid_argument);
  EXPECT_EQ(writer.write_string(""), 0u);
}

TEST_F(WriterRules, OverlongStringIsRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write_string(std::string(kMaxStringBytes + 1, 'x')), std::invalid_argument);
}

TEST_F(WriterRules, UnknownStringIdIsRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(ContextRecord({.id = 1, .name = 2})), std::invalid_argument);
  EXPECT_THROW(writer.write(Stack{.id = 1, .frames = {Frame{.file = 9}}}), std::invalid_argument);
  EXPECT_THROW(writer.write(Totals{.allocator = {AllocatorProperty{.name = 2, .value = 1}}}),
               std::invalid_argument);
}

TEST_F(WriterRules, StackIdsMustBeDenseFromOne) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(Stack{.id = 2}), std::invalid_argument);
  EXPECT_THROW(writer.write(Stack{.id = 0}), std::invalid_argument);
  writer.write(Stack{.id = 1});
  writer.write(Stack{.id = 2});
}

TEST_F(WriterRules, StackMustPrecedeItsUsers) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(Site{.context_id = 1, .stack_id = 1}), std::invalid_argument);
  EXPECT_THROW(writer.write(ContextRecord({.id = 1}, 1)), std::invalid_argument);
}

TEST_F(WriterRules, TooManyFramesAreRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(Stack{.id = 1, .frames = std::vector<Frame>(kMaxFramesPerStack + 1)}),
               std::invalid_argument);
}

TEST_F(WriterRules, DuplicateAndZeroContextIdsAreRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(ContextRecord({.id = 0})), std::invalid_argument);
  writer.write(ContextRecord({.id = 7}));
  EXPECT_THROW(writer.write(ContextRecord({.id = 7})), std::invalid_argument);
}

TEST_F(WriterRules, EnumValuesOutsideTheSchemaAreRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(ContextRecord({.id = 1, .kind = static_cast<ContextKind>(0)})), std::invalid_argument);
  EXPECT_THROW(writer.write(ContextRecord({.id = 1, .state = static_cast<ContextState>(9)})), std::invalid_argument);
  SnapshotWriter fresh(dir_ / "fresh.ctxheap");
  EXPECT_THROW(fresh.write(Metadata{.reason = static_cast<SnapshotReason>(0)}), std::invalid_argument);
  fresh.write(Metadata{.reason = SnapshotReason::Exit});
}

TEST_F(WriterRules, SecondMetadataOrTotalsIsRefused) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(Metadata{}), std::invalid_argument);
  writer.write(Totals{});
  EXPECT_THROW(writer.write(Totals{}), std::invalid_argument);
}

TEST_F(WriterRules, FinishRequiresTotals) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.finish(), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "s.ctxheap"));
}

TEST_F(WriterRules, FinishingTwiceIsALogicError) {
  SnapshotWriter writer = started();
  writer.write(Totals{});
  writer.finish();
  EXPECT_THROW(writer.finish(), std::logic_error);
  EXPECT_THROW(writer.write(ContextRecord({.id = 1})), std::logic_error);
}

TEST_F(WriterRules, RefusedRecordLeavesTheWriterUsableAndTheFileValid) {
  SnapshotWriter writer = started();
  EXPECT_THROW(writer.write(ContextRecord({.id = 3, .name = 99})), std::invalid_argument);
  writer.write(ContextRecord({.id = 3, .name = 1}));
  writer.write(Totals{});
  writer.finish();
  const Snapshot read = read_snapshot(dir_ / "s.ctxheap");
  ASSERT_EQ(read.contexts.size(), 1u);
  EXPECT_EQ(read.strings[read.contexts[0].name], "a");
}

}  // namespace
}  // namespace ctxheap::format::test
