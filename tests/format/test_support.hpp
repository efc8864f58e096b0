// Helpers shared by the format tests: temporary directories, whole-file I/O,
// a snapshot with every field set, and a tiny hand-written protobuf encoder
// for crafting files the writer would refuse to produce (the encoder follows
// docs/snapshot-format.md, not the library's code).
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format::test {

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  /// Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);

/// A snapshot in which every field holds a distinct, non-default value
/// (unicode, non-UTF-8 and empty strings, extreme integers, an empty stack).
Snapshot make_full_snapshot();
/// A valid snapshot with `contexts` contexts, for volume tests.
Snapshot make_large_snapshot(std::size_t contexts);

/// Names the instances of tests parameterized on "compressed body?".
std::string body_name(const ::testing::TestParamInfo<bool>& info);

/// Field-by-field comparisons with a readable failure per field.
void expect_same(const Snapshot& expected, const Snapshot& actual);

// --- Hand-made wire bytes ---

/// Builds one protobuf message.
class Proto {
 public:
  Proto& varint(int field, std::uint64_t value);
  Proto& bytes(int field, std::string_view value);
  Proto& message(int field, const Proto& inner) { return bytes(field, inner.str()); }
  /// Appends raw bytes (for malformed messages).
  Proto& raw(std::string_view bytes);
  const std::string& str() const { return bytes_; }

 private:
  std::string bytes_;
};

std::string varint_bytes(std::uint64_t value);

/// Record builders: each returns a serialized Record (unframed).
std::string metadata_record(std::uint32_t version = 1);
std::string strings_record(std::initializer_list<std::string_view> strings);
std::string stack_record(std::uint64_t id, std::uint32_t function_string_id);
std::string context_record(std::uint64_t id, std::uint32_t name_string_id = 0,
                           std::uint64_t creation_stack_id = 0, std::uint64_t kind = 3);
std::string site_record(std::uint64_t context_id, std::uint64_t stack_id);
std::string totals_record(std::uint32_t property_name_id = 0);
std::string end_record(std::uint64_t records, std::uint64_t strings, std::uint64_t stacks,
                       std::uint64_t contexts, std::uint64_t sites);

/// A valid body's records (before End): metadata, strings {"", "main", "worker"},
/// stack 1, context 10, site (10, 1), totals.
std::vector<std::string> valid_records();
/// The End record matching valid_records().
std::string valid_end_record();

/// Frames records: varint length + bytes each.
std::string frame(const std::vector<std::string>& records);
std::string header_bytes(std::uint32_t version, std::uint32_t flags);
/// One zstd frame; with declare_size it records the content size in its header (as
/// ZSTD_compress does), without it the size is unknown (as a streaming writer leaves it).
std::string zstd_compress(std::string_view body, bool declare_size = true);

/// A complete file: header + framed records, compressed when `compress`.
std::string snapshot_file(const std::vector<std::string>& records, bool compress = true);

}  // namespace ctxheap::format::test
