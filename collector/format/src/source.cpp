#include "source.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ctxheap/format/schema.hpp"
#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

/// Most body bytes `compressed` bytes of zstd data may expand to (see schema.hpp).
std::uint64_t expansion_budget(std::uint64_t compressed) {
  if (compressed > kMaxBodyBytes / kMaxExpansionRatio) return kMaxBodyBytes;
  return std::max(kMinBodyAllowance, compressed * kMaxExpansionRatio);
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

constexpr std::uint32_t kSkippableMagic = 0x184D2A50;  // ...to 0x184D2A5F
constexpr std::uint32_t kSkippableMask = 0xFFFFFFF0;
constexpr std::size_t kSkippableHeaderSize = 8;
constexpr std::size_t kFrameHeaderMaxSize = 18;  // ZSTD_FRAMEHEADERSIZE_MAX
constexpr std::uint64_t kDecodeSlack = 1 << 20;

class RawSource final : public BodySource {
 public:
  explicit RawSource(CountingInput& input) : input_(input) {}
  std::size_t read(void* dst, std::size_t size) override { return input_.read(dst, size); }
  bool ended_cleanly() const noexcept override { return true; }

 private:
  CountingInput& input_;
};

class ZstdSource final : public BodySource {
 public:
  explicit ZstdSource(CountingInput& input) : input_(input), dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) throw DecodeError("zstd: cannot create a decompression context");
    // Bounds the window memory a hostile frame header can make us allocate.
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, kMaxZstdWindowLog);
    in_.resize(std::max<std::size_t>(ZSTD_DStreamInSize(), 2 * kFrameHeaderMaxSize));
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  std::size_t read(void* dst, std::size_t size) override {
    ZSTD_outBuffer out{dst, size, 0};
    while (out.pos == 0) {
      if (at_frame_start_ && !start_frame()) return 0;
      if (in_pos_ == in_size_ && !input_ended_) {
        in_size_ = input_.read(in_.data(), in_.size());
        in_pos_ = 0;
        input_ended_ = in_size_ == 0;
      }
      // With the input exhausted this call still flushes output zstd holds back.
      ZSTD_inBuffer in{in_.data(), in_size_, in_pos_};
      const std::size_t rc = ZSTD_decompressStream(dctx_, &out, &in);
      if (ZSTD_isError(rc)) {
        throw DecodeError(std::string("corrupt zstd body (") + ZSTD_getErrorName(rc) +
                          ") near file offset " + std::to_string(input_.position()));
      }
      const bool progressed = in.pos != in_pos_ || out.pos != 0;
      data_bytes_ += in.pos - in_pos_;
      produced_ += out.pos;
      in_pos_ = in.pos;
      // The slack lets the framer, whose per-record check names the record and never
      // reads more than one buffer ahead, speak first where both apply.
      if (produced_ > expansion_budget(data_bytes_) + kDecodeSlack) {
        throw DecodeError("corrupt zstd body: " + std::to_string(data_bytes_) +
                          " compressed bytes expand past " + std::to_string(expansion_budget(data_bytes_)) +
                          " bytes: refusing a possible zstd bomb");
      }
      if (progressed) frame_complete_ = at_frame_start_ = rc == 0;
      // zstd always progresses while it has input and output room; no progress
      // means the input is exhausted and nothing is held back.
      if (!progressed && input_ended_) return 0;
    }
    return out.pos;
  }

  bool ended_cleanly() const noexcept override {
    return input_ended_ && in_pos_ == in_size_ && frame_complete_;
  }

 private:
  /// At a frame boundary: skips skippable frames as they arrive, and checks what a data
  /// frame declares. False when the input ends here.
  bool start_frame() {
    for (;;) {
      fill_at_least(kFrameHeaderMaxSize);
      const std::size_t available = in_size_ - in_pos_;
      if (available == 0) return false;
      const unsigned char* head = in_.data() + in_pos_;
      if (available >= 4 && (le32(head) & kSkippableMask) == kSkippableMagic) {
        if (available < kSkippableHeaderSize) throw DecodeError("truncated: the body ends inside a skippable zstd frame");
        const std::uint32_t length = le32(head + 4);
        in_pos_ += kSkippableHeaderSize;
        skip(length);
        continue;
      }
      const unsigned long long declared = ZSTD_getFrameContentSize(head, available);
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) check_declared(declared);
      at_frame_start_ = false;
      return true;
    }
  }

  /// A frame's declared content size against what the rest of the input may expand to.
  void check_declared(std::uint64_t declared) const {
    std::uint64_t allowed = kMaxBodyBytes;
    std::string from = "";
    if (input_.size() != 0) {
      const std::uint64_t taken = input_.position() - (in_size_ - in_pos_);
      const std::uint64_t left = input_.size() > taken ? input_.size() - taken : 0;
      const std::uint64_t budget = expansion_budget(data_bytes_ + left);
      allowed = budget > produced_ ? budget - produced_ : 0;
      from = " its " + std::to_string(left) + " compressed bytes may hold";
    }
    if (declared > allowed) {
      throw DecodeError("corrupt zstd body: a frame declares " + std::to_string(declared) +
                        " bytes of content, more than the " + std::to_string(allowed) + from +
                        ": refusing a possible zstd bomb");
    }
  }

  /// Discards `count` input bytes without decoding or keeping them.
  void skip(std::uint64_t count) {
    while (count > 0) {
      if (in_pos_ == in_size_) {
        in_size_ = input_ended_ ? 0 : input_.read(in_.data(), in_.size());
        in_pos_ = 0;
        if (in_size_ == 0) {
          input_ended_ = true;
          throw DecodeError("truncated: a skippable zstd frame ends early (" + std::to_string(count) +
                            " of its bytes are missing)");
        }
      }
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(count, in_size_ - in_pos_));
      in_pos_ += take;
      count -= take;
    }
  }

  /// Moves unread input to the front and reads until `want` bytes are buffered or the
  /// input ends.
  void fill_at_least(std::size_t want) {
    if (in_size_ - in_pos_ >= want) return;
    std::memmove(in_.data(), in_.data() + in_pos_, in_size_ - in_pos_);
    in_size_ -= in_pos_;
    in_pos_ = 0;
    while (in_size_ < want && !input_ended_) {
      const std::size_t got = input_.read(in_.data() + in_size_, in_.size() - in_size_);
      input_ended_ = got == 0;
      in_size_ += got;
    }
  }

  CountingInput& input_;
  ZSTD_DCtx* dctx_;
  std::vector<unsigned char> in_;
  std::size_t in_size_ = 0;
  std::size_t in_pos_ = 0;
  std::uint64_t data_bytes_ = 0;  // input bytes of data frames handed to zstd
  std::uint64_t produced_ = 0;    // body bytes decoded
  bool input_ended_ = false;
  bool frame_complete_ = false;
  bool at_frame_start_ = true;
};

}  // namespace

std::unique_ptr<BodySource> make_raw_source(CountingInput& input) {
  return std::make_unique<RawSource>(input);
}

std::unique_ptr<BodySource> make_zstd_source(CountingInput& input) {
  return std::make_unique<ZstdSource>(input);
}

}  // namespace ctxheap::format::detail
