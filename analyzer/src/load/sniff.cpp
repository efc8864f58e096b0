// Input format detection by content. Order matters: exact magics first, the
// protobuf heuristic last.
#include "ctxheap/analyzer/input_format.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ctxheap/format/schema.hpp"
#include "load/pprof_shape.hpp"

namespace ctxheap::analyzer {
namespace {

bool starts_with(std::span<const std::byte> head, std::string_view prefix) {
  if (head.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), head.begin(),
                    [](char c, std::byte b) { return static_cast<unsigned char>(c) == std::to_integer<unsigned char>(b); });
}

/// A protobuf reader over the head of a file. nullopt = the head ends inside
/// a varint (or the varint is over-long).
class ProtoPeek {
 public:
  explicit ProtoPeek(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool at_end() const { return pos_ >= bytes_.size(); }
  std::size_t left() const { return bytes_.size() - pos_; }
  void skip(std::size_t count) { pos_ += std::min(count, left()); }

  std::optional<std::uint64_t> varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = std::to_integer<std::uint8_t>(bytes_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

/// A ValueType is two small varint fields: at most 2 * (1 + 10) bytes.
constexpr std::uint64_t kMaxValueTypeBytes = 22;

/// Whether `bytes` (a prefix) is plausibly a ValueType {int64 type = 1; int64 unit = 2;}.
bool looks_like_value_type(std::span<const std::byte> bytes) {
  ProtoPeek peek(bytes);
  while (!peek.at_end()) {
    const auto tag = peek.varint();
    if (tag && *tag != 0x08 && *tag != 0x10) return false;
    if (!tag || !peek.varint()) return true;  // the head ends here
  }
  return true;
}

}  // namespace

/// Encoders open with a ValueType: google/pprof and prost with sample_type
/// (field 1), Go's runtime/pprof with period_type (field 11). So the head must
/// start with one of those holding a small ValueType, and every top-level
/// field seen must carry the wire type profile.proto gives it.
bool looks_like_raw_pprof(std::span<const std::byte> head) noexcept {
  constexpr std::uint8_t kSampleTypeTag = 0x0a;  // field 1, LEN
  constexpr std::uint8_t kPeriodTypeTag = 0x5a;  // field 11, LEN
  if (head.empty()) return false;
  const auto first_byte = std::to_integer<std::uint8_t>(head[0]);
  if (first_byte != kSampleTypeTag && first_byte != kPeriodTypeTag) return false;
  ProtoPeek peek(head);
  bool first = true;
  while (!peek.at_end()) {
    const auto tag = peek.varint();
    if (!tag) return !first;
    const int wire_type = static_cast<int>(*tag & 7);
    if (detail::profile_field_wire_type(*tag >> 3) != wire_type) return false;
    const auto value = peek.varint();
    if (!value) return !first;
    if (wire_type == detail::kWireLen) {
      if (first) {
        if (*value > kMaxValueTypeBytes) return false;
        const std::size_t start = head.size() - peek.left();
        const auto inner = head.subspan(start, std::min<std::size_t>(*value, peek.left()));
        if (!looks_like_value_type(inner)) return false;
      }
      if (*value >= peek.left()) return true;  // the field runs past the head
      peek.skip(static_cast<std::size_t>(*value));
    }
    first = false;
  }
  return !first;
}

std::string_view to_string(InputFormat format) noexcept {
  switch (format) {
    case InputFormat::CtxheapSnapshot: return "ctxheap snapshot";
    case InputFormat::HeapText: return "heap profile text";
    case InputFormat::GoroutineText: return "Go goroutine profile text";
    case InputFormat::PprofGzip: return "gzipped pprof profile";
    case InputFormat::PprofRaw: return "pprof profile";
    case InputFormat::Unknown: return "unknown";
  }
  return "unknown";
}

InputFormat sniff_format(std::span<const std::byte> head) noexcept {
  if (format::has_snapshot_magic(head)) return InputFormat::CtxheapSnapshot;
  if (head.size() >= 2 && std::to_integer<unsigned char>(head[0]) == 0x1f &&
      std::to_integer<unsigned char>(head[1]) == 0x8b) {
    return InputFormat::PprofGzip;
  }
  if (starts_with(head, "heap profile:") || starts_with(head, "heap_v2/")) return InputFormat::HeapText;
  if (starts_with(head, "goroutine profile:")) return InputFormat::GoroutineText;
  if (looks_like_raw_pprof(head)) return InputFormat::PprofRaw;
  return InputFormat::Unknown;
}

}  // namespace ctxheap::analyzer

