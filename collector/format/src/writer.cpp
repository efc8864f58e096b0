// SnapshotWriter: checks each record (rules.*), converts it (convert.*),
// frames it (framing.*) and hands the bytes to a sink; owns the temp-file
// protocol that makes a snapshot appear under its final name all at once.
#include "ctxheap/format/writer.hpp"

#include <unistd.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "ctxheap/format/schema.hpp"
#include "convert.hpp"
#include "ctxheap_snapshot.pb.h"
#include "decode_error.hpp"
#include "file_io.hpp"
#include "framing.hpp"
#include "header.hpp"
#include "rules.hpp"
#include "sink.hpp"

namespace ctxheap::format {
namespace {

// A string-table chunk is flushed at this size, far below kMaxRecordBytes even
// with one maximal string on top.
constexpr std::size_t kStringChunkBytes = 1 << 20;
constexpr std::size_t kStringChunkCount = 64 * 1024;

std::filesystem::path make_temp_path(const std::filesystem::path& final_path) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path temp = final_path;
  temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  return temp;
}

}  // namespace

class SnapshotWriter::Impl {
 public:
  Impl(std::filesystem::path final_path, const WriteOptions& options)
      : final_path_(std::move(final_path)), temp_path_(make_temp_path(final_path_)) {
    file_.emplace(temp_path_);
    const detail::Header header{.version = kFormatVersion,
                                .flags = options.compress ? kFlagZstd : 0u};
    const auto bytes = detail::encode_header(header);
    try {
      file_->write_all(bytes.data(), bytes.size());
      sink_ = options.compress ? detail::make_zstd_sink(*file_, options.compression_level)
                               : detail::make_raw_sink(*file_);
    } catch (...) {
      discard();
      throw;
    }
  }

  ~Impl() {
    if (!finished_) discard();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void write(const Metadata& meta) {
    Metadata stamped = meta;
    stamped.format_version = kFormatVersion;
    begin();
    detail::to_wire(stamped, *record_.mutable_metadata());
    commit([&] { rules_.metadata(stamped); });
  }
  void write(const Stack& stack) {
    begin();
    detail::to_wire(stack, *record_.mutable_stack());
    commit([&] { rules_.stack(stack); });
  }
  void write(const ContextRecord& context) {
    begin();
    detail::to_wire(context, *record_.mutable_context());
    commit([&] { rules_.context(context); });
  }
  void write(const Site& site) {
    begin();
    detail::to_wire(site, *record_.mutable_site());
    commit([&] { rules_.site(site); });
  }
  void write(const Totals& totals) {
    begin();
    detail::to_wire(totals, *record_.mutable_totals());
    commit([&] { rules_.totals(totals); });
  }

  StringId write_strings(std::span<const std::string> strings) {
    require_usable();
    const std::uint64_t first = rules_.counts().strings + pending_.size();
    checked([&] {
      if (!rules_.has_metadata()) throw detail::InvalidRecord("a string table before the Metadata record");
      detail::SnapshotRules::check_strings(first, strings);
    });
    for (const std::string& text : strings) {
      if (pending_bytes_ + text.size() > kStringChunkBytes || pending_.size() >= kStringChunkCount) {
        flush_strings();
      }
      pending_.push_back(text);
      pending_bytes_ += text.size() + 8;
    }
    return static_cast<StringId>(first);
  }

  void finish() {
    begin();
    const detail::RecordCounts counts = rules_.counts();
    checked([&] { rules_.end(counts); });
    wire::End& end = *record_.mutable_end();
    end.set_records(counts.records);
    end.set_strings(counts.strings);
    end.set_stacks(counts.stacks);
    end.set_contexts(counts.contexts);
    end.set_sites(counts.sites);
    prepare_frame();
    emit();
    io([&] {
      sink_->finish();
      sink_.reset();
      file_->sync_and_close();
      file_.reset();
      std::filesystem::rename(temp_path_, final_path_);
    });
    finished_ = true;
    const std::filesystem::path dir = final_path_.parent_path();
    detail::sync_directory(dir.empty() ? std::filesystem::path(".") : dir);
  }

  const std::filesystem::path& final_path() const noexcept { return final_path_; }
  const std::filesystem::path& temp_path() const noexcept { return temp_path_; }

 private:
  void require_usable() const {
    if (finished_) throw std::logic_error("SnapshotWriter: already finished");
    if (broken_) throw std::logic_error("SnapshotWriter: unusable after an I/O error");
  }

  /// Starts a record: pending strings go out first, so they precede any use.
  void begin() {
    require_usable();
    flush_strings();
    record_.Clear();
  }

  /// Frames record_, checks it against the rules (which then count it) and writes it.
  template <class Fn>
  void commit(Fn&& check) {
    prepare_frame();
    checked(check);
    emit();
  }

  /// Runs a rules check; a violation becomes std::invalid_argument and leaves
  /// the writer as it was.
  template <class Fn>
  static void checked(Fn&& fn) {
    try {
      fn();
    } catch (const detail::InvalidRecord& e) {
      throw std::invalid_argument(std::string("SnapshotWriter: ") + e.what());
    }
  }

  /// Runs output; any failure leaves the writer unusable.
  template <class Fn>
  void io(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      broken_ = true;
      throw;
    }
  }

