// Escaping for the markup outputs. Every string that comes from a profile (names,
// functions, files, causes, sentences) goes through one of these.
#pragma once

#include <string>
#include <string_view>

namespace ctxheap::report::detail {

/// & < > " ' as character references: safe in HTML text and in quoted attributes.
std::string html_escape(std::string_view text);

/// Markdown text: characters that could start markup are backslash-escaped (\ ` * [ ]
/// < | ~ always; _ at a word's edge, # and > at the start, & before an entity), line
/// breaks become spaces; control, bidi and invalid bytes are shown as visible_text() does.
/// Safe inside table cells; no HTML tag can survive it.
std::string markdown_text(std::string_view text);

/// A Markdown code span holding `text` verbatim (pipes escaped for tables, a longer
/// backtick fence when the text has backticks, line breaks as spaces).
std::string markdown_code(std::string_view text);

/// One line of terminal or folded text, in the one notation of visible_text()
/// (ctxheap/report/visible_text.hpp): control, bidi and invalid bytes shown escaped.
std::string single_line(std::string_view text);

}  // namespace ctxheap::report::detail
