// ctxheap::report — every output of ctxheap (terminal text, JSON, Markdown, HTML, folded
// stacks, pprof) written from an analysis and nothing else. The CLI and the GUI's export
// are front ends over write_report(). See docs/reports.md and docs/report-schema.json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"

namespace ctxheap::report {

enum class Format : std::uint8_t { Text, Json, Markdown, Html, Folded, Pprof };

/// "text", "json", "md", "html", "folded", "pprof".
std::string_view to_string(Format format) noexcept;
/// The names above, plus "markdown" and "txt".
std::optional<Format> parse_format(std::string_view name) noexcept;
/// By a file name's extension: .txt, .json, .md, .html/.htm, .folded, .pb.gz/.pprof.
std::optional<Format> format_for_path(std::string_view path) noexcept;
/// Whether the output is bytes rather than text (pprof: gzipped protobuf).
bool is_binary(Format format) noexcept;

/// Which value of the sampled sites folded stacks carry (pprof's -sample_index).
enum class SampleIndex : std::uint8_t { InuseSpace, InuseObjects, AllocSpace, AllocObjects };
std::string_view to_string(SampleIndex index) noexcept;
std::optional<SampleIndex> parse_sample_index(std::string_view name) noexcept;

/// The JSON report's schema identifier (docs/report-schema.json).
inline constexpr std::string_view kJsonSchema = "ctxheap-report/1";

/// The report limits. Every list a report shows is cut at one of these by default (the
/// defaults below are the documented ones, docs/cli.md "Report limits"); 0 (`all` on the
/// command line) lists everything. Counts and totals are always exact, and a cut list ends
/// with not_shown_text() (outline.hpp) saying how many were left out. Leak suspects are cut
/// by the analyzer (SuspectOptions::max_suspects, --max-suspects).
struct ReportOptions {
  /// ANSI colour in terminal text. The front end decides (a TTY, or --color=always).
  bool color = false;
  /// Rows in the parents, creation-sites, growth and allocation-site tables (and the
  /// diff's): --top.
  std::size_t top = 10;
  /// Findings listed per kind, stale groups listed (JSON), and the diff's stale groups:
  /// --findings. Counts are always complete.
  std::size_t findings = 5;
  /// Nodes of the context tree shown (HTML), largest subtrees first: --tree-rows.
  std::size_t tree_rows = 400;
  /// Children shown per tree node; the others are summed into one "more" row: --tree-children.
  std::size_t tree_children = 8;
  /// Levels of the context tree shown; what lies deeper is summed into one row per cut
  /// node, so a chain 400,000 contexts deep shows its first levels: --tree-depth.
  std::size_t tree_depth = 64;
  /// Stacks as shown (call tree): runtime frames folded away and template arguments
  /// shortened, or every frame in full (`--all-frames`); analyzer/shown_frames.hpp.
  analyzer::FrameDetail frames = analyzer::FrameDetail::Folded;
  /// The value folded stacks carry.
  SampleIndex sample_index = SampleIndex::InuseSpace;
  /// Who wrote the report, e.g. "ctxheap 0.1.0" (JSON, HTML, pprof comments).
  std::string generator = "ctxheap";
};

/// The command-line flag of each limit, named in not_shown_text() lines.
inline constexpr std::string_view kTopOption = "--top";
inline constexpr std::string_view kFindingsOption = "--findings";
inline constexpr std::string_view kSuspectsOption = "--max-suspects";
inline constexpr std::string_view kTreeRowsOption = "--tree-rows";

/// What a report is about: one analysis, the latest of a series, or the "after" side of
/// a diff with its "before". Everything referenced must outlive the writing.
struct ReportSubject {
  const analyzer::Analysis* analysis = nullptr;       ///< required
  const analyzer::SeriesAnalysis* series = nullptr;   ///< when analysis is series->latest()
  const analyzer::Analysis* before = nullptr;         ///< with diff
  const analyzer::ProfileDiff* diff = nullptr;        ///< diff(*before, *analysis)

  static ReportSubject of(const analyzer::Analysis& analysis) { return {&analysis, nullptr, nullptr, nullptr}; }
  static ReportSubject of(const analyzer::SeriesAnalysis& series) {
    return {&series.latest(), series.snapshots.size() > 1 ? &series : nullptr, nullptr, nullptr};
  }
  static ReportSubject of(const analyzer::Analysis& before, const analyzer::Analysis& after,
                          const analyzer::ProfileDiff& diff) {
    return {&after, nullptr, &before, &diff};
  }
  bool has_diff() const noexcept { return diff != nullptr && before != nullptr; }
};

/// Whether `format` can express `subject`: folded stacks and pprof are profiles of one
/// snapshot, not diffs.
bool supports(Format format, const ReportSubject& subject) noexcept;

/// Writes the report. Throws std::invalid_argument when !supports(format, subject) or
/// the subject has no analysis; stream errors are the caller's to check.
void write_report(std::ostream& out, Format format, const ReportSubject& subject, const ReportOptions& options = {});

}  // namespace ctxheap::report
