// Reading the command line's snapshots: "-" is standard input, which the analyzer reads
// as it arrives (no copy); load errors become one-line CliErrors.
#pragma once

#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "progress.hpp"

namespace ctxheap::cli {

class Inputs {
 public:
  /// Loads one profile. Throws CliError.
  analyzer::Profile load(const std::string& path, TerminalProgress& progress);
  /// One path: that profile; several: a series of one run (ordered by sequence).
  std::vector<analyzer::Profile> load_all(const std::vector<std::string>& paths, TerminalProgress& progress);
};

/// Loads, then analyses: one profile alone, several as a series. Throws CliError.
analyzer::SeriesAnalysis load_and_analyze(Inputs& inputs, const std::vector<std::string>& paths,
                                          const analyzer::AnalysisOptions& options, TerminalProgress& progress);

}  // namespace ctxheap::cli
