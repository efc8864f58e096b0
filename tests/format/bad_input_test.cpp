// Every malformed input is a FormatError with a one-line message naming the
// file and what is wrong; none crashes, hangs or allocates without bound.
// Files are crafted by hand (test_support's Proto) following the spec.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ctxheap/format/all.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

/// Reads `path` expecting a FormatError whose message contains `expected`.
std::string expect_format_error(const std::filesystem::path& path, std::string_view expected) {
  try {
    const Snapshot snapshot = read_snapshot(path);
    ADD_FAILURE() << "no FormatError for " << path << " (read " << snapshot.contexts.size()
                  << " contexts); expected: " << expected;
    return {};
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(expected), std::string::npos) << "message: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << "does not name the file: " << message;
    return message;
  }
}

/// Reads `bytes` as a file: FormatError or success are both acceptable; any
/// other exception, crash or hang is not. Returns true on FormatError.
bool reads_or_rejects(const std::filesystem::path& path, std::string_view bytes) {
  write_file(path, bytes);
  try {
    read_snapshot(path);
    return false;
  } catch (const FormatError&) {
    return true;
  }
}

class BadInput : public ::testing::Test {
 protected:
  std::filesystem::path file(std::string_view bytes) {
    const auto path = dir_ / ("input-" + std::to_string(count_++) + ".ctxheap");
    write_file(path, bytes);
    return path;
  }
  std::filesystem::path records_file(std::vector<std::string> records, bool compress = true) {
    return file(snapshot_file(records, compress));
  }
  /// valid_records() with `extra` inserted before the End record, End counts adjusted.
  std::vector<std::string> valid_plus(const std::string& extra, std::uint64_t contexts = 0,
                                      std::uint64_t sites = 0) {
    auto records = valid_records();
    records.push_back(extra);
    records.push_back(end_record(7, 3, 1, 1 + contexts, 1 + sites));
    return records;
  }

  TempDir dir_;
  int count_ = 0;
};

TEST_F(BadInput, HandMadeValidFileReadsSoTheCasesBelowFailForTheirOwnReason) {
  for (const bool compress : {true, false}) {
    auto records = valid_records();
    records.push_back(valid_end_record());
    const Snapshot snapshot = read_snapshot(records_file(records, compress));
    EXPECT_EQ(snapshot.strings, (std::vector<std::string>{"", "main", "worker"}));
    ASSERT_EQ(snapshot.contexts.size(), 1u);
    EXPECT_EQ(snapshot.contexts[0].id, 10u);
    EXPECT_EQ(snapshot.contexts[0].kind, ContextKind::Cancel);
    EXPECT_EQ(snapshot.sites.size(), 1u);
    EXPECT_EQ(snapshot.totals.contexts_tracked, 1u);
  }
}

// --- Files that are not snapshots, or not for this reader ---

TEST_F(BadInput, EmptyFile) { expect_format_error(file(""), "empty file"); }

TEST_F(BadInput, MissingFile) { expect_format_error(dir_ / "does-not-exist", "cannot open"); }

TEST_F(BadInput, Directory) { expect_format_error(dir_.path(), "cannot read"); }

