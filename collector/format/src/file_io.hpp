// Plain POSIX file access for the reader (InputFile) and the writer
// (OutputFile), so both control exactly when data reaches the disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "ctxheap/format/byte_stream.hpp"

namespace ctxheap::format::detail {

/// A file opened for sequential reading. Errors: FormatError from the
/// constructor (cannot open), DecodeError from read() (I/O error).
class InputFile final : public ByteStream {
 public:
  explicit InputFile(const std::filesystem::path& path);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Up to `size` bytes; 0 only at end of file.
  std::size_t read(void* dst, std::size_t size) override;
  std::uint64_t size() const noexcept override { return size_; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

/// A new file opened for writing (created or truncated, mode 0666 & ~umask).
/// Every error throws std::system_error naming the path.
class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path path);
  ~OutputFile();  // closes without syncing
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write_all(const void* data, std::size_t size);
  /// fsync, then close.
  void sync_and_close();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

/// fsync a directory so a rename inside it is durable. Throws std::system_error.
void sync_directory(const std::filesystem::path& dir);

}  // namespace ctxheap::format::detail
