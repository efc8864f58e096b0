// Hostile text in a snapshot (markup, quotes, backticks, NUL and other control bytes,
// terminal escapes, invalid UTF-8, 1 MB lengths) comes out of every report escaped and
// intact: HTML runs only its own script and references nothing outside itself, Markdown
// renders no markup of the input and keeps its tables, JSON holds the exact strings, and
// terminal and folded text carry no control characters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/all.hpp"
#include "ctxheap/report/report.hpp"
#include "hostile_snapshot.hpp"

namespace {

namespace fs = std::filesystem;
using ctxheap::report::Format;
using ctxheap_test::HostileText;

bool is_control_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x20 || c == 0x7f) return true;
  return c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

/// The runs of `text` between control characters and non-ASCII bytes: what every report
/// must keep verbatim (each writer may show a control character, an invalid byte or a bidi
/// control as a space, U+FFFD or an escape, or drop it).
std::vector<std::string> visible_pieces(std::string_view text) {
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_control_at(text, i) || static_cast<unsigned char>(text[i]) >= 0x80) {
      if (!pieces.back().empty()) pieces.emplace_back();
    } else {
      pieces.back() += text[i];
    }
  }
  if (pieces.back().empty()) pieces.pop_back();
  return pieces;
}

std::string basename_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

/// Offsets of control characters a terminal could act on ('\n' ends lines and is allowed).
std::vector<std::size_t> control_characters(std::string_view text) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && is_control_at(text, i)) found.push_back(i);
  }
  return found;
}

/// HTML text with its character references decoded (the writer's escaping undone by a
/// reader that knows nothing of the writer).
std::string decode_html(std::string_view html) {
  std::string out;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '&') {
      out += html[i];
      continue;
    }
    const std::size_t semi = html.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view ref = html.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    if (ref == "amp") cp = '&';
    else if (ref == "lt") cp = '<';
    else if (ref == "gt") cp = '>';
    else if (ref == "quot") cp = '"';
    else if (ref == "apos") cp = '\'';
    else if (ref.size() > 2 && (ref[1] == 'x' || ref[1] == 'X') && ref[0] == '#') cp = std::stoul(std::string(ref.substr(2)), nullptr, 16);
    else if (ref.size() > 1 && ref[0] == '#') cp = std::stoul(std::string(ref.substr(1)), nullptr, 10);
    else {
      out += '&';
      continue;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    i = semi;
  }
  return out;
}

struct Tag {
  std::string name;  // lower case, "/name" for end tags
  std::string text;  // everything between '<' and '>'
};

/// Every tag of the page. Escaped text holds no '<', so each '<' starts a real tag.
std::vector<Tag> tags_of(std::string_view html) {
  std::vector<Tag> tags;
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    const std::size_t end = html.find('>', i);
    if (end == std::string_view::npos) break;
    Tag t;
    t.text = std::string(html.substr(i + 1, end - i - 1));
    for (char c : t.text) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '>') break;
      t.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    tags.push_back(std::move(t));
  }
  return tags;
}

/// Contents of every <name>...</name> element.
std::vector<std::string> element_bodies(std::string_view html, std::string_view name) {
  std::vector<std::string> bodies;
  const std::string open = "<" + std::string(name);
  const std::string close = "</" + std::string(name) + ">";
  for (std::size_t i = html.find(open); i != std::string_view::npos; i = html.find(open, i + 1)) {
    const std::size_t start = html.find('>', i) + 1;
    const std::size_t end = html.find(close, start);
    bodies.emplace_back(html.substr(start, end - start));
  }
  return bodies;
}

/// Markdown split into what renders as text (backslash escapes undone) and what sits in
/// code spans (verbatim, "\|" in tables standing for '|').
struct MarkdownParts {
  std::string text;                // outside code spans, escapes undone
  std::string code;                // inside code spans
  std::vector<std::size_t> raw_lt; // offsets of '<' outside code spans with no backslash
  std::vector<std::size_t> raw_bracket;
};

