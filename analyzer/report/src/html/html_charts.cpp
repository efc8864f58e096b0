// Inline SVG: a bar chart of the top parents' subtree bytes, allocated against in use.
#include <algorithm>
#include <cstdio>
#include <ostream>

#include "common/escape.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/selection.hpp"
#include "html/html_parts.hpp"

namespace ctxheap::report::detail {
namespace {

constexpr int kLabelWidth = 300;
constexpr int kBarsWidth = 400;
constexpr int kRowHeight = 40;
constexpr int kTop = 24;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

std::string shorten(std::string_view text, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == max) return std::string(text.substr(0, i)) + "\u2026";
  }
  return std::string(text);
}

std::string ratio_bar(double share) {
  share = std::clamp(share, 0.0, 1.0);
  return "<span class=\"bar\"><i style=\"width:" + number(share * 100.0) + "%\"></i></span>" +
         html_escape(analyzer::format_share(share));
}

void write_parents_chart(std::ostream& out, const analyzer::Analysis& a, std::size_t top) {
  const auto parents = top_parents(a, top);
  if (parents.empty()) return;
  std::uint64_t scale = 1;
  for (const auto i : parents) scale = std::max(scale, a.node(i).subtree.alloc_bytes);
  const int height = kTop + kRowHeight * static_cast<int>(parents.size());
  const int width = kLabelWidth + kBarsWidth + 200;
  out << "<p class=\"legend\"><span class=\"bar\" style=\"width:14px\"></span>allocated "
         "<span class=\"bar\" style=\"width:14px\"><i style=\"width:100%\"></i></span>in use (subtree)</p>\n";
  out << "<svg role=\"img\" aria-label=\"in use versus allocated bytes of the top parents\" width=\"" << width
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << ' ' << height << "\">\n";
  int y = kTop;
  for (const auto i : parents) {
    const auto& n = a.node(i);
    const std::string label = analyzer::describe_context(a, i);
    const double alloc = kBarsWidth * static_cast<double>(n.subtree.alloc_bytes) / static_cast<double>(scale);
    const double inuse = kBarsWidth * static_cast<double>(n.subtree.inuse_bytes()) / static_cast<double>(scale);
    out << "<g><title>" << html_escape(label) << ": " << html_escape(analyzer::format_bytes(n.subtree.inuse_bytes()))
        << " in use of " << html_escape(analyzer::format_bytes(n.subtree.alloc_bytes)) << " allocated</title>\n";
    out << "<text x=\"0\" y=\"" << y + 17 << "\">" << html_escape(shorten(label, 40)) << "</text>\n";
    out << "<rect x=\"" << kLabelWidth << "\" y=\"" << y + 2 << "\" width=\"" << number(alloc)
        << "\" height=\"14\" fill=\"#c8d6f2\"></rect>\n";
    out << "<rect x=\"" << kLabelWidth << "\" y=\"" << y + 18 << "\" width=\"" << number(inuse)
        << "\" height=\"14\" fill=\"#2f6fde\"></rect>\n";
    out << "<text x=\"" << kLabelWidth + kBarsWidth + 10 << "\" y=\"" << y + 22 << "\">"
        << html_escape(analyzer::format_bytes(n.subtree.inuse_bytes())) << " / "
        << html_escape(analyzer::format_bytes(n.subtree.alloc_bytes)) << "</text></g>\n";
    y += kRowHeight;
  }
  out << "</svg>\n";
}

}  // namespace ctxheap::report::detail
