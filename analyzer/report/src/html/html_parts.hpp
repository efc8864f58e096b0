// The HTML writer's parts. Each writes escaped markup only.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "ctxheap/report/report.hpp"

namespace ctxheap::report::detail {

/// The page's inline stylesheet and script (no url(), no imports, no fetches).
std::string_view html_style();
std::string_view html_script();

/// An inline SVG bar chart: allocated and in-use subtree bytes of the top parents.
void write_parents_chart(std::ostream& out, const analyzer::Analysis& analysis, std::size_t top);
/// The context tree (select_tree) as a collapsible table with ratio bars.
void write_context_tree(std::ostream& out, const analyzer::Analysis& analysis, const ReportOptions& options);
/// A horizontal bar of `share` in [0, 1] (inline style width), with the share as text.
std::string ratio_bar(double share);
/// At most `max` code points of UTF-8 text, with "…" when cut.
std::string shorten(std::string_view text, std::size_t max);

}  // namespace ctxheap::report::detail