MarkdownParts split_markdown(std::string_view md) {
  MarkdownParts parts;
  std::size_t i = 0;
  while (i < md.size()) {
    if (md[i] == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) {
      parts.text += md[i + 1];
      i += 2;
    } else if (md[i] == '`') {
      std::size_t run = 0;
      while (i + run < md.size() && md[i + run] == '`') ++run;
      const std::string fence(run, '`');
      // The closing fence is a run of exactly `run` backticks.
      std::size_t close = md.find(fence, i + run);
      while (close != std::string_view::npos && close + run < md.size() && md[close + run] == '`') {
        std::size_t skip = close;
        while (skip < md.size() && md[skip] == '`') ++skip;
        close = md.find(fence, skip);
      }
      if (close == std::string_view::npos) {
        parts.text += fence;
        i += run;
        continue;
      }
      std::string body(md.substr(i + run, close - i - run));
      for (std::size_t p = body.find("\\|"); p != std::string::npos; p = body.find("\\|", p)) body.erase(p, 1);
      parts.code += body;
      parts.code += '\n';
      i = close + run;
    } else {
      if (md[i] == '<') parts.raw_lt.push_back(i);
      if (md[i] == '[') parts.raw_bracket.push_back(i);
      parts.text += md[i];
      ++i;
    }
  }
  return parts;
}

/// The number of cell separators of a Markdown table row (pipes without a backslash).
std::size_t table_columns(std::string_view row) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') ++i;
    else if (row[i] == '|') ++n;
  }
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void collect_strings(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_string()) out.insert(j.get<std::string>());
  if (j.is_structured()) {
    for (const auto& v : j) collect_strings(v, out);
  }
}

struct Reports {
  std::string text, json, markdown, html, folded;
};

Reports reports_for(const HostileText& hostile, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ctxheap-hostile-" + name + "-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "hostile.ctxheap";
  ctxheap_test::write_hostile_snapshot(path, hostile);
  const auto analysis = ctxheap::analyzer::analyze(ctxheap::analyzer::load_profile(path));
  fs::remove_all(dir);
  const auto subject = ctxheap::report::ReportSubject::of(analysis);
  auto write = [&](Format f) {
    std::ostringstream out;
    ctxheap::report::write_report(out, f, subject);
    return out.str();
  };
  return {write(Format::Text), write(Format::Json), write(Format::Markdown), write(Format::Html), write(Format::Folded)};
}

class HostileStrings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hostile_ = new HostileText(ctxheap_test::hostile_text());
    reports_ = new Reports(reports_for(*hostile_, "fields"));
  }
  static void TearDownTestSuite() {
    delete reports_;
    delete hostile_;
  }
  /// The fields every report shows: the run, the server, its stale children and their
  /// creation site.
  static std::vector<std::string> shown_everywhere() {
    const HostileText& t = *hostile_;
    return {t.program, t.hostname, t.server_name, t.child_name, t.creation_function, basename_of(t.creation_file)};
  }
  static const HostileText& hostile() { return *hostile_; }
  static const Reports& reports() { return *reports_; }

 private:
  static inline HostileText* hostile_ = nullptr;
  static inline Reports* reports_ = nullptr;
};

TEST_F(HostileStrings, HtmlRunsOnlyItsOwnScriptAndHasNoTagFromTheProfile) {
  const std::string& html = reports().html;
  std::map<std::string, int> count;
  for (const Tag& t : tags_of(html)) {
    ++count[t.name];
    // No event handler attribute anywhere: the page's one script binds its own.
    std::istringstream words(t.text);
    for (std::string word; words >> word;) {
      EXPECT_FALSE(word.rfind("on", 0) == 0 && word.find('=') != std::string::npos) << "<" << t.text << ">";
    }
  }
  EXPECT_EQ(count["script"], 1);
  EXPECT_EQ(count["style"], 1);
  for (const char* injected : {"img", "a", "link", "iframe", "object", "embed", "base", "form"}) {
    EXPECT_EQ(count[injected], 0) << injected;
  }
}

