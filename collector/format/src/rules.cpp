#include "rules.hpp"

#include <string>

#include "ctxheap/format/schema.hpp"
#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

// String ids are 32-bit, so a table holds at most 2^32 strings.
constexpr std::uint64_t kMaxStrings = std::uint64_t{1} << 32;

void check_text(const std::string& text, const char* field) {
  if (text.size() > kMaxStringBytes) {
    throw InvalidRecord(std::string(field) + " is " + std::to_string(text.size()) +
                        " bytes long (limit " + std::to_string(kMaxStringBytes) + ")");
  }
}

// The vocabulary knows its values; Unknown is no reason a writer may give.
bool known(ContextKind kind) { return context_kind_from(static_cast<int>(kind)).has_value(); }
bool known(ContextState state) { return context_state_from(static_cast<int>(state)).has_value(); }
bool known(ContextErr err) { return context_err_from(static_cast<int>(err)).has_value(); }
bool known(SnapshotReason reason) {
  return reason != SnapshotReason::Unknown && snapshot_reason_from(static_cast<int>(reason)).has_value();
}

}  // namespace

void SnapshotRules::require_metadata(const char* what) const {
  if (!seen_metadata_) throw InvalidRecord(std::string(what) + " before the Metadata record");
}

void SnapshotRules::check_string_id(std::uint64_t id, const char* field) const {
  if (id >= counts_.strings) {
    throw InvalidRecord(std::string(field) + " refers to string " + std::to_string(id) + " but only " +
                        std::to_string(counts_.strings) + " strings precede it");
  }
}

void SnapshotRules::check_stack_id(std::uint64_t id, const char* field, bool optional) const {
  if (id == 0 && optional) return;
  if (id == 0 || id > counts_.stacks) {
    throw InvalidRecord(std::string(field) + " refers to stack " + std::to_string(id) + " but only " +
                        std::to_string(counts_.stacks) + " stacks precede it");
  }
}

void SnapshotRules::metadata(const Metadata& meta) {
  if (seen_metadata_) throw InvalidRecord("a second Metadata record");
  if (counts_.records != 0) throw InvalidRecord("Metadata is not the first record");
  if (meta.format_version != version_) {
    throw InvalidRecord("Metadata says format version " + std::to_string(meta.format_version) +
                        " but the header says " + std::to_string(version_));
  }
  if (!known(meta.reason)) throw InvalidRecord("unknown snapshot reason");
  check_text(meta.program, "program");
  check_text(meta.hostname, "hostname");
  check_text(meta.collector_version, "collector_version");
  for (const std::string& arg : meta.command_line) check_text(arg, "command_line argument");
  seen_metadata_ = true;
  ++counts_.records;
}

void SnapshotRules::check_strings(std::uint64_t first_id, std::span<const std::string> strings) {
  if (first_id == 0 && !strings.empty() && !strings.front().empty()) {
    throw InvalidRecord("string 0 must be the empty string");
  }
  if (strings.size() > kMaxStrings - first_id) {
    throw InvalidRecord("more than " + std::to_string(kMaxStrings) + " strings");
  }
  for (const std::string& text : strings) check_text(text, "a string");
}

void SnapshotRules::strings(std::span<const std::string> strings) {
  require_metadata("a string table");
  check_strings(counts_.strings, strings);
  counts_.strings += strings.size();
  ++counts_.records;
}

void SnapshotRules::stack(const Stack& stack) {
  require_metadata("a Stack record");
  if (stack.id != counts_.stacks + 1) {
    throw InvalidRecord("stack id " + std::to_string(stack.id) + " is out of sequence (expected " +
                        std::to_string(counts_.stacks + 1) + ")");
  }
  if (stack.frames.size() > kMaxFramesPerStack) {
    throw InvalidRecord("stack " + std::to_string(stack.id) + " has " +
                        std::to_string(stack.frames.size()) + " frames (limit " +
                        std::to_string(kMaxFramesPerStack) + ")");
  }
  for (const Frame& frame : stack.frames) {
    check_string_id(frame.function, "frame function");
    check_string_id(frame.file, "frame file");
    check_string_id(frame.module, "frame module");
  }
  ++counts_.stacks;
  ++counts_.records;
}

void SnapshotRules::context(const ContextRecord& context) {
  require_metadata("a Context record");
  if (context.id == 0) throw InvalidRecord("context id 0");
  if (!known(context.kind) || !known(context.state) || !known(context.err)) {
    throw InvalidRecord("context " + std::to_string(context.id) + " has an unknown kind, state or err");
  }
  check_string_id(context.name, "context name");
  check_string_id(context.cause, "context cause");
  check_stack_id(context.creation_stack_id, "context creation stack", /*optional=*/true);
  if (!context_ids_.insert(context.id).second) {
    throw InvalidRecord("context id " + std::to_string(context.id) + " appears twice");
  }
  ++counts_.contexts;
  ++counts_.records;
}

void SnapshotRules::site(const Site& site) {
  require_metadata("a Site record");
  check_stack_id(site.stack_id, "site stack", /*optional=*/false);
  ++counts_.sites;
  ++counts_.records;
}

void SnapshotRules::totals(const Totals& totals) {
  require_metadata("a Totals record");
  if (seen_totals_) throw InvalidRecord("a second Totals record");
  for (const AllocatorProperty& property : totals.allocator) {
    check_string_id(property.name, "allocator property name");
  }
  for (const ThreadTotals& thread : totals.no_context_threads) check_string_id(thread.name, "thread name");
  seen_totals_ = true;
  ++counts_.records;
}

void SnapshotRules::unknown_record() {
  require_metadata("a record of unknown kind");
  ++counts_.records;
}

void SnapshotRules::end(const RecordCounts& claimed) {
  require_metadata("the End record");
  if (!seen_totals_) throw InvalidRecord("no Totals record before End");
  if (claimed != counts_) {
    const auto pair = [](std::uint64_t said, std::uint64_t seen) {
      return std::to_string(said) + "/" + std::to_string(seen);
    };
    throw InvalidRecord("End record counts do not match the file (said/seen: records " +
                        pair(claimed.records, counts_.records) + ", strings " +
                        pair(claimed.strings, counts_.strings) + ", stacks " +
                        pair(claimed.stacks, counts_.stacks) + ", contexts " +
                        pair(claimed.contexts, counts_.contexts) + ", sites " +
                        pair(claimed.sites, counts_.sites) + ")");
  }
}

}  // namespace ctxheap::format::detail
