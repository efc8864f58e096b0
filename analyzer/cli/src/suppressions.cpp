#include "suppressions.hpp"

#include <fstream>
#include <sstream>

#include "errors.hpp"

namespace ctxheap::cli {

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  // Iterative matching with one backtrack point: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    // '*' first: a star in the pattern is a wildcard even where the text holds a '*'.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Suppressions Suppressions::parse(std::string_view text) {
  std::vector<std::string> patterns;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    patterns.push_back(line.substr(first));
  }
  return Suppressions(std::move(patterns));
}

Suppressions Suppressions::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(path + ": cannot read the suppressions file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw CliError(path + ": cannot read the suppressions file");
  return parse(text.str());
}

bool Suppressions::matches(std::string_view description, std::string_view key) const {
  for (const auto& p : patterns_) {
    if (p.find_first_of("*?") != std::string::npos) {
      if (glob_match(p, description) || glob_match(p, key)) return true;
    } else if (description.find(p) != std::string_view::npos || key.find(p) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace ctxheap::cli
