// One input, whatever it comes from: a file (opened once), a stream (standard input,
// read as it arrives, never copied to a file) or bytes in memory. The dispatch in
// load_profile.cpp sniffs its head, then hands it to one reader: the snapshot loader
// streams it; the readers of other tools' formats take all of its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <span>
#include <string>

#include "ctxheap/format/byte_stream.hpp"

namespace ctxheap::analyzer::detail {

class Input final : public format::ByteStream {
 public:
  /// Opens `path` for reading. Throws LoadError ("path: cannot open: ...", "path: cannot
  /// read: is a directory").
  explicit Input(const std::filesystem::path& path);
  /// Reads `in` as it arrives; its size is unknown.
  Input(std::istream& in, std::string name);
  /// Bytes that outlive the Input.
  Input(std::span<const std::byte> bytes, std::string name);
  ~Input() override;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  const std::string& name() const noexcept { return name_; }

  /// The first `n` bytes (fewer if the input is shorter). They are kept, and read()
  /// delivers them again: sniffing consumes nothing.
  std::span<const std::byte> head(std::size_t n);

  /// Everything from the start, refusing an input of more than `limit` bytes before
  /// reading past the limit (LoadError "name: larger than the limit of N bytes").
  /// Bytes in memory are returned as they are, not copied.
  std::span<const std::byte> all(std::uint64_t limit);

  std::size_t read(void* dst, std::size_t size) override;
  std::uint64_t size() const noexcept override { return size_; }

 private:
  std::size_t read_source(void* dst, std::size_t size);

  std::string name_;
  int fd_ = -1;
  std::istream* stream_ = nullptr;
  std::span<const std::byte> memory_{};
  std::size_t memory_pos_ = 0;
  std::uint64_t size_ = 0;
  std::string head_;  // bytes read ahead by head(), delivered again by read()
  std::size_t head_pos_ = 0;
  std::string whole_;  // all()'s bytes for files and streams
};

}  // namespace ctxheap::analyzer::detail
