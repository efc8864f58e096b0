#include "common/table.hpp"

#include <algorithm>
#include <ostream>

#include "common/escape.hpp"
#include "common/terminal.hpp"

namespace ctxheap::report::detail {
namespace {

std::string padded(std::string_view text, std::size_t width, Align align) {
  const std::size_t w = display_width(text);
  const std::string fill(w < width ? width - w : 0, ' ');
  return align == Align::Right ? fill + std::string(text) : std::string(text) + fill;
}

}  // namespace

std::size_t display_width(std::string_view text) noexcept {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::string> cells, std::string_view style) {
  cells.resize(columns_.size());
  rows_.push_back(Row{std::move(cells), std::string(style)});
}

std::vector<std::size_t> Table::widths(const std::vector<Row>& rows, const std::vector<std::string>& headers,
                                       std::size_t minimum) const {
  std::vector<std::size_t> w(columns_.size(), minimum);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    w[c] = std::max(w[c], display_width(headers[c]));
    for (const Row& row : rows) w[c] = std::max(w[c], display_width(row.cells[c]));
  }
  return w;
}

void Table::write_text(std::ostream& out, std::string_view indent, bool color) const {
  std::vector<std::string> headers;
  for (const Column& c : columns_) headers.push_back(text_header_ ? c.header : std::string());
  // Every cell is one line without control characters, whatever its caller passed.
  std::vector<Row> rows = rows_;
  for (Row& row : rows) {
    for (std::string& cell : row.cells) cell = single_line(cell);
  }
  const auto w = widths(rows, headers, 0);
  auto line = [&](const std::vector<std::string>& cells, std::string_view style) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c != 0) text += "  ";
      // The last column needs no padding when it is left-aligned.
      const bool last = c + 1 == cells.size();
      text += last && columns_[c].align == Align::Left ? cells[c] : padded(cells[c], w[c], columns_[c].align);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << indent << paint(text, style, color) << '\n';
  };
  if (text_header_) line(headers, kBold);
  for (const Row& row : rows) line(row.cells, row.style);
  if (!not_shown_.empty()) out << indent << single_line(not_shown_) << '\n';
}

void Table::write_markdown(std::ostream& out) const {
  std::vector<std::string> headers;
  for (const Column& c : columns_) headers.push_back(markdown_text(c.header));
  std::vector<Row> rows = rows_;
  for (Row& row : rows)
    for (std::string& cell : row.cells) cell = markdown_text(cell);
  const auto w = widths(rows, headers, 3);
  auto line = [&](const std::vector<std::string>& cells) {
    out << '|';
    for (std::size_t c = 0; c < cells.size(); ++c) out << ' ' << padded(cells[c], w[c], columns_[c].align) << " |";
    out << '\n';
  };
  line(headers);
  out << '|';
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].align == Align::Right) {
      out << ' ' << std::string(w[c] - 1, '-') << ": |";
    } else {
      out << ' ' << std::string(w[c], '-') << " |";
    }
  }
  out << '\n';
  for (const Row& row : rows) line(row.cells);
  if (!not_shown_.empty()) out << '\n' << markdown_text(not_shown_) << '\n';
}

void Table::write_html(std::ostream& out, std::string_view css_class) const {
  out << "<table";
  if (!css_class.empty()) out << " class=\"" << html_escape(css_class) << '"';
  out << ">\n<thead><tr>";
  for (const Column& c : columns_)
    out << (c.align == Align::Right ? "<th class=\"num\">" : "<th>") << html_escape(c.header) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const Row& row : rows_) {
    out << (row.style.empty() ? "<tr>" : "<tr class=\"hl\">");
    for (std::size_t c = 0; c < columns_.size(); ++c)
      out << (columns_[c].align == Align::Right ? "<td class=\"num\">" : "<td>") << html_escape(row.cells[c]) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  if (!not_shown_.empty()) out << "<p class=\"more\">" << html_escape(not_shown_) << "</p>\n";
}

}  // namespace ctxheap::report::detail
