// Reads snapshots. The only code that interprets snapshot bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "ctxheap/format/byte_stream.hpp"
#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format {

struct ReadOptions {
  /// Checked between records; when it becomes true, reading throws ReadCancelled.
  const std::atomic<bool>* cancel = nullptr;
  /// Called with (input bytes consumed, input size) as the input is read:
  /// non-decreasing, the last call has consumed == input size. The size is 0 when
  /// it is unknown (a pipe).
  std::function<void(std::uint64_t consumed, std::uint64_t total)> progress;
};

/// Receives the records of a snapshot in file order. Every id a record holds
/// has been checked: string ids index strings already delivered, stack ids name
/// stacks already delivered. References to contexts are not checked (a
/// referenced context may be absent from the table).
class SnapshotVisitor {
 public:
  virtual ~SnapshotVisitor() = default;
  virtual void on_metadata(const Metadata& /*meta*/) {}
  /// A chunk of the string table; the strings have ids first_id, first_id + 1, ...
  virtual void on_strings(StringId /*first_id*/, std::span<const std::string> /*strings*/) {}
  virtual void on_stack(const Stack& /*stack*/) {}
  virtual void on_context(const ContextRecord& /*context*/) {}
  virtual void on_site(const Site& /*site*/) {}
  virtual void on_totals(const Totals& /*totals*/) {}
};

/// Streams one snapshot, from a file or any ByteStream (standard input is read as it
/// arrives): memory use is bounded by the largest record, not by the input, and a
/// compressed body may expand only as far as its compressed bytes justify (schema.hpp).
/// The constructor opens the file (or reads from the stream) and checks the header; read()
/// decodes and checks every record and throws FormatError at the first problem
/// (after the visitor has seen the records before it). A visitor may throw; the
/// exception propagates unchanged.
class SnapshotReader {
 public:
  explicit SnapshotReader(const std::filesystem::path& path, ReadOptions options = {});
  /// Reads from `in`, which must outlive the reader; `name` starts every message.
  SnapshotReader(ByteStream& in, std::string name, ReadOptions options = {});
  ~SnapshotReader();
  SnapshotReader(SnapshotReader&&) noexcept;
  SnapshotReader& operator=(SnapshotReader&&) noexcept;
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  std::uint32_t version() const noexcept;
  bool compressed() const noexcept;
  /// The input's size; 0 when unknown.
  std::uint64_t file_size() const noexcept;

  /// Reads the whole body once, in order. A second call throws std::logic_error.
  void read(SnapshotVisitor& visitor);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads a whole snapshot into memory.
Snapshot read_snapshot(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace ctxheap::format
