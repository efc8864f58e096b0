// Reading the command line's snapshots: "-" is standard input (copied to a temporary
// file, since the loader streams from a path), load errors become one-line CliErrors.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "progress.hpp"

namespace ctxheap::cli {

class Inputs {
 public:
  Inputs() = default;
  ~Inputs();
  Inputs(const Inputs&) = delete;
  Inputs& operator=(const Inputs&) = delete;

  /// Loads one profile. Throws CliError.
  analyzer::Profile load(const std::string& path, TerminalProgress& progress);
  /// One path: that profile; several: a series of one run (ordered by sequence).
  std::vector<analyzer::Profile> load_all(const std::vector<std::string>& paths, TerminalProgress& progress);

 private:
  /// The path the loader reads for `path` ("-" copies stdin to a temporary file once).
  std::filesystem::path local_path(const std::string& path);
  /// The loader's message with the temporary file named "<stdin>".
  std::string user_message(std::string message) const;

  std::filesystem::path stdin_copy_;
};

/// Loads, then analyses: one profile alone, several as a series. Throws CliError.
analyzer::SeriesAnalysis load_and_analyze(Inputs& inputs, const std::vector<std::string>& paths,
                                          const analyzer::AnalysisOptions& options, TerminalProgress& progress);

}  // namespace ctxheap::cli
