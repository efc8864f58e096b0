// Bounded scanning of text inputs: lines with a length limit, strict unsigned numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ctxheap/analyzer/load.hpp"

namespace ctxheap::analyzer::detail {

/// Lines of a text, without their "\n" (and a trailing "\r"). A line longer than
/// max_line is a LoadError. line_number() is 1-based, of the last line returned.
class LineCursor {
 public:
  LineCursor(std::string_view text, std::string_view name, std::size_t max_line)
      : text_(text), name_(name), max_line_(max_line) {}

  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    const std::size_t end = text_.find('\n', pos_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    ++line_;
    if (stop - pos_ > max_line_)
      fail("line is longer than the limit of " + std::to_string(max_line_) + " bytes");
    std::string_view line = text_.substr(pos_, stop - pos_);
    last_complete_ = end != std::string_view::npos;
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  std::uint64_t line_number() const noexcept { return line_; }
  std::size_t offset() const noexcept { return pos_; }
  /// Whether the last line returned ended with a newline (false: the text stops in it).
  bool last_complete() const noexcept { return last_complete_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw LoadError(std::string(name_) + ": line " + std::to_string(line_) + ": " + what);
  }

 private:
  std::string_view text_;
  std::string_view name_;
  std::size_t max_line_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 0;
  bool last_complete_ = true;
};

/// Scans fields of one line.
class FieldScanner {
 public:
  explicit FieldScanner(std::string_view line) : s_(line) {}
  void skip_spaces() noexcept {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool at_end() noexcept {
    skip_spaces();
    return i_ >= s_.size();
  }
  /// Consumes `c` after optional spaces.
  bool expect(char c) noexcept {
    skip_spaces();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool expect(std::string_view word) noexcept {
    skip_spaces();
    if (s_.substr(i_).starts_with(word)) {
      i_ += word.size();
      return true;
    }
    return false;
  }
  /// A decimal number that fits in 64 bits; nullopt if absent, signed or overflowing.
  std::optional<std::uint64_t> number() noexcept {
    skip_spaces();
    std::uint64_t v = 0;
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(s_[i_] - '0');
      if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
      v = v * 10 + digit;
      ++i_;
    }
    if (i_ == start) return std::nullopt;
    return v;
  }
  /// "0x" followed by 1-16 hex digits.
  std::optional<std::uint64_t> hex() noexcept {
    skip_spaces();
    if (!s_.substr(i_).starts_with("0x")) return std::nullopt;
    i_ += 2;
    std::uint64_t v = 0;
    std::size_t digits = 0;
    for (; i_ < s_.size(); ++i_, ++digits) {
      const char c = s_[i_];
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      if (digits == 16) return std::nullopt;
      v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    if (digits == 0 || (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != '\t')) return std::nullopt;
    return v;
  }
  std::string_view rest() noexcept {
    skip_spaces();
    return s_.substr(i_);
  }
  std::size_t position() const noexcept { return i_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

/// The counts of a heap profile record or header, "N: B [N: B]" (gperftools' format and
/// Go's legacy text heap profile, which took it over): the first pair, then the bracketed.
struct CountPairs {
  std::uint64_t first_objects = 0, first_bytes = 0, second_objects = 0, second_bytes = 0;
};
inline std::optional<CountPairs> parse_count_pairs(FieldScanner& f) {
  const auto n1 = f.number();
  if (!n1 || !f.expect(':')) return std::nullopt;
  const auto s1 = f.number();
  if (!s1 || !f.expect('[')) return std::nullopt;
  const auto n2 = f.number();
  if (!n2 || !f.expect(':')) return std::nullopt;
  const auto s2 = f.number();
  if (!s2 || !f.expect(']')) return std::nullopt;
  return CountPairs{*n1, *s1, *n2, *s2};
}

}  // namespace ctxheap::analyzer::detail
