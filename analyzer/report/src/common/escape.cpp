#include "common/escape.hpp"

#include <algorithm>
#include <cctype>

#include "ctxheap/report/visible_text.hpp"

namespace ctxheap::report::detail {
namespace {

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "&#xFFFD;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_text(std::string_view raw) {
  const std::string visible = visible_text(raw);
  const std::string_view text = visible;
  // Always markup: \ ` * [ ] < | ~. Only in some places: '_' at a word's edge (GFM
  // ignores intraword underscores), '#' and '>' first on a line, '&' starting an entity.
  static constexpr std::string_view kSpecial = "\\`*[]<|~";
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_control(c)) {
      out += ' ';
      continue;
    }
    const bool escape = kSpecial.find(c) != std::string_view::npos ||
                        (c == '_' && !(i > 0 && word(text[i - 1]) && i + 1 < text.size() && word(text[i + 1]))) ||
                        ((c == '#' || c == '>') && i == 0) ||
                        (c == '&' && i + 1 < text.size() && (word(text[i + 1]) || text[i + 1] == '#'));
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_code(std::string_view raw) {
  const std::string visible = visible_text(raw);
  const std::string_view text = visible;
  std::string body;
  std::size_t run = 0, longest = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (is_control(c)) {
      body += ' ';
    } else if (c == '|') {
      body += "\\|";
    } else {
      body += c;
    }
  }
  const std::string fence(longest + 1, '`');
  // A space keeps a leading or trailing backtick off the fence.
  const bool spaced = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (spaced ? " " : "") + body + (spaced ? " " : "") + fence;
}

std::string single_line(std::string_view text) { return visible_text(text); }

}  // namespace ctxheap::report::detail
