// An aligned table of text cells, written as terminal text or as a Markdown table.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace ctxheap::report::detail {

enum class Align { Left, Right };

struct Column {
  std::string header;
  Align align = Align::Left;
};

/// Columns of the width of their widest cell (counted in code points).
class Table {
 public:
  explicit Table(std::vector<Column> columns);
  /// One cell per column (missing cells are empty). `style` is an ANSI SGR sequence
  /// applied to the whole row in coloured text, or empty.
  void add_row(std::vector<std::string> cells, std::string_view style = {});
  bool empty() const noexcept { return rows_.empty(); }
  /// The line after the last row when the table was cut (outline.hpp not_shown_text).
  void set_not_shown(std::string line) { not_shown_ = std::move(line); }
  const std::string& not_shown() const noexcept { return not_shown_; }
  /// Terminal text leaves the header line out (a two-column list of measures).
  void hide_text_header() noexcept { text_header_ = false; }

  /// Columns two spaces apart, each line starting with `indent`, no trailing blanks;
  /// colour never changes the alignment (codes wrap the padded text).
  void write_text(std::ostream& out, std::string_view indent, bool color) const;
  /// A GitHub-flavoured Markdown table whose pipes line up; every cell and header is
  /// written as Markdown text (escaped), styles are ignored.
  void write_markdown(std::ostream& out) const;
  /// An HTML <table> (every cell escaped); right-aligned columns get class "num",
  /// styled rows class "hl".
  void write_html(std::ostream& out, std::string_view css_class = {}) const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::string style;
  };
  std::vector<std::size_t> widths(const std::vector<Row>& rows, const std::vector<std::string>& headers,
                                  std::size_t minimum) const;

  std::vector<Column> columns_;
  std::vector<Row> rows_;
  bool text_header_ = true;
  std::string not_shown_;
};

/// Width of UTF-8 text in code points (every code point one column).
std::size_t display_width(std::string_view text) noexcept;

}  // namespace ctxheap::report::detail