  /// Serializes record_ into frame_ (length + payload), checking the size limit.
  void prepare_frame() {
    const std::size_t size = record_.ByteSizeLong();
    if (size > kMaxRecordBytes) {
      throw std::invalid_argument("SnapshotWriter: a record of " + std::to_string(size) +
                                  " bytes exceeds the limit of " + std::to_string(kMaxRecordBytes));
    }
    frame_.clear();
    detail::append_varint(frame_, size);
    const std::size_t header = frame_.size();
    frame_.resize(header + size);
    record_.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(frame_.data() + header));
  }

  void emit() {
    io([&] { sink_->write(frame_.data(), frame_.size()); });
  }

  void flush_strings() {
    if (pending_.empty()) return;
    // Already checked by write_strings; this only counts the chunk.
    rules_.strings(pending_);
    record_.Clear();
    wire::StringTable& table = *record_.mutable_strings();
    table.mutable_strings()->Reserve(static_cast<int>(pending_.size()));
    for (std::string& text : pending_) table.add_strings(std::move(text));
    pending_.clear();
    pending_bytes_ = 0;
    prepare_frame();
    emit();
  }

  void discard() noexcept {
    sink_.reset();
    file_.reset();
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
  }

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::optional<detail::OutputFile> file_;
  std::unique_ptr<detail::BodySink> sink_;
  detail::SnapshotRules rules_{kFormatVersion};
  wire::Record record_;
  std::string frame_;
  std::vector<std::string> pending_;  // strings not yet in a StringTable record
  std::size_t pending_bytes_ = 0;
  bool finished_ = false;
  bool broken_ = false;
};

SnapshotWriter::SnapshotWriter(std::filesystem::path final_path, WriteOptions options)
    : impl_(std::make_unique<Impl>(std::move(final_path), options)) {}

SnapshotWriter::~SnapshotWriter() = default;
SnapshotWriter::SnapshotWriter(SnapshotWriter&&) noexcept = default;
SnapshotWriter& SnapshotWriter::operator=(SnapshotWriter&&) noexcept = default;

void SnapshotWriter::write(const Metadata& meta) { impl_->write(meta); }
void SnapshotWriter::write(const Stack& stack) { impl_->write(stack); }
void SnapshotWriter::write(const ContextRecord& context) { impl_->write(context); }
void SnapshotWriter::write(const Site& site) { impl_->write(site); }
void SnapshotWriter::write(const Totals& totals) { impl_->write(totals); }

StringId SnapshotWriter::write_strings(std::span<const std::string> strings) {
  return impl_->write_strings(strings);
}

StringId SnapshotWriter::write_string(std::string_view text) {
  const std::string one(text);
  return impl_->write_strings(std::span<const std::string>(&one, 1));
}

void SnapshotWriter::finish() { impl_->finish(); }

const std::filesystem::path& SnapshotWriter::final_path() const noexcept { return impl_->final_path(); }
const std::filesystem::path& SnapshotWriter::temp_path() const noexcept { return impl_->temp_path(); }

void write_snapshot(const std::filesystem::path& path, const Snapshot& snapshot,
                    const WriteOptions& options) {
  SnapshotWriter writer(path, options);
  writer.write(snapshot.meta);
  if (snapshot.strings.empty()) {
    writer.write_string("");
  } else {
    writer.write_strings(snapshot.strings);
  }
  for (const Stack& stack : snapshot.stacks) writer.write(stack);
  for (const ContextRecord& context : snapshot.contexts) writer.write(context);
  for (const Site& site : snapshot.sites) writer.write(site);
  writer.write(snapshot.totals);
  writer.finish();
}

}  // namespace ctxheap::format
