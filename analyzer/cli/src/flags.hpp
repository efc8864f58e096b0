// Options shared by the commands: the analysis thresholds and the report output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/report/report.hpp"

namespace CLI {
class App;
}

namespace ctxheap::cli {

/// A limit as shown in --help: the count, or "all" for 0 (no limit).
std::string limit_text(std::size_t limit);
/// A limit as typed: a whole number, or "all" (returned as 0, no limit; so is "0").
/// Throws CliError otherwise.
std::size_t parse_limit(const std::string& text, std::string_view option);

/// Analysis thresholds as typed on the command line (defaults: the analyzer's).
struct AnalysisFlags {
  std::string idle = "60s";
  std::string in_flight = std::to_string(analyzer::FindingOptions::kDefaultInFlightBound);
  std::string expiry_grace = "60s";
  std::string retained_min = "1KiB";
  std::string suspect_share = "1%";
  std::string suspect_entries = "100";
  std::string max_suspects = limit_text(analyzer::SuspectOptions{}.max_suspects);
  std::string sort = "bytes";  ///< rank stale groups and suspects by retained "bytes" or entry "count"
};
void add_analysis_flags(CLI::App& command, AnalysisFlags& flags);
/// Throws CliError on a malformed value.
analyzer::AnalysisOptions analysis_options(const AnalysisFlags& flags);

/// Where and how a report is written.
struct OutputFlags {
  std::string format;         ///< empty: from the output's extension, else the command's default
  std::string output = "-";   ///< "-" = standard output
  std::string color = "auto";
  // The report limits as typed: a count or "all"; defaults are the report library's.
  std::string top = limit_text(report::ReportOptions{}.top);
  std::string findings = limit_text(report::ReportOptions{}.findings);
  std::string tree_rows = limit_text(report::ReportOptions{}.tree_rows);
  std::string tree_children = limit_text(report::ReportOptions{}.tree_children);
  std::string tree_depth = limit_text(report::ReportOptions{}.tree_depth);
  std::string sample_index = "inuse_space";
  bool all_frames = false;
};
/// Which output options beyond --format, -o, --top and --findings a command has.
struct OutputExtras {
  bool color = true;         ///< --color (terminal text)
  bool tree = true;          ///< --tree-rows, --tree-children (HTML)
  bool sample_index = true;  ///< --sample-index (folded stacks)
};
/// Adds --format (one of `formats`; without it the -o file's extension decides, else
/// `fallback` when not empty), -o, --top, --findings and the `extras`.
void add_output_flags(CLI::App& command, OutputFlags& flags, const std::vector<std::string>& formats,
                      const std::string& fallback, OutputExtras extras = {});
/// --format, else the format -o's extension implies, else `fallback`.
report::Format output_format(const OutputFlags& flags, report::Format fallback);
/// Report options; colour only for text to a terminal (or --color=always), never with NO_COLOR set under auto.
report::ReportOptions report_options(const OutputFlags& flags, report::Format format);
/// --color resolved for standard output.
bool stdout_color(const std::string& mode);

/// "ctxheap 0.1.0".
std::string generator();

}  // namespace ctxheap::cli
