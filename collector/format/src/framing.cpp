#include "framing.hpp"

#include <algorithm>
#include <string>

#include "ctxheap/format/schema.hpp"
#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

constexpr std::size_t kReadBufferSize = 64 * 1024;
constexpr int kMaxVarintBytes = 10;

std::string where(std::uint64_t index, std::uint64_t offset) {
  return "record " + std::to_string(index) + " at body offset " + std::to_string(offset);
}

}  // namespace

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

FramedReader::FramedReader(BodySource& source, std::uint64_t body_limit, bool compressed)
    : source_(source), body_limit_(body_limit), compressed_(compressed), buffer_(kReadBufferSize) {}

bool FramedReader::refill() {
  pos_ = 0;
  end_ = source_.read(buffer_.data(), buffer_.size());
  return end_ > 0;
}

int FramedReader::get_byte() {
  if (pos_ == end_ && !refill()) return -1;
  ++consumed_;
  return static_cast<unsigned char>(buffer_[pos_++]);
}

bool FramedReader::next(std::string& payload) {
  index_ = next_index_++;
  record_offset_ = consumed_;
  int byte = get_byte();
  if (byte < 0) {
    if (!source_.ended_cleanly()) {
      throw DecodeError("truncated: the zstd stream ends early, before " +
                        where(index_, record_offset_));
    }
    return false;
  }

  std::uint64_t length = 0;
  for (int i = 0;; ++i) {
    const auto bits = static_cast<std::uint64_t>(byte & 0x7f);
    if (i == kMaxVarintBytes - 1 && bits > 1) {
      throw DecodeError("corrupt length of " + where(index_, record_offset_) +
                        " (varint overflows 64 bits)");
    }
    length |= bits << (7 * i);
    if ((byte & 0x80) == 0) break;
    if (i == kMaxVarintBytes - 1) {
      throw DecodeError("corrupt length of " + where(index_, record_offset_) +
                        " (varint longer than 10 bytes)");
    }
    byte = get_byte();
    if (byte < 0) throw DecodeError("truncated: " + where(index_, record_offset_) + " ends inside its length");
  }

  if (length == 0) throw DecodeError("corrupt: " + where(index_, record_offset_) + " is empty");
  if (length > kMaxRecordBytes) {
    throw DecodeError("corrupt record length " + std::to_string(length) + " of " +
                      where(index_, record_offset_) + " (limit " + std::to_string(kMaxRecordBytes) +
                      ")");
  }
  // The one check that bounds the body: every record is checked before its
  // bytes are read, and between records at most a length varint is read, so
  // decoding never runs more than one read-ahead buffer past body_limit_.
  const std::uint64_t left = body_limit_ - std::min(body_limit_, consumed_);
  if (length > left) {
    if (compressed_) {
      throw DecodeError(where(index_, record_offset_) + " claims " + std::to_string(length) +
                        " bytes, past the " + std::to_string(body_limit_) +
                        "-byte limit this compressed body may expand to: refusing a possible zstd bomb");
    }
    throw DecodeError("truncated: " + where(index_, record_offset_) + " claims " +
                      std::to_string(length) + " bytes but only " + std::to_string(left) +
                      " remain");
  }

  // Grow with the bytes that actually arrive, not with the claimed length.
  payload.clear();
  while (payload.size() < length) {
    if (pos_ == end_ && !refill()) {
      throw DecodeError("truncated: " + where(index_, record_offset_) + " ends early (" +
                        std::to_string(payload.size()) + " of " + std::to_string(length) +
                        " bytes)");
    }
    const std::size_t take = static_cast<std::size_t>(
        std::min<std::uint64_t>(length - payload.size(), end_ - pos_));
    payload.append(buffer_.data() + pos_, take);
    pos_ += take;
    consumed_ += take;
  }
  return true;
}

void FramedReader::expect_end() {
  const std::uint64_t offset = consumed_;
  if (get_byte() >= 0) {
    throw DecodeError("corrupt: data after the End record at body offset " + std::to_string(offset));
  }
  if (!source_.ended_cleanly()) {
    throw DecodeError("truncated: the zstd stream ends early, after the End record");
  }
}

}  // namespace ctxheap::format::detail
