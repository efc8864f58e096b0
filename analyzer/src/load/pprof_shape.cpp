// The top-level shape of profile.proto, checked as a gzipped profile is inflated.
#include "load/pprof_shape.hpp"

#include <algorithm>

#include "ctxheap/analyzer/load.hpp"

namespace ctxheap::analyzer::detail {

int profile_field_wire_type(std::uint64_t field) noexcept {
  switch (field) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 11: case 13: return kWireLen;
    case 7: case 8: case 9: case 10: case 12: case 14: case 15: return kWireVarint;
    default: return -1;
  }
}

void PprofShapeCheck::fail(const std::string& why) const {
  throw LoadError(name_ + ": gzip data does not hold a pprof profile: " + why + " at inflated byte " +
                  std::to_string(offset_));
}

void PprofShapeCheck::feed(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (state_ == State::Skip) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, bytes.size() - i));
      i += take;
      offset_ += take;
      skip_ -= take;
      if (skip_ == 0) state_ = State::Tag;
      continue;
    }
    const auto byte = static_cast<std::uint8_t>(bytes[i++]);
    ++offset_;
    if (varint_bytes_ == 10) fail("a varint longer than 10 bytes");
    varint_ |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * varint_bytes_++);
    if ((byte & 0x80) != 0) continue;
    const std::uint64_t value = varint_;
    varint_ = 0;
    varint_bytes_ = 0;
    if (state_ == State::Value) {
      state_ = State::Tag;
    } else if (state_ == State::Length) {
      skip_ = value;
      state_ = value == 0 ? State::Tag : State::Skip;
    } else {
      const std::uint64_t field = value >> 3;
      const int wire_type = static_cast<int>(value & 7);
      if (field == 0) fail("field number 0");
      const int expected = profile_field_wire_type(field);
      if (expected >= 0 && expected != wire_type) fail("field " + std::to_string(field) + " with wire type " + std::to_string(wire_type));
      switch (wire_type) {
        case kWireVarint: state_ = State::Value; break;
        case kWireLen: state_ = State::Length; break;
        case 1: skip_ = 8; state_ = State::Skip; break;
        case 5: skip_ = 4; state_ = State::Skip; break;
        default: fail("wire type " + std::to_string(wire_type));
      }
    }
  }
}

}  // namespace ctxheap::analyzer::detail