TEST_F(BadInput, WrongMagic) {
  expect_format_error(file("GIF89a plus some more bytes"), "not a ctxheap snapshot (bad magic)");
  expect_format_error(file("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), "bad magic");
  expect_format_error(file("heap profile:    1:   2 [  3:  4] @ heapprofile\n"), "bad magic");
}

TEST_F(BadInput, HeaderCutShort) {
  const std::string whole = snapshot_file(valid_records());
  for (std::size_t size = 1; size < kHeaderSize; ++size) {
    SCOPED_TRACE(size);
    expect_format_error(file(whole.substr(0, size)), "truncated");
  }
}

TEST_F(BadInput, FutureVersion) {
  expect_format_error(file(header_bytes(7, 1) + zstd_compress(frame(valid_records()))),
                      "snapshot format version 7 is newer than this reader (max 1)");
}

TEST_F(BadInput, VersionZero) {
  expect_format_error(file(header_bytes(0, 1) + zstd_compress(frame(valid_records()))), "format version 0");
}

TEST_F(BadInput, UnknownHeaderFlags) {
  expect_format_error(file(header_bytes(1, 0x3) + zstd_compress(frame(valid_records()))),
                      "unsupported header flags 0x2");
}

// --- The uncompressed-flag variants ---

TEST_F(BadInput, CompressedBodyUnderAnUncompressedFlag) {
  auto records = valid_records();
  records.push_back(valid_end_record());
  expect_format_error(file(header_bytes(1, 0) + zstd_compress(frame(records))),
                      "zstd-compressed but the header says it is not");
}

TEST_F(BadInput, UncompressedBodyUnderTheZstdFlag) {
  auto records = valid_records();
  records.push_back(valid_end_record());
  expect_format_error(file(header_bytes(1, 1) + frame(records)), "corrupt zstd body");
}

// --- Truncation and corruption of real files ---

class DamagedFile : public BadInput, public ::testing::WithParamInterface<bool> {
 protected:
  std::string written() {
    const auto path = dir_ / "written.ctxheap";
    write_snapshot(path, make_full_snapshot(), WriteOptions{.compress = GetParam()});
    return read_file(path);
  }
};

TEST_P(DamagedFile, TruncatedAtEveryTenthOfItsLength) {
  const std::string whole = written();
  std::vector<std::size_t> sizes;
  for (int tenth = 0; tenth < 10; ++tenth) sizes.push_back(whole.size() * tenth / 10);
  sizes.push_back(kHeaderSize);
  sizes.push_back(whole.size() - 1);
  sizes.push_back(whole.size() - 4);  // inside the zstd checksum / the End record
  for (const std::size_t size : sizes) {
    SCOPED_TRACE("truncated to " + std::to_string(size) + " of " + std::to_string(whole.size()));
    expect_format_error(file(whole.substr(0, size)), size == 0 ? "empty file" : "truncated");
  }
}

TEST_P(DamagedFile, FlippedBodyBytesAreRejectedOrHarmless) {
  const std::string whole = written();
  const Snapshot original = read_snapshot(dir_ / "written.ctxheap");
  const std::size_t step = std::max<std::size_t>(1, (whole.size() - kHeaderSize) / 400);
  int rejected = 0;
  int harmless = 0;
  for (std::size_t pos = kHeaderSize; pos < whole.size(); pos += step) {
    std::string damaged = whole;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x5a);
    const auto path = dir_ / "flipped.ctxheap";
    write_file(path, damaged);
    try {
      const Snapshot read = read_snapshot(path);
      // An uncompressed body has no checksum: a flipped value byte may
      // decode to a different, valid snapshot. A zstd body must never do that.
      if (GetParam()) {
        EXPECT_TRUE(read == original) << "flip at " << pos << " changed the data silently";
      }
      ++harmless;
    } catch (const FormatError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
  RecordProperty("rejected", rejected);
  RecordProperty("harmless", harmless);
}

TEST_P(DamagedFile, RandomMutationsNeverCrash) {
  const std::string whole = written();
  std::mt19937 random(1234);
  for (int round = 0; round < 300; ++round) {
    std::string damaged = whole;
    const int flips = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < flips; ++i) {
      const std::size_t pos = kHeaderSize + random() % (damaged.size() - kHeaderSize);
      damaged[pos] = static_cast<char>(random());
    }
    if (round % 3 == 0) damaged.resize(kHeaderSize + random() % (damaged.size() - kHeaderSize));
    reads_or_rejects(dir_ / "mutated.ctxheap", damaged);
  }
}

TEST_P(DamagedFile, RandomBodiesNeverCrash) {
  std::mt19937 random(99);
  for (int round = 0; round < 300; ++round) {
    std::string body(random() % 512, '\0');
    for (char& c : body) c = static_cast<char>(random());
    if (round % 2 == 0 && !body.empty()) body[0] = static_cast<char>(body.size() % 64);  // plausible length
    const std::string bytes = header_bytes(1, GetParam() ? 1 : 0) + (GetParam() ? zstd_compress(body) : body);
    EXPECT_TRUE(reads_or_rejects(dir_ / "random.ctxheap", bytes));
  }
}

INSTANTIATE_TEST_SUITE_P(Body, DamagedFile, ::testing::Values(true, false),
                         body_name);

// --- Framing ---

TEST_F(BadInput, LengthVarintClaimingAHugeSize) {
  const std::string body = frame({metadata_record()}) + "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  expect_format_error(file(header_bytes(1, 0) + body), "corrupt record length 9223372036854775807");
  expect_format_error(file(header_bytes(1, 1) + zstd_compress(body)), "corrupt record length 9223372036854775807");
}

TEST_F(BadInput, LengthVarintLongerThanTenBytes) {
  const std::string body = frame({metadata_record()}) + std::string(10, '\x80') + "\x01";
  expect_format_error(file(header_bytes(1, 0) + body), "record 1 at body offset");
}

TEST_F(BadInput, LengthAboveTheRecordLimit) {
  const std::string body = frame({metadata_record()}) + varint_bytes(kMaxRecordBytes + 1) + "xx";
  expect_format_error(file(header_bytes(1, 0) + body), "limit " + std::to_string(kMaxRecordBytes));
}

TEST_F(BadInput, LengthPastTheEndOfAnUncompressedBody) {
  const std::string body = frame({metadata_record()}) + varint_bytes(1000) + "only a few bytes";
  expect_format_error(file(header_bytes(1, 0) + body), "claims 1000 bytes but only");
}

TEST_F(BadInput, EmptyRecord) {
  expect_format_error(records_file({metadata_record(), ""}), "record 1 at body offset");
}

TEST_F(BadInput, RecordThatIsNotAProtobufMessage) {
  expect_format_error(records_file({metadata_record(), "\xff\xff\xff"}), "not a valid record");
}

TEST_F(BadInput, MissingEndRecord) { expect_format_error(records_file(valid_records()), "no End record"); }

TEST_F(BadInput, EndCountsThatDoNotMatch) {
  auto records = valid_records();
  records.push_back(end_record(6, 3, 1, 2, 1));
  expect_format_error(records_file(records), "End record counts do not match");
}

TEST_F(BadInput, DataAfterTheEndRecord) {
  auto records = valid_records();
  records.push_back(valid_end_record());
  records.push_back(totals_record());
  expect_format_error(records_file(records, false), "data after the End record");
  expect_format_error(records_file(records, true), "data after the End record");
}

TEST_F(BadInput, SecondZstdFrameAfterTheEnd) {
  auto records = valid_records();
  records.push_back(valid_end_record());
  expect_format_error(file(snapshot_file(records) + zstd_compress(frame({totals_record()}))),
                      "data after the End record");
}

// --- Record rules ---

TEST_F(BadInput, MetadataNotFirst) {
  expect_format_error(records_file({strings_record({""}), metadata_record()}), "before the Metadata record");
}

TEST_F(BadInput, SecondMetadata) {
  expect_format_error(records_file(valid_plus(metadata_record())), "a second Metadata record");
}

TEST_F(BadInput, MetadataVersionDisagreesWithHeader) {
  expect_format_error(records_file({metadata_record(2)}), "Metadata says format version 2");
}

TEST_F(BadInput, MissingTotals) {
  auto records = valid_records();
  records.pop_back();
  records.push_back(end_record(5, 3, 1, 1, 1));
  expect_format_error(records_file(records), "no Totals record");
}

TEST_F(BadInput, StringZeroNotEmpty) {
  expect_format_error(records_file({metadata_record(), strings_record({"x"})}), "string 0 must be the empty string");
}

TEST_F(BadInput, StringLongerThanTheLimit) {
  const std::string too_long(kMaxStringBytes + 1, 'a');
  expect_format_error(records_file({metadata_record(), strings_record({"", too_long})}), "limit");
}

TEST_F(BadInput, OutOfRangeStringIdInAContext) {
  expect_format_error(records_file(valid_plus(context_record(11, 3), 1)),
                      "context name refers to string 3 but only 3 strings precede it");
}

TEST_F(BadInput, OutOfRangeStringIdInAFrame) {
  expect_format_error(records_file({metadata_record(), strings_record({""}), stack_record(1, 4000000000u)}),
                      "frame function refers to string 4000000000");
}

TEST_F(BadInput, OutOfRangeStringIdInAnAllocatorProperty) {
  auto records = valid_records();
  records.back() = totals_record(9);
  records.push_back(valid_end_record());
  expect_format_error(records_file(records), "allocator property name refers to string 9");
}

TEST_F(BadInput, StringUsedBeforeItsTable) {
  expect_format_error(records_file({metadata_record(), context_record(5, 1)}), "refers to string 1");
}

TEST_F(BadInput, OutOfRangeStackIdInASite) {
  expect_format_error(records_file(valid_plus(site_record(10, 2), 0, 1)),
                      "site stack refers to stack 2 but only 1 stacks precede it");
}

TEST_F(BadInput, SiteWithoutAStack) {
  expect_format_error(records_file(valid_plus(site_record(10, 0), 0, 1)), "site stack refers to stack 0");
}

TEST_F(BadInput, OutOfRangeCreationStackId) {
  expect_format_error(records_file(valid_plus(context_record(11, 0, 5), 1)), "context creation stack refers to stack 5");
}

TEST_F(BadInput, StackIdOutOfSequence) {
  expect_format_error(records_file({metadata_record(), strings_record({""}), stack_record(2, 0)}),
                      "stack id 2 is out of sequence (expected 1)");
}

TEST_F(BadInput, StackWithTooManyFrames) {
  Proto stack = Proto().varint(1, 1);
  for (std::uint64_t i = 0; i <= kMaxFramesPerStack; ++i) stack.message(2, Proto().varint(1, i + 1));
  const std::string record = Proto().message(3, stack).str();
  expect_format_error(records_file({metadata_record(), strings_record({""}), record}), "frames (limit 4096)");
}

TEST_F(BadInput, UnknownContextKind) {
  expect_format_error(records_file(valid_plus(context_record(11, 0, 0, 99), 1)), "unknown context kind 99");
  expect_format_error(records_file(valid_plus(context_record(11, 0, 0, 0), 1)), "unknown context kind 0");
}

TEST_F(BadInput, DuplicateContextId) {
  expect_format_error(records_file(valid_plus(context_record(10), 1)), "context id 10 appears twice");
}

TEST_F(BadInput, ContextIdZero) {
  expect_format_error(records_file(valid_plus(context_record(0), 1)), "context id 0");
}

// --- Decompression bombs ---

TEST_F(BadInput, ZstdBombInOneRecordIsRefusedBeforeDecompressing) {
  // Below the record limit, but far more than a few kilobytes may expand to.
  const std::uint64_t claimed = 60ull << 20;
  const std::string body = frame({metadata_record()}) + varint_bytes(claimed) + std::string(claimed, '\0');
  const std::string compressed = zstd_compress(body, /*declare_size=*/false);
  ASSERT_LT(compressed.size(), 64u * 1024);
  const std::size_t offset = frame({metadata_record()}).size();
  expect_format_error(file(header_bytes(1, 1) + compressed),
                      "record 1 at body offset " + std::to_string(offset) +
                          " claims 62914560 bytes, past the 16777216-byte limit");
}

// The same bomb in a frame that declares its content size is refused at the frame header:
// the file's few kilobytes cannot justify 60 MiB.
TEST_F(BadInput, ZstdFrameDeclaringMoreThanTheFileMayHoldIsRefusedAtItsHeader) {
  const std::uint64_t claimed = 60ull << 20;
  const std::string body = frame({metadata_record()}) + varint_bytes(claimed) + std::string(claimed, '\0');
  expect_format_error(file(header_bytes(1, 1) + zstd_compress(body)),
                      "a frame declares " + std::to_string(body.size()) + " bytes of content");
}

// A skippable frame (RFC 8878) anywhere in the body is skipped, and its bytes justify no
// expansion: padding a small bomb with one does not raise the limit.
TEST_F(BadInput, SkippableFramesAreSkippedAndJustifyNoExpansion) {
  std::string skippable("\x50\x2a\x4d\x18", 4);
  skippable += std::string("\x00\x00\x40\x00", 4) + std::string(4u << 20, 's');
  auto valid = valid_records();
  valid.push_back(valid_end_record());
  const std::string data = zstd_compress(frame(valid), false);
  const Snapshot read = read_snapshot(file(header_bytes(1, 1) + skippable + data + skippable));
  EXPECT_EQ(read.contexts.size(), 1u);
  std::vector<std::string> records = {metadata_record(), strings_record({""})};
  const std::string small = strings_record({std::string(100, 'b')});
  records.resize(2 + (kMinBodyAllowance / small.size()) * 2, small);
  expect_format_error(file(header_bytes(1, 1) + skippable + zstd_compress(frame(records), false)), "zstd bomb");
}

TEST_F(BadInput, ZstdBombOfLargeValidRecords) {
  std::vector<std::string> records = {metadata_record(), strings_record({""})};
  const std::string big(512 * 1024, 'a');
  for (int i = 0; i < 100; ++i) records.push_back(strings_record({big}));
  const std::string compressed = zstd_compress(frame(records));
  ASSERT_LT(compressed.size() * kMaxExpansionRatio, kMinBodyAllowance);
  expect_format_error(file(header_bytes(1, 1) + compressed), "zstd bomb");
}

TEST_F(BadInput, ZstdBombOfSmallValidRecordsStopsAtTheBodyLimit) {
  // No single record is suspicious; only the running total is.
  std::vector<std::string> records = {metadata_record(), strings_record({""})};
  const std::string small = strings_record({std::string(100, 'b')});
  records.resize(2 + (kMinBodyAllowance / small.size()) * 2, small);
  const std::string compressed = zstd_compress(frame(records), /*declare_size=*/false);
  ASSERT_LT(compressed.size() * kMaxExpansionRatio, kMinBodyAllowance);
  const std::string message = expect_format_error(file(header_bytes(1, 1) + compressed), "zstd bomb");
  // It stopped at the limit: the failing record is the one that would cross it.
  const auto offset_at = message.find("body offset ") + std::string("body offset ").size();
  const std::uint64_t offset = std::stoull(message.substr(offset_at));
  EXPECT_LE(offset, kMinBodyAllowance);
  EXPECT_GT(offset + small.size() + 2, kMinBodyAllowance);
}

// --- What newer writers may add ---

TEST_F(BadInput, UnknownRecordKindIsSkipped) {
  const std::string newer = Proto().message(9, Proto().varint(1, 42)).str();
  const Snapshot snapshot = read_snapshot(records_file(valid_plus(newer)));
  EXPECT_EQ(snapshot.contexts.size(), 1u);
}

TEST_F(BadInput, UnknownFieldsInAKnownRecordAreIgnored) {
  const std::string context = Proto()
                                  .message(4, Proto().varint(1, 11).varint(2, 3).varint(8, 1).varint(99, 7).bytes(
                                                  100, "future"))
                                  .str();
  const Snapshot snapshot = read_snapshot(records_file(valid_plus(context, 1)));
  ASSERT_EQ(snapshot.contexts.size(), 2u);
  EXPECT_EQ(snapshot.contexts[1].id, 11u);
}

}  // namespace
}  // namespace ctxheap::format::test
