// The rule of shown_frames.hpp: which frames of a stack a user sees, and under what name.
#include "ctxheap/analyzer/shown_frames.hpp"

#include <algorithm>

#include "ctxheap/analyzer/sites.hpp"

namespace ctxheap::analyzer {
namespace {

/// Whether the '<' at `at` belongs to an operator's name (operator<, operator<<,
/// operator<=, operator<=>) rather than opening template arguments.
bool operator_less(std::string_view f, std::size_t at) {
  std::size_t start = at;
  while (start > 0 && f[start - 1] == '<') --start;
  return f.substr(0, start).ends_with("operator") && at - start < 2;
}


/// A frame's identity in a stack: its function, else its address.
std::uint64_t frame_key(const Frame& f) noexcept { return f.function != 0 ? f.function : (f.address | (1ull << 63)); }

/// Whether two different frames read as one function at `detail`. Cheap first: names
/// without template arguments are shown as recorded, so only two names that both have
/// '<' need shortening to compare.
bool read_alike(const Profile& p, const Frame& a, const Frame& b, FrameDetail detail) {
  const std::string_view fa = p.str(a.function), fb = p.str(b.function);
  if (fa.empty() || fb.empty()) return fa.empty() && fb.empty() && shown_frame_name(p, a, detail) == shown_frame_name(p, b, detail);
  if (fa == fb) return true;
  if (detail == FrameDetail::All || fa.find('<') == std::string_view::npos || fb.find('<') == std::string_view::npos) return false;
  return shorten_template_arguments(fa) == shorten_template_arguments(fb);
}

}  // namespace

std::vector<std::uint32_t> shown_calls(const Profile& profile, std::span<const Frame> frames, FrameDetail detail) {
  const std::vector<std::uint32_t> shown = shown_frames(profile, frames, detail);
  std::vector<std::uint32_t> out;
  out.reserve(shown.size());
  // From the root down, as a call tree reads: a callee that reads as its caller and is
  // another frame continues the caller's call.
  for (std::size_t j = shown.size(); j-- > 0;) {
    const bool continues = j + 1 < shown.size() && frame_key(frames[shown[j]]) != frame_key(frames[shown[j + 1]]) &&
                           read_alike(profile, frames[shown[j]], frames[shown[j + 1]], detail);
    if (!continues) out.push_back(shown[j]);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string shown_frame_name(const Profile& p, const Frame& f, FrameDetail detail) {
  const std::string_view function = p.str(f.function);
  if (!function.empty()) return shown_function(function, detail);
  const std::string_view module = file_basename(p.str(f.module));
  if (!module.empty()) return module_offset_name(module, f.module_offset);
  return hex_address(f.address);
}

std::string hex_address(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value & 15]);
    value >>= 4;
  } while (value != 0);
  return "0x" + out;
}

std::string module_offset_name(std::string_view module, std::uint64_t offset) {
  return std::string(file_basename(module)) + "+" + hex_address(offset);
}

std::vector<std::uint32_t> shown_frames(const Profile& profile, std::span<const Frame> frames, FrameDetail detail) {
  std::vector<std::uint32_t> out;
  out.reserve(frames.size());
  for (std::uint32_t i = 0; i < frames.size(); ++i)
    if (detail == FrameDetail::All || !is_runtime_frame(profile, frames[i])) out.push_back(i);
  if (out.empty() && !frames.empty()) out.push_back(static_cast<std::uint32_t>(site_frame(profile, frames)));
  return out;
}

std::uint32_t folded_frame_count(const Profile& profile, std::span<const Frame> frames, FrameDetail detail) {
  return static_cast<std::uint32_t>(frames.size() - shown_frames(profile, frames, detail).size());
}

std::string shorten_template_arguments(std::string_view f) {
  std::string out;
  out.reserve(f.size());
  int depth = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '<' && (depth > 0 || !operator_less(f, i))) {
      if (depth++ == 0) out += "<…>";
      continue;
    }
    if (c == '>' && depth > 0) {
      // "operator->" and "operator>" inside arguments are rare enough to ignore; at depth
      // 0 a '>' is always kept.
      --depth;
      continue;
    }
    if (depth == 0) out += c;
  }
  return depth == 0 ? out : std::string(f);  // unbalanced: leave the name as recorded
}

std::string shown_function(std::string_view function, FrameDetail detail) {
  return detail == FrameDetail::All ? std::string(function) : shorten_template_arguments(function);
}

}  // namespace ctxheap::analyzer