TEST_F(HostileStrings, HtmlReferencesNothingOutsideItself) {
  const std::string& html = reports().html;
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  for (const Tag& t : tags_of(html)) {
    for (const char* attribute : {"src=", "href=", "action=", "formaction=", "poster=", "background=", "srcset=", "data="}) {
      const std::size_t at = t.text.find(attribute);
      // An attribute starts after a space; "data-depth=" and the like are not references.
      EXPECT_FALSE(at != std::string::npos && at > 0 && t.text[at - 1] == ' ') << "<" << t.text << ">";
    }
    EXPECT_EQ(t.text.find("url("), std::string::npos) << "<" << t.text << ">";
  }
  for (const std::string& css : element_bodies(html, "style")) {
    EXPECT_EQ(css.find("url("), std::string::npos);
    EXPECT_EQ(css.find("@import"), std::string::npos);
  }
  for (const std::string& js : element_bodies(html, "script")) {
    for (const char* call : {"fetch", "XMLHttpRequest", "import", "http", "src", "WebSocket", "sendBeacon", "location"}) {
      EXPECT_EQ(js.find(call), std::string::npos) << call;
    }
  }
}

TEST_F(HostileStrings, HtmlKeepsEveryStringIntact) {
  const std::string text = decode_html(reports().html);
  auto shown = shown_everywhere();
  shown.push_back(hostile().value_name);  // the context tree lists value contexts too
  for (const std::string& field : shown) {
    for (const std::string& piece : visible_pieces(field)) EXPECT_NE(text.find(piece), std::string::npos) << piece;
  }
}

TEST_F(HostileStrings, MarkdownRendersNoMarkupFromTheProfile) {
  const MarkdownParts md = split_markdown(reports().markdown);
  // Outside code spans, '<' (HTML) and '[' (links, images) only appear escaped.
  EXPECT_TRUE(md.raw_lt.empty()) << md.raw_lt.size() << " raw '<', first at " << md.raw_lt.front();
  EXPECT_TRUE(md.raw_bracket.empty()) << md.raw_bracket.size() << " raw '['";
  EXPECT_TRUE(control_characters(reports().markdown).empty());
}

TEST_F(HostileStrings, MarkdownTablesKeepTheirColumns) {
  std::size_t columns = 0;
  int tables = 0;
  for (const std::string& line : lines_of(reports().markdown)) {
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    if (columns == 0) {
      columns = table_columns(line);
      ++tables;
    }
    EXPECT_EQ(table_columns(line), columns) << line;
  }
  EXPECT_GE(tables, 3);
}

TEST_F(HostileStrings, MarkdownKeepsEveryStringIntact) {
  const MarkdownParts md = split_markdown(reports().markdown);
  const std::string rendered = md.text + "\n" + md.code;
  for (const std::string& field : shown_everywhere()) {
    for (const std::string& piece : visible_pieces(field)) EXPECT_NE(rendered.find(piece), std::string::npos) << piece;
  }
}

TEST_F(HostileStrings, JsonHoldsTheExactStrings) {
  const auto j = nlohmann::json::parse(reports().json);  // throws on invalid JSON or UTF-8
  std::set<std::string> strings;
  collect_strings(j, strings);
  const HostileText& t = hostile();
  for (const std::string& exact : {t.program, t.hostname, t.server_name, t.child_name, t.creation_function, t.module}) {
    EXPECT_EQ(strings.count(exact), 1u) << exact;
  }
  // Invalid UTF-8 cannot be JSON: each bad byte becomes U+FFFD, the rest stays.
  EXPECT_EQ(strings.count("/src/\xEF\xBF\xBD\xEF\xBF\xBD-invalid-\xEF\xBF\xBD(utf8|<b>)"
                          "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD-\xe2\x80\xae" "rlo.cpp"),
            1u);
}

