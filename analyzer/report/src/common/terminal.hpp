// ANSI colour for terminal text: applied only when asked, never inside alignment.
#pragma once

#include <string>
#include <string_view>

namespace ctxheap::report::detail {

inline constexpr std::string_view kBold = "\033[1m";
inline constexpr std::string_view kRed = "\033[1;31m";
inline constexpr std::string_view kYellow = "\033[33m";
inline constexpr std::string_view kGreen = "\033[32m";
inline constexpr std::string_view kDim = "\033[2m";
inline constexpr std::string_view kReset = "\033[0m";

/// `text` wrapped in `style` and a reset when color is on and style is not empty.
inline std::string paint(std::string_view text, std::string_view style, bool color) {
  if (!color || style.empty() || text.empty()) return std::string(text);
  std::string out(style);
  out += text;
  out += kReset;
  return out;
}

}  // namespace ctxheap::report::detail
