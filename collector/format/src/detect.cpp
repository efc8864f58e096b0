// Input format detection by content. Order matters: exact magics first, the
// protobuf heuristic last.
#include "ctxheap/format/detect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ctxheap/format/schema.hpp"
#include "ctxheap/format/error.hpp"
#include "file_io.hpp"

namespace ctxheap::format {
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

constexpr int kVarint = 0;
constexpr int kLen = 2;
/// A ValueType is two small varint fields: at most 2 * (1 + 10) bytes.
constexpr std::uint64_t kMaxValueTypeBytes = 22;

/// Wire type profile.proto gives each top-level field (1..15); -1 = no such field.
int profile_field_wire_type(std::uint64_t field) {
  switch (field) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 11: case 13: return kLen;
    case 7: case 8: case 9: case 10: case 12: case 14: case 15: return kVarint;
    default: return -1;
  }
}

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

/// Whether `head` plausibly starts a serialized perftools.profiles.Profile.
/// Encoders open with a ValueType: google/pprof and prost with sample_type
/// (field 1), Go's runtime/pprof with period_type (field 11). So the head must
/// start with one of those holding a small ValueType, and every top-level
/// field seen must carry the wire type profile.proto gives it.
bool looks_like_raw_pprof(std::span<const std::byte> head) {
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
    if (profile_field_wire_type(*tag >> 3) != wire_type) return false;
    const auto value = peek.varint();
    if (!value) return !first;
    if (wire_type == kLen) {
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

}  // namespace

std::string_view to_string(InputFormat format) noexcept {
  switch (format) {
    case InputFormat::CtxheapSnapshot: return "ctxheap snapshot";
    case InputFormat::GperftoolsHeapText: return "gperftools heap profile";
    case InputFormat::PprofGzip: return "gzipped pprof profile";
    case InputFormat::PprofRaw: return "pprof profile";
    case InputFormat::Unknown: return "unknown";
  }
  return "unknown";
}

InputFormat detect_format(std::span<const std::byte> head) noexcept {
  if (head.size() >= kMagic.size() &&
      std::equal(kMagic.begin(), kMagic.end(), head.begin(),
                 [](unsigned char m, std::byte b) { return m == std::to_integer<unsigned char>(b); })) {
    return InputFormat::CtxheapSnapshot;
  }
  if (head.size() >= 2 && std::to_integer<unsigned char>(head[0]) == 0x1f &&
      std::to_integer<unsigned char>(head[1]) == 0x8b) {
    return InputFormat::PprofGzip;
  }
  if (starts_with(head, "heap profile:") || starts_with(head, "heap_v2/")) {
    return InputFormat::GperftoolsHeapText;
  }
  if (looks_like_raw_pprof(head)) return InputFormat::PprofRaw;
  return InputFormat::Unknown;
}

InputFormat detect_file_format(const std::filesystem::path& path) {
  detail::InputFile file(path);
  std::array<std::byte, kDetectBytes> head{};
  std::size_t got = 0;
  try {
    while (got < head.size()) {
      const std::size_t n = file.read(head.data() + got, head.size() - got);
      if (n == 0) break;
      got += n;
    }
  } catch (const std::exception& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
  return detect_format(std::span<const std::byte>(head.data(), got));
}

}  // namespace ctxheap::format
