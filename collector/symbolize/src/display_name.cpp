#include <charconv>
#include <string_view>

#include "ctxheap/symbolize/frame.hpp"

namespace ctxheap::symbolize {
namespace {

std::string hex(std::uint64_t value) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
  return "0x" + std::string(digits, end);
}

std::string_view file_name(std::string_view path) {
  if (const auto slash = path.rfind('/'); slash != std::string_view::npos) {
    path.remove_prefix(slash + 1);
  }
  return path;
}

}  // namespace

std::string display_name(const Frame& frame) {
  if (!frame.function.empty()) return frame.function;
  if (!frame.module.empty()) {
    return std::string(file_name(frame.module)) + "+" + hex(frame.module_offset);
  }
  return hex(frame.address);
}

}  // namespace ctxheap::symbolize
