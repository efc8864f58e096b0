// Large snapshots stream through the writer and the reader: records arrive in
// file order while the file is still being read, progress is monotonic and
// ends at the file size, and reading can be cancelled.
#include <gtest/gtest.h>

#include <atomic>
#include <utility>
#include <vector>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

constexpr std::size_t kLargeContexts = 200'000;

/// Records the order of records and the progress seen when each arrives.
class OrderRecorder final : public SnapshotVisitor {
 public:
  explicit OrderRecorder(const std::uint64_t& consumed) : consumed_(consumed) {}
  void on_metadata(const Metadata&) override { kinds.push_back('M'); }
  void on_strings(StringId first, std::span<const std::string> strings) override {
    EXPECT_EQ(first, string_count);
    string_count += strings.size();
    kinds.push_back('S');
  }
  void on_stack(const Stack&) override { kinds.push_back('K'); }
  void on_context(const ContextRecord& context) override {
    if (context_ids.empty()) consumed_at_first_context = consumed_;
    context_ids.push_back(context.id);
  }
  void on_site(const Site&) override { kinds.push_back('I'); }
  void on_totals(const Totals&) override { kinds.push_back('T'); }

  std::vector<char> kinds;  // contexts left out: there are too many
  std::vector<ContextId> context_ids;
  std::uint64_t string_count = 0;
  std::uint64_t consumed_at_first_context = 0;

 private:
  const std::uint64_t& consumed_;
};

class LargeSnapshot : public ::testing::TestWithParam<bool> {
 protected:
  TempDir dir_;
};

TEST_P(LargeSnapshot, ReaderVisitsRecordsInOrderWithMonotonicProgressEndingAtFileSize) {
  const auto path = dir_ / "large.ctxheap";
  const Snapshot snapshot = make_large_snapshot(kLargeContexts);
  write_snapshot(path, snapshot, WriteOptions{.compress = GetParam()});
  const std::uint64_t file_size = std::filesystem::file_size(path);

  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  std::uint64_t consumed = 0;
  ReadOptions options;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
    consumed = done;
  };
  OrderRecorder recorder(consumed);
  SnapshotReader(path, options).read(recorder);

  EXPECT_EQ(recorder.kinds, (std::vector<char>{'M', 'S', 'K', 'I', 'T'}));
  ASSERT_EQ(recorder.context_ids.size(), kLargeContexts);
  for (std::size_t i = 0; i < kLargeContexts; ++i) {
    ASSERT_EQ(recorder.context_ids[i], snapshot.contexts[i].id) << "context " << i;
  }

  ASSERT_GE(progress.size(), 3u);
  for (std::size_t i = 0; i < progress.size(); ++i) {
    EXPECT_EQ(progress[i].second, file_size);
    if (i > 0) {
      EXPECT_GE(progress[i].first, progress[i - 1].first) << "progress went backwards at call " << i;
    }
  }
  EXPECT_EQ(progress.back().first, file_size);
  // Streaming, not slurping: the first context arrived with most of the file unread.
  EXPECT_LT(recorder.consumed_at_first_context, file_size / 2);
}

TEST_P(LargeSnapshot, WriterFlushesToDiskAsItGoes) {
  const auto path = dir_ / "large.ctxheap";
  const Snapshot snapshot = make_large_snapshot(kLargeContexts);
  SnapshotWriter writer(path, WriteOptions{.compress = GetParam()});
  writer.write(snapshot.meta);
  writer.write_strings(snapshot.strings);
  for (const Stack& stack : snapshot.stacks) writer.write(stack);
  for (std::size_t i = 0; i < kLargeContexts / 2; ++i) writer.write(snapshot.contexts[i]);
  const auto half_way = std::filesystem::file_size(writer.temp_path());
  for (std::size_t i = kLargeContexts / 2; i < kLargeContexts; ++i) writer.write(snapshot.contexts[i]);
  for (const Site& site : snapshot.sites) writer.write(site);
  writer.write(snapshot.totals);
  writer.finish();

  const auto final_size = std::filesystem::file_size(path);
  EXPECT_GT(half_way, final_size / 4) << "the writer kept half the snapshot in memory";
  Snapshot expected = snapshot;
  expected.meta.format_version = kFormatVersion;
  EXPECT_TRUE(read_snapshot(path) == expected);
}

INSTANTIATE_TEST_SUITE_P(Body, LargeSnapshot, ::testing::Values(true, false),
                         body_name);

TEST(ReadCancellation, StopsBetweenRecordsWhenTheFlagIsSet) {
  TempDir dir;
  write_snapshot(dir / "s.ctxheap", make_large_snapshot(10'000));
  std::atomic<bool> cancel{false};

  class CancelAfter final : public SnapshotVisitor {
   public:
    explicit CancelAfter(std::atomic<bool>& flag) : flag_(flag) {}
    void on_context(const ContextRecord&) override {
      if (++seen == 100) flag_.store(true);
    }
    int seen = 0;

   private:
    std::atomic<bool>& flag_;
  } visitor(cancel);

  SnapshotReader reader(dir / "s.ctxheap", ReadOptions{.cancel = &cancel, .progress = {}});
  EXPECT_THROW(reader.read(visitor), ReadCancelled);
  EXPECT_EQ(visitor.seen, 100);
}

TEST(ReadCancellation, APresetFlagStopsBeforeAnyRecord) {
  TempDir dir;
  write_snapshot(dir / "s.ctxheap", make_full_snapshot());
  const std::atomic<bool> cancel{true};
  EXPECT_THROW(read_snapshot(dir / "s.ctxheap", ReadOptions{.cancel = &cancel, .progress = {}}),
               ReadCancelled);
}

TEST(SnapshotReaderUse, ReadingTwiceIsALogicError) {
  TempDir dir;
  write_snapshot(dir / "s.ctxheap", make_full_snapshot());
  SnapshotReader reader(dir / "s.ctxheap");
  SnapshotVisitor ignore_all;
  reader.read(ignore_all);
  EXPECT_THROW(reader.read(ignore_all), std::logic_error);
}

TEST(SnapshotReaderUse, VisitorExceptionsPassThroughUnchanged) {
  TempDir dir;
  write_snapshot(dir / "s.ctxheap", make_full_snapshot());
  class Throws final : public SnapshotVisitor {
    void on_stack(const Stack&) override { throw std::out_of_range("from the visitor"); }
  } visitor;
  EXPECT_THROW(SnapshotReader(dir / "s.ctxheap").read(visitor), std::out_of_range);
}

}  // namespace
}  // namespace ctxheap::format::test
