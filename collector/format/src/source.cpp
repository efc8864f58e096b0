#include "source.hpp"

#include <zstd.h>

#include <string>
#include <vector>

#include "ctxheap/format/schema.hpp"
#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

class RawSource final : public BodySource {
 public:
  explicit RawSource(InputFile& file) : file_(file) {}
  std::size_t read(void* dst, std::size_t size) override { return file_.read(dst, size); }
  bool ended_cleanly() const noexcept override { return true; }

 private:
  InputFile& file_;
};

class ZstdSource final : public BodySource {
 public:
  explicit ZstdSource(InputFile& file) : file_(file), dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) throw DecodeError("zstd: cannot create a decompression context");
    // Bounds the window memory a hostile frame header can make us allocate.
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, kMaxZstdWindowLog);
    in_.resize(ZSTD_DStreamInSize());
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  std::size_t read(void* dst, std::size_t size) override {
    ZSTD_outBuffer out{dst, size, 0};
    while (out.pos == 0) {
      if (in_pos_ == in_size_ && !input_ended_) {
        in_size_ = file_.read(in_.data(), in_.size());
        in_pos_ = 0;
        input_ended_ = in_size_ == 0;
      }
      // With the input exhausted this call still flushes output zstd holds back.
      ZSTD_inBuffer in{in_.data(), in_size_, in_pos_};
      const std::size_t rc = ZSTD_decompressStream(dctx_, &out, &in);
      if (ZSTD_isError(rc)) {
        throw DecodeError(std::string("corrupt zstd body (") + ZSTD_getErrorName(rc) +
                          ") near file offset " + std::to_string(file_.position()));
      }
      const bool progressed = in.pos != in_pos_ || out.pos != 0;
      in_pos_ = in.pos;
      if (progressed) frame_complete_ = rc == 0;
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
  InputFile& file_;
  ZSTD_DCtx* dctx_;
  std::vector<char> in_;
  std::size_t in_size_ = 0;
  std::size_t in_pos_ = 0;
  bool input_ended_ = false;
  bool frame_complete_ = false;
};

}  // namespace

std::unique_ptr<BodySource> make_raw_source(InputFile& file) {
  return std::make_unique<RawSource>(file);
}

std::unique_ptr<BodySource> make_zstd_source(InputFile& file) {
  return std::make_unique<ZstdSource>(file);
}

}  // namespace ctxheap::format::detail
