// SnapshotReader: header check, then records from the body source through
// the framing, parsed (protobuf), converted (convert.*) and checked
// (rules.*) before any visitor sees them. Internal errors become one-line
// FormatErrors naming the file and the record.
#include "ctxheap/format/reader.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>

#include "convert.hpp"
#include "ctxheap/format/error.hpp"
#include "ctxheap/format/schema.hpp"
#include "ctxheap_snapshot.pb.h"
#include "decode_error.hpp"
#include "file_io.hpp"
#include "framing.hpp"
#include "header.hpp"
#include "rules.hpp"
#include "source.hpp"

namespace ctxheap::format {
namespace {

/// Whether the first record's payload continues a zstd magic (28 b5 2f fd):
/// its first byte, 0x28, was taken for the length.
bool looks_like_zstd_frame(const std::string& payload) {
  constexpr std::array<unsigned char, 3> kRest = {0xb5, 0x2f, 0xfd};
  return payload.size() >= kRest.size() &&
         std::equal(kRest.begin(), kRest.end(), payload.begin(),
                    [](unsigned char m, char c) { return m == static_cast<unsigned char>(c); });
}

/// Most body bytes an input of this size may decode to (see schema.hpp). When the size
/// is unknown (a pipe), kMaxBodyBytes; the zstd source bounds expansion as it decodes.
std::uint64_t body_limit(std::uint64_t input_size, bool compressed) {
  if (input_size == 0) return kMaxBodyBytes;
  const std::uint64_t body_size = input_size > kHeaderSize ? input_size - kHeaderSize : 0;
  if (!compressed) return std::min(body_size, kMaxBodyBytes);
  const std::uint64_t ratio_limit =
      body_size > kMaxBodyBytes / kMaxExpansionRatio ? kMaxBodyBytes : body_size * kMaxExpansionRatio;
  return std::min(kMaxBodyBytes, std::max(kMinBodyAllowance, ratio_limit));
}

}  // namespace

class SnapshotReader::Impl {
 public:
  Impl(const std::filesystem::path& path, ReadOptions options)
      : name_(path.string()), options_(std::move(options)), file_(std::make_unique<detail::InputFile>(path)),
        input_(*file_) {
    read_header();
  }

  Impl(ByteStream& in, std::string name, ReadOptions options)
      : name_(std::move(name)), options_(std::move(options)), input_(in) {
    read_header();
  }

  void read_header() {
    guarded([&] {
      std::array<unsigned char, kHeaderSize> bytes{};
      std::size_t got = 0;
      while (got < bytes.size()) {
        const std::size_t n = input_.read(bytes.data() + got, bytes.size() - got);
        if (n == 0) break;
        got += n;
      }
      header_ = detail::decode_header(std::span<const unsigned char>(bytes.data(), got));
    });
  }

  void read(SnapshotVisitor& visitor) {
    if (used_) throw std::logic_error("SnapshotReader::read called twice");
    used_ = true;
    const bool compressed = (header_.flags & kFlagZstd) != 0;
    const auto source = guarded(
        [&] { return compressed ? detail::make_zstd_source(input_) : detail::make_raw_source(input_); });
    detail::FramedReader framer(*source, body_limit(input_.size(), compressed), compressed);
    detail::SnapshotRules rules(header_.version);
    report_progress();

    std::string payload;
    wire::Record record;
    for (;;) {
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
        throw ReadCancelled();
      }
      const bool more = guarded([&] { return framer.next(payload); });
      report_progress();
      if (!more) {
        fail("truncated: no End record (the body ends after " +
             std::to_string(framer.record_index()) + " records, at body offset " +
             std::to_string(framer.record_offset()) + ")");
      }
      if (framer.record_index() == 0 && !compressed && looks_like_zstd_frame(payload)) {
        fail("corrupt: the body is zstd-compressed but the header says it is not");
      }
      if (!record.ParseFromString(payload)) {
        fail_at(framer, "not a valid record (protobuf parse failed)");
      }
      if (record.has_end()) {
        at(framer, [&] { rules.end(end_counts(record.end())); });
        guarded([&] { framer.expect_end(); });
        break;
      }
      at(framer, [&] { dispatch(record, rules, visitor); });
    }
    report_progress();
  }

  std::uint32_t version() const noexcept { return header_.version; }
  bool compressed() const noexcept { return (header_.flags & kFlagZstd) != 0; }
  std::uint64_t file_size() const noexcept { return input_.size(); }

 private:
  static detail::RecordCounts end_counts(const wire::End& end) {
    return {.records = end.records(),
            .strings = end.strings(),
            .stacks = end.stacks(),
            .contexts = end.contexts(),
            .sites = end.sites()};
  }

