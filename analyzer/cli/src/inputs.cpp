#include "inputs.hpp"

#include <iostream>

#include "ctxheap/analyzer/load.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

analyzer::LoadOptions load_options(TerminalProgress& progress) {
  analyzer::LoadOptions options;
  options.progress = progress.callback();
  options.standard_input = &std::cin;  // "-"
  return options;
}

std::string one_line(std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  return message;
}

}  // namespace

analyzer::Profile Inputs::load(const std::string& path, TerminalProgress& progress) {
  if (path.empty()) throw CliError("an input path is empty");
  try {
    progress.set_subject(path == "-" ? std::string("<stdin>") : path);
    return analyzer::load_profile(path, load_options(progress));
  } catch (const analyzer::LoadError& e) {
    throw CliError(one_line(e.what()));
  }
}

std::vector<analyzer::Profile> Inputs::load_all(const std::vector<std::string>& paths, TerminalProgress& progress) {
  if (paths.size() == 1) {
    std::vector<analyzer::Profile> one;
    one.push_back(load(paths.front(), progress));
    return one;
  }
  std::vector<std::filesystem::path> local;
  for (const auto& p : paths) {
    if (p.empty()) throw CliError("an input path is empty");
    local.emplace_back(p);
  }
  try {
    progress.set_subject(std::to_string(paths.size()) + " snapshots");
    return analyzer::load_series(local, load_options(progress));
  } catch (const analyzer::LoadError& e) {
    throw CliError(one_line(e.what()));
  }
}

analyzer::SeriesAnalysis load_and_analyze(Inputs& inputs, const std::vector<std::string>& paths,
                                          const analyzer::AnalysisOptions& options, TerminalProgress& progress) {
  auto profiles = inputs.load_all(paths, progress);
  analyzer::RunControl control;
  control.progress = progress.callback();
  auto series = analyzer::analyze_series(std::move(profiles), options, control);
  progress.clear();
  return series;
}

}  // namespace ctxheap::cli
