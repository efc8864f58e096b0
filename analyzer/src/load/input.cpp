#include "load/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ctxheap/analyzer/load.hpp"

namespace ctxheap::analyzer::detail {

Input::Input(const std::filesystem::path& path) : name_(path.string()) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw LoadError(name_ + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw LoadError(name_ + ": cannot read: is a directory");
  }
  // A pipe or device (/dev/stdin, a shell's <(...)) is read like standard input.
  if (S_ISREG(st.st_mode)) size_ = static_cast<std::uint64_t>(st.st_size);
}

Input::Input(std::istream& in, std::string name) : name_(std::move(name)), stream_(&in) {}

Input::Input(std::span<const std::byte> bytes, std::string name)
    : name_(std::move(name)), memory_(bytes), size_(bytes.size()) {}

Input::~Input() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t Input::read_source(void* dst, std::size_t size) {
  if (fd_ >= 0) {
    for (;;) {
      const ssize_t got = ::read(fd_, dst, size);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) throw LoadError(name_ + ": read error: " + std::strerror(errno));
    }
  }
  if (stream_ != nullptr) {
    if (stream_->eof()) return 0;
    stream_->read(static_cast<char*>(dst), static_cast<std::streamsize>(size));
    if (stream_->bad()) throw LoadError(name_ + ": read error");
    return static_cast<std::size_t>(stream_->gcount());
  }
  const std::size_t take = std::min(size, memory_.size() - memory_pos_);
  std::memcpy(dst, memory_.data() + memory_pos_, take);
  memory_pos_ += take;
  return take;
}

std::span<const std::byte> Input::head(std::size_t n) {
  while (head_.size() < n) {
    const std::size_t have = head_.size();
    head_.resize(n);
    const std::size_t got = read_source(head_.data() + have, n - have);
    head_.resize(have + got);
    if (got == 0) break;
  }
  return std::as_bytes(std::span<const char>(head_.data(), std::min(n, head_.size())));
}

std::size_t Input::read(void* dst, std::size_t size) {
  if (head_pos_ < head_.size()) {
    const std::size_t take = std::min(size, head_.size() - head_pos_);
    std::memcpy(dst, head_.data() + head_pos_, take);
    head_pos_ += take;
    return take;
  }
  return read_source(dst, size);
}

std::span<const std::byte> Input::all(std::uint64_t limit) {
  const auto over = [&] { return LoadError(name_ + ": larger than the limit of " + std::to_string(limit) + " bytes"); };
  if (size_ > limit) throw over();
  if (fd_ < 0 && stream_ == nullptr && head_pos_ == 0) return memory_;
  whole_.assign(head_, head_pos_);
  head_pos_ = head_.size();
  if (size_ != 0) whole_.reserve(static_cast<std::size_t>(size_) + (1 << 16));
  constexpr std::size_t kChunk = 1 << 16;
  for (;;) {
    const std::size_t have = whole_.size();
    if (have > limit) throw over();
    whole_.resize(have + kChunk);
    const std::size_t got = read_source(whole_.data() + have, kChunk);
    whole_.resize(have + got);
    if (got == 0) break;
  }
  return std::as_bytes(std::span<const char>(whole_));
}

}  // namespace ctxheap::analyzer::detail
