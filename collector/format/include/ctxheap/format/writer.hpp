// Writes snapshots. The only code that produces snapshot bytes.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format {

struct WriteOptions {
  bool compress = true;        ///< zstd body (header flag kFlagZstd)
  int compression_level = 3;   ///< zstd level, clamped to what readers accept
};

/// Streams one snapshot to `final_path` through a temporary file next to it
/// ("<final_path>.tmp.<pid>.<n>"). finish() flushes, fsyncs, renames the
/// temporary over `final_path` and fsyncs the directory, so a reader sees the
/// old file or the complete new one, never a partial one. Destroying a writer
/// without finish() deletes the temporary and leaves `final_path` untouched.
///
/// Record order (checked here, so the writer cannot produce a file its readers
/// reject): Metadata first; strings before the records that use their ids;
/// Stack n (ids 1, 2, ...) before records that reference stack n; exactly one
/// Totals; then finish(). Every write checks its record before writing any byte:
/// std::invalid_argument on a record that breaks a rule (the writer stays
/// usable); std::system_error on I/O failure (the writer is then unusable).
/// Not thread-safe. Allocates freely: call it off the allocation hook path.
class SnapshotWriter {
 public:
  explicit SnapshotWriter(std::filesystem::path final_path, WriteOptions options = {});
  ~SnapshotWriter();
  SnapshotWriter(SnapshotWriter&&) noexcept;
  SnapshotWriter& operator=(SnapshotWriter&&) noexcept;
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  void write(const Metadata& meta);
  /// Appends strings to the table; returns the id of the first one. The very
  /// first string written must be "" (id 0).
  StringId write_strings(std::span<const std::string> strings);
  StringId write_string(std::string_view text);
  void write(const Stack& stack);
  void write(const ContextRecord& context);
  void write(const Site& site);
  void write(const Totals& totals);

  /// Ends the file and publishes it under the final name. Throws like write().
  void finish();

  const std::filesystem::path& final_path() const noexcept;
  const std::filesystem::path& temp_path() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a whole snapshot with SnapshotWriter. An empty `snapshot.strings`
/// is written as the table {""}.
void write_snapshot(const std::filesystem::path& path, const Snapshot& snapshot,
                    const WriteOptions& options = {});

}  // namespace ctxheap::format
