// The frame lines of Go's legacy text profiles (runtime/pprof, debug=1): after each
// "counts @ 0xpc 0xpc ..." line, one "#\t0xpc\tfunction+0xoff\tfile:line" per frame, or
// "#\t0xpc" when the pc has no function. Leading runtime.* frames are not printed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "text_cursor.hpp"

namespace ctxheap::analyzer::detail {

/// Whether `line` is a frame line ("#\t0x..."), not a comment such as "# runtime.MemStats".
inline bool is_go_frame_line(std::string_view line) { return line.starts_with("#\t0x"); }

/// One frame line as a Frame with interned strings.
inline Frame parse_go_frame_line(std::string_view line, ProfileBuilder& b, const LineCursor& lines) {
  std::string_view rest = line.substr(2);  // after "#\t"
  const std::size_t tab = rest.find('\t');
  FieldScanner pc_field(rest.substr(0, tab));
  const auto pc = pc_field.hex();
  if (!pc) lines.fail("malformed frame pc");
  Frame f;
  f.address = *pc;
  if (tab == std::string_view::npos) return f;
  rest = rest.substr(tab + 1);
  const std::size_t name_end = rest.find('\t');
  std::string_view name = rest.substr(0, name_end);
  if (const std::size_t plus = name.rfind("+0x"); plus != std::string_view::npos) name = name.substr(0, plus);
  f.function = b.intern(name);
  if (name_end == std::string_view::npos) return f;
  std::string_view where = rest.substr(name_end);
  while (!where.empty() && where.front() == '\t') where.remove_prefix(1);
  const std::size_t colon = where.rfind(':');
  if (colon != std::string_view::npos) {
    FieldScanner n(where.substr(colon + 1));
    const auto number = n.number();
    if (number && n.at_end() && *number <= UINT32_MAX) {
      f.line = static_cast<std::uint32_t>(*number);
      where = where.substr(0, colon);
    }
  }
  f.file = b.intern(where);
  return f;
}

/// The pcs of a stack line before its first printed frame: the runtime frames Go leaves
/// out of debug=1 text (a printed frame's pc is its return address or that minus one).
inline std::size_t hidden_leading_pcs(std::span<const std::uint64_t> pcs, std::uint64_t first_printed) {
  for (std::size_t i = 0; i < pcs.size(); ++i)
    if (pcs[i] == first_printed || pcs[i] == first_printed + 1) return i;
  return 0;
}

}  // namespace ctxheap::analyzer::detail
