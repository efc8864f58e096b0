// The schema's validity rules for a sequence of records, shared by the writer
// (so it cannot write a file the reader rejects) and the reader (so hostile
// input cannot hand the analyzer a dangling id). Each check throws
// InvalidRecord saying what is wrong; the caller says where.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>

#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format::detail {

/// How many records of each kind a file holds; the End record carries them.
struct RecordCounts {
  std::uint64_t records = 0;  // every record before End
  std::uint64_t strings = 0;
  std::uint64_t stacks = 0;
  std::uint64_t contexts = 0;
  std::uint64_t sites = 0;

  bool operator==(const RecordCounts&) const = default;
};

class SnapshotRules {
 public:
  explicit SnapshotRules(std::uint32_t version) : version_(version) {}

  /// Checks strings that would get ids first_id, first_id + 1, ... without
  /// recording them (the writer checks before it buffers).
  static void check_strings(std::uint64_t first_id, std::span<const std::string> strings);

  void metadata(const Metadata& meta);
  void strings(std::span<const std::string> strings);
  void stack(const Stack& stack);
  void context(const ContextRecord& context);
  void site(const Site& site);
  void totals(const Totals& totals);
  /// A record kind newer than this version; skipped, but only after Metadata.
  void unknown_record();
  /// Checks the End record's counts against what was seen, and that the
  /// snapshot is complete (Metadata and Totals present).
  void end(const RecordCounts& claimed);

  bool has_metadata() const noexcept { return seen_metadata_; }
  /// Counts of the records seen so far, as an End record would carry them.
  const RecordCounts& counts() const noexcept { return counts_; }

 private:
  void require_metadata(const char* what) const;
  void check_string_id(std::uint64_t id, const char* field) const;
  void check_stack_id(std::uint64_t id, const char* field, bool optional) const;

  std::uint32_t version_;
  bool seen_metadata_ = false;
  bool seen_totals_ = false;
  RecordCounts counts_;
  std::unordered_set<ContextId> context_ids_;
};

}  // namespace ctxheap::format::detail