TEST_F(HostileStrings, TerminalTextHasNoControlCharactersAndKeepsTheText) {
  const std::string& text = reports().text;
  const auto controls = control_characters(text);
  EXPECT_TRUE(controls.empty()) << controls.size() << " control characters, first at " << controls.front();
  for (const std::string& field : shown_everywhere()) {
    for (const std::string& piece : visible_pieces(field)) EXPECT_NE(text.find(piece), std::string::npos) << piece;
  }
}

TEST_F(HostileStrings, FoldedStacksKeepOneStackPerLine) {
  const std::string& folded = reports().folded;
  EXPECT_TRUE(control_characters(folded).empty());
  const auto lines = lines_of(folded);
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    // root (the value context) ; main ; creation site ; allocation site, then the value.
    EXPECT_EQ(std::count(line.begin(), line.end(), ';'), 3) << line.substr(0, 200);
    EXPECT_NE(line.find_last_of(' '), std::string::npos);
  }
  for (const std::string& piece : visible_pieces(hostile().value_name)) EXPECT_NE(folded.find(piece), std::string::npos) << piece;
}

// Code points of `text` that a terminal acts on or that reorder or hide text (C0 but line
// feed, DEL, C1, bidi and invisible format characters), and bytes that are not valid UTF-8.
std::vector<std::string> unsafe_for_a_terminal(std::string_view text) {
  std::vector<std::string> found;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = n != 0 && i + n <= text.size();
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; valid && k < n; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (!valid) {
      found.push_back("byte " + std::to_string(b) + " at " + std::to_string(i));
      ++i;
      continue;
    }
    if ((c < 0x20 && c != '\n') || (c >= 0x7F && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F) ||
        (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF)
      found.push_back("U+" + std::to_string(static_cast<unsigned>(c)) + " at " + std::to_string(i));
    i += n;
  }
  return found;
}

TEST_F(HostileStrings, TerminalMarkdownAndFoldedShowC1BidiAndInvalidBytesEscapedInOneNotation) {
  for (const std::string* out : {&reports().text, &reports().markdown, &reports().folded}) {
    const auto unsafe = unsafe_for_a_terminal(*out);
    EXPECT_TRUE(unsafe.empty()) << unsafe.size() << " unsafe, first " << unsafe.front();
  }
  // The notation of ctxheap/report/visible_text.hpp: \xNN for a byte, \u{NNNN} for a
  // code point (Markdown escapes the backslash itself, so its source shows "\\").
  for (const char* shown : {"\\x9B\\x9D\\x9C-\\u{202E}rlo.cpp", "\\xFF\\xFE-invalid-\\xC3"}) {
    EXPECT_NE(reports().text.find(shown), std::string::npos) << shown;
  }
  EXPECT_NE(reports().text.find("\\x1B]0;title\\x07 csi\\u{009B}2J"), std::string::npos);
}

// 1 MB strings, themselves full of markup, come out whole in every report.
TEST(HostileStringLengths, OneMegabyteNamesComeOutWholeInEveryReport) {
  HostileText t = ctxheap_test::hostile_text();
  t.server_name = ctxheap_test::long_text("<b>&amp;\"'`|[x](y)", 1'000'000);
  t.creation_function = ctxheap_test::long_text("f<T>`|", 1'000'000);
  const Reports r = reports_for(t, "lengths");
  EXPECT_NE(r.text.find(t.server_name), std::string::npos);
  EXPECT_NE(r.text.find(t.creation_function), std::string::npos);
  const MarkdownParts md = split_markdown(r.markdown);
  EXPECT_NE((md.text + md.code).find(t.server_name), std::string::npos);
  EXPECT_NE((md.text + md.code).find(t.creation_function), std::string::npos);
  EXPECT_TRUE(md.raw_lt.empty());
  const std::string html = decode_html(r.html);
  EXPECT_NE(html.find(t.server_name), std::string::npos);
  EXPECT_NE(html.find(t.creation_function), std::string::npos);
  std::set<std::string> strings;
  collect_strings(nlohmann::json::parse(r.json), strings);
  EXPECT_EQ(strings.count(t.server_name), 1u);
  EXPECT_EQ(strings.count(t.creation_function), 1u);
}

}  // namespace
