#include "sink.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctxheap/format/schema.hpp"

namespace ctxheap::format::detail {
namespace {

class RawSink final : public BodySink {
 public:
  explicit RawSink(OutputFile& file) : file_(file) { buffer_.reserve(kBufferSize); }

  void write(const void* data, std::size_t size) override {
    if (buffer_.size() + size > kBufferSize) flush();
    if (size >= kBufferSize) {
      file_.write_all(data, size);
      return;
    }
    const auto* bytes = static_cast<const char*>(data);
    buffer_.insert(buffer_.end(), bytes, bytes + size);
  }

  void finish() override { flush(); }

 private:
  static constexpr std::size_t kBufferSize = 256 * 1024;

  void flush() {
    file_.write_all(buffer_.data(), buffer_.size());
    buffer_.clear();
  }

  OutputFile& file_;
  std::vector<char> buffer_;
};

class ZstdSink final : public BodySink {
 public:
  ZstdSink(OutputFile& file, int level) : file_(file), cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) throw std::runtime_error("zstd: cannot create a compression context");
    // Levels above 19 use windows larger than readers accept (kMaxZstdWindowLog).
    level = std::clamp(level, ZSTD_minCLevel(), 19);
    check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level));
    check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1));
    out_.resize(ZSTD_CStreamOutSize());
  }

  ~ZstdSink() override { ZSTD_freeCCtx(cctx_); }
  ZstdSink(const ZstdSink&) = delete;
  ZstdSink& operator=(const ZstdSink&) = delete;

  void write(const void* data, std::size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) drain(&in, ZSTD_e_continue);
  }

  void finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (drain(&in, ZSTD_e_end) != 0) {
    }
  }

 private:
  static std::size_t check(std::size_t rc) {
    if (ZSTD_isError(rc)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
    return rc;
  }

  /// One compression step; writes whatever output it produced. Returns zstd's
  /// "bytes still to flush" hint (0 = done for ZSTD_e_end).
  std::size_t drain(ZSTD_inBuffer* in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const std::size_t remaining = check(ZSTD_compressStream2(cctx_, &out, in, mode));
    if (out.pos > 0) file_.write_all(out_.data(), out.pos);
    return remaining;
  }

  OutputFile& file_;
  ZSTD_CCtx* cctx_;
  std::vector<char> out_;
};

}  // namespace

std::unique_ptr<BodySink> make_raw_sink(OutputFile& file) { return std::make_unique<RawSink>(file); }

std::unique_ptr<BodySink> make_zstd_sink(OutputFile& file, int level) {
  return std::make_unique<ZstdSink>(file, level);
}

}  // namespace ctxheap::format::detail
