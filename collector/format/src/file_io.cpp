#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "ctxheap/format/error.hpp"
#include "decode_error.hpp"

namespace ctxheap::format::detail {
namespace {

[[noreturn]] void throw_system_error(const std::string& what, const std::filesystem::path& path) {
  const int err = errno;
  throw std::system_error(err, std::generic_category(), what + " '" + path.string() + "'");
}

}  // namespace

InputFile::InputFile(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw FormatError(path.string() + ": cannot open: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd_);
    fd_ = -1;
    throw FormatError(path.string() + ": cannot read: " + why);
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t InputFile::read(void* dst, std::size_t size) {
  for (;;) {
    const ssize_t got = ::read(fd_, dst, size);
    if (got >= 0) {
      position_ += static_cast<std::uint64_t>(got);
      return static_cast<std::size_t>(got);
    }
    if (errno != EINTR) {
      throw DecodeError(std::string("read error at file offset ") + std::to_string(position_) +
                        ": " + std::strerror(errno));
    }
  }
}

OutputFile::OutputFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throw_system_error("cannot create", path_);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::write_all(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t put = ::write(fd_, bytes, size);
    if (put < 0) {
      if (errno == EINTR) continue;
      throw_system_error("cannot write", path_);
    }
    bytes += put;
    size -= static_cast<std::size_t>(put);
  }
}

void OutputFile::sync_and_close() {
  if (::fsync(fd_) != 0) throw_system_error("cannot fsync", path_);
  const int fd = fd_;
  fd_ = -1;
  // A close error after a successful fsync still means the data may be lost (NFS).
  if (::close(fd) != 0) throw_system_error("cannot close", path_);
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_system_error("cannot open directory", dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    errno = err;
    throw_system_error("cannot fsync directory", dir);
  }
}

}  // namespace ctxheap::format::detail
