// The temp-file protocol: a snapshot appears under its final name complete or
// not at all, and a previous snapshot stays intact until the rename.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

void write_body(SnapshotWriter& writer, const Snapshot& snapshot) {
  writer.write(snapshot.meta);
  writer.write_strings(snapshot.strings);
  for (const Stack& stack : snapshot.stacks) writer.write(stack);
  for (const ContextRecord& context : snapshot.contexts) writer.write(context);
  for (const Site& site : snapshot.sites) writer.write(site);
  writer.write(snapshot.totals);
}

TEST(AtomicWrite, TempFileLivesNextToTheFinalNameUntilFinish) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  SnapshotWriter writer(path);
  EXPECT_EQ(writer.final_path(), path);
  EXPECT_EQ(writer.temp_path().parent_path(), dir.path());
  EXPECT_EQ(writer.temp_path().filename().string().rfind("snap.ctxheap.tmp.", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(writer.temp_path()));
  EXPECT_FALSE(std::filesystem::exists(path));

  write_body(writer, make_full_snapshot());
  EXPECT_FALSE(std::filesystem::exists(path));
  writer.finish();
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"snap.ctxheap"}));
}

TEST(AtomicWrite, WriterDestroyedWithoutFinishLeavesNoFileAndRemovesItsTemp) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  std::filesystem::path temp;
  {
    SnapshotWriter writer(path);
    temp = writer.temp_path();
    write_body(writer, make_full_snapshot());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicWrite, PreviousSnapshotStaysIntactUntilTheRename) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  Snapshot previous = make_large_snapshot(10);
  previous.meta.sequence = 1;
  write_snapshot(path, previous);
  const std::string previous_bytes = read_file(path);

  Snapshot next = make_full_snapshot();
  next.meta.sequence = 2;
  SnapshotWriter writer(path);
  write_body(writer, next);
  // Mid-write, readers of the final name still see the whole previous snapshot.
  EXPECT_EQ(read_file(path), previous_bytes);
  EXPECT_EQ(read_snapshot(path).meta.sequence, 1u);
  writer.finish();
  EXPECT_EQ(read_snapshot(path).meta.sequence, 2u);
}

TEST(AtomicWrite, AbandonedWriterLeavesThePreviousSnapshotUntouched) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  write_snapshot(path, make_large_snapshot(10));
  const std::string previous_bytes = read_file(path);
  {
    SnapshotWriter writer(path);
    write_body(writer, make_full_snapshot());
  }
  EXPECT_EQ(read_file(path), previous_bytes);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"snap.ctxheap"}));
}

TEST(AtomicWrite, WriterThatRejectedARecordCleansUpWhenDestroyed) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  {
    SnapshotWriter writer(path);
    writer.write(Metadata{});
    writer.write_string("");
    EXPECT_THROW(writer.write(ContextRecord({.id = 1, .name = 5})), std::invalid_argument);
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicWrite, ConcurrentWritersToOneNameUseDistinctTempFiles) {
  TempDir dir;
  const auto path = dir / "snap.ctxheap";
  SnapshotWriter first(path);
  SnapshotWriter second(path);
  EXPECT_NE(first.temp_path(), second.temp_path());
  write_body(first, make_large_snapshot(3));
  write_body(second, make_full_snapshot());
  first.finish();
  second.finish();
  EXPECT_EQ(read_snapshot(path).contexts.size(), make_full_snapshot().contexts.size());
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"snap.ctxheap"}));
}

TEST(AtomicWrite, UnwritableDirectoryThrowsSystemError) {
  TempDir dir;
  EXPECT_THROW(SnapshotWriter(dir / "missing-dir" / "snap.ctxheap"), std::system_error);
}

}  // namespace
}  // namespace ctxheap::format::test
