// --suppress FILE: creation sites whose stale entries the CI gate ignores.
//
// One pattern per line; blank lines and lines starting with '#' are ignored. A pattern
// is matched against a site written as "function file:line" (describe_site) and as its
// key "function@file": with '*' (any text) or '?' (one character) it must match either
// whole; without, it matches when it occurs anywhere in either.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ctxheap::cli {

class Suppressions {
 public:
  Suppressions() = default;
  explicit Suppressions(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {}
  /// Throws CliError when the file cannot be read.
  static Suppressions read(const std::string& path);
  /// Parses the text of a suppressions file.
  static Suppressions parse(std::string_view text);

  bool matches(std::string_view description, std::string_view key) const;
  bool empty() const noexcept { return patterns_.empty(); }
  const std::vector<std::string>& patterns() const noexcept { return patterns_; }

 private:
  std::vector<std::string> patterns_;
};

/// Whole-text glob match: '*' any run of characters, '?' exactly one.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

}  // namespace ctxheap::cli
