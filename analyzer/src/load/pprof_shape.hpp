// The top-level shape of a profile.proto, checked as its bytes are inflated: a gzipped
// input that is not a Profile (a bomb of zeros) stops at its first wrong byte, before
// the rest is inflated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ctxheap::analyzer::detail {

inline constexpr int kWireVarint = 0;
inline constexpr int kWireLen = 2;

/// The wire type profile.proto gives each top-level field (1..15); -1 = no such field.
int profile_field_wire_type(std::uint64_t field) noexcept;

class PprofShapeCheck {
 public:
  explicit PprofShapeCheck(std::string name) : name_(std::move(name)) {}
  /// The next inflated bytes. Throws LoadError ("name: gzip data does not hold a pprof
  /// profile: ...") at a field number 0, a group or unknown wire type, a known field of
  /// profile.proto with another wire type, or a varint over 10 bytes.
  void feed(std::string_view bytes);

 private:
  enum class State { Tag, Value, Length, Skip };
  [[noreturn]] void fail(const std::string& why) const;

  std::string name_;
  State state_ = State::Tag;
  std::uint64_t varint_ = 0;
  int varint_bytes_ = 0;
  std::uint64_t skip_ = 0;
  std::uint64_t offset_ = 0;
};

}  // namespace ctxheap::analyzer::detail