  /// Converts and checks one record, then hands it to the visitor. Visitor
  /// exceptions pass through untouched; only InvalidRecord is ours.
  void dispatch(wire::Record& record, detail::SnapshotRules& rules, SnapshotVisitor& visitor) {
    switch (record.kind_case()) {
      case wire::Record::kMetadata: {
        const Metadata meta = detail::from_wire(record.metadata());
        rules.metadata(meta);
        return visitor.on_metadata(meta);
      }
      case wire::Record::kStrings: {
        const auto first = static_cast<StringId>(rules.counts().strings);
        const std::vector<std::string> strings = detail::from_wire(*record.mutable_strings());
        rules.strings(strings);
        return visitor.on_strings(first, strings);
      }
      case wire::Record::kStack: {
        const Stack stack = detail::from_wire(record.stack());
        rules.stack(stack);
        return visitor.on_stack(stack);
      }
      case wire::Record::kContext: {
        const ContextRecord context = detail::from_wire(record.context());
        rules.context(context);
        return visitor.on_context(context);
      }
      case wire::Record::kSite: {
        const Site site = detail::from_wire(record.site());
        rules.site(site);
        return visitor.on_site(site);
      }
      case wire::Record::kTotals: {
        const Totals totals = detail::from_wire(record.totals());
        rules.totals(totals);
        return visitor.on_totals(totals);
      }
      case wire::Record::kEnd:  // handled by read()
      case wire::Record::KIND_NOT_SET:
        // A record kind added by a newer writer: skipped (see the .proto rules).
        return rules.unknown_record();
    }
  }

  void report_progress() {
    if (!options_.progress) return;
    const std::uint64_t now = input_.position();
    if (now == last_progress_ && reported_once_) return;
    reported_once_ = true;
    last_progress_ = now;
    options_.progress(now, input_.size());
  }

  [[noreturn]] void fail(const std::string& message) const { throw FormatError(name_ + ": " + message); }

  [[noreturn]] void fail_at(const detail::FramedReader& framer, const std::string& message) const {
    fail("record " + std::to_string(framer.record_index()) + " at body offset " +
         std::to_string(framer.record_offset()) + ": " + message);
  }

  /// Runs fn; a DecodeError (its message already says where) becomes a FormatError.
  template <class Fn>
  auto guarded(Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const detail::DecodeError& e) {
      fail(e.what());
    }
  }

  /// Runs fn for the current record; an InvalidRecord becomes a FormatError naming it.
  template <class Fn>
  void at(const detail::FramedReader& framer, Fn&& fn) {
    try {
      fn();
    } catch (const detail::InvalidRecord& e) {
      fail_at(framer, e.what());
    }
  }

  std::string name_;
  ReadOptions options_;
  std::unique_ptr<detail::InputFile> file_;  // when the reader opened the file itself
  detail::CountingInput input_;
  detail::Header header_;
  bool used_ = false;
  bool reported_once_ = false;
  std::uint64_t last_progress_ = 0;
};

SnapshotReader::SnapshotReader(const std::filesystem::path& path, ReadOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}
SnapshotReader::SnapshotReader(ByteStream& in, std::string name, ReadOptions options)
    : impl_(std::make_unique<Impl>(in, std::move(name), std::move(options))) {}
SnapshotReader::~SnapshotReader() = default;
SnapshotReader::SnapshotReader(SnapshotReader&&) noexcept = default;
SnapshotReader& SnapshotReader::operator=(SnapshotReader&&) noexcept = default;

std::uint32_t SnapshotReader::version() const noexcept { return impl_->version(); }
bool SnapshotReader::compressed() const noexcept { return impl_->compressed(); }
std::uint64_t SnapshotReader::file_size() const noexcept { return impl_->file_size(); }
void SnapshotReader::read(SnapshotVisitor& visitor) { impl_->read(visitor); }

namespace {

/// Collects every record into a Snapshot.
class SnapshotBuilder final : public SnapshotVisitor {
 public:
  explicit SnapshotBuilder(Snapshot& out) : out_(out) {}
  void on_metadata(const Metadata& meta) override { out_.meta = meta; }
  void on_strings(StringId, std::span<const std::string> strings) override {
    out_.strings.insert(out_.strings.end(), strings.begin(), strings.end());
  }
  void on_stack(const Stack& stack) override { out_.stacks.push_back(stack); }
  void on_context(const ContextRecord& context) override { out_.contexts.push_back(context); }
  void on_site(const Site& site) override { out_.sites.push_back(site); }
  void on_totals(const Totals& totals) override { out_.totals = totals; }

 private:
  Snapshot& out_;
};

}  // namespace

Snapshot read_snapshot(const std::filesystem::path& path, const ReadOptions& options) {
  Snapshot snapshot;
  SnapshotBuilder builder(snapshot);
  SnapshotReader(path, options).read(builder);
  return snapshot;
}

}  // namespace ctxheap::format
