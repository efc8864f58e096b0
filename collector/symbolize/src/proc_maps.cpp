// The maps line grammar (proc(5)):  start-end perms offset dev inode [path]
// Numbers are hex except inode; the path is the rest of the line after the
// whitespace that follows inode, and may contain spaces.
#include <charconv>
#include <optional>

#include "ctxheap/symbolize/mapping.hpp"

namespace ctxheap::symbolize {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

void skip_blanks(std::string_view& s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
}

/// The next blank-separated field; empty if none.
std::string_view take_field(std::string_view& s) {
  skip_blanks(s);
  std::size_t n = 0;
  while (n < s.size() && !is_blank(s[n])) ++n;
  const auto field = s.substr(0, n);
  s.remove_prefix(n);
  return field;
}

/// The whole of `text` as a number in `base`, or nothing (empty, junk, overflow).
std::optional<std::uint64_t> parse_number(std::string_view text, int base) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Mapping> parse_line(std::string_view line) {
  const auto range = take_field(line);
  const auto dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto start = parse_number(range.substr(0, dash), 16);
  const auto end = parse_number(range.substr(dash + 1), 16);
  if (!start || !end || *start >= *end) return std::nullopt;

  const auto perms = take_field(line);
  if (perms.size() != 4) return std::nullopt;
  const auto offset = parse_number(take_field(line), 16);
  const auto dev = take_field(line);
  const auto inode = parse_number(take_field(line), 10);
  if (!offset || dev.find(':') == std::string_view::npos || !inode) return std::nullopt;

  skip_blanks(line);
  while (!line.empty() && (line.back() == '\r' || is_blank(line.back()))) line.remove_suffix(1);
  return Mapping{*start, *end, *offset, std::string(perms), std::string(line)};
}

}  // namespace

std::vector<Mapping> parse_proc_maps(std::string_view text) {
  std::vector<Mapping> mappings;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (auto mapping = parse_line(line)) mappings.push_back(std::move(*mapping));
  }
  return mappings;
}

}  // namespace ctxheap::symbolize
