// `ctxheap check`'s gate, shared with `ctxheap watch`, which gates the series it collected
// with the same flags, thresholds, output and exit codes.
#pragma once

#include <string>
#include <vector>

#include "baseline.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "flags.hpp"
#include "gate.hpp"
#include "suppressions.hpp"

namespace CLI {
class App;
}

namespace ctxheap::cli {

/// check's options as typed.
struct CheckArgs {
  std::vector<std::string> snapshots;
  std::uint64_t max_stale = 3;
  std::uint64_t warn_stale = 1;
  std::string max_retained;
  std::string max_inuse;
  std::string baseline;
  std::string suppress;
  std::string write_baseline;
  std::string color = "auto";
  std::string top = limit_text(report::ReportOptions{}.top);
  AnalysisFlags analysis;
};

/// Adds check's gate options (all but the inputs): --max-stale, --warn-stale,
/// --max-retained, --max-inuse, --baseline, --suppress, --write-baseline, --color, --top and
/// the analysis thresholds.
void add_check_options(CLI::App& command, CheckArgs& args);

/// check's gate, its flags parsed once (throws CliError on a malformed value, an
/// unreadable baseline or suppression file).
class CheckGate {
 public:
  explicit CheckGate(const CheckArgs& args);
  const analyzer::AnalysisOptions& analysis_options() const noexcept { return options_; }
  /// The gates on the latest analysis of `series` (evaluate_gate + gate_allocations).
  GateResult evaluate(const analyzer::SeriesAnalysis& series) const;
  /// "ctxheap check: FAILED: ..." / "passed with a warning: ..." / "passed".
  std::string verdict(const GateResult& result) const;
  /// check's output on stdout (and --write-baseline); returns the exit code (0 or 1).
  int report(const analyzer::SeriesAnalysis& series, const std::vector<std::string>& inputs) const;

 private:
  std::size_t top_ = 0;
  analyzer::AnalysisOptions options_;
  Suppressions suppressions_;
  Baseline baseline_;
  GateOptions gate_;
  std::string color_;
  std::string write_baseline_;
};

/// Loads args.snapshots, gates them, prints: the whole of `ctxheap check`.
int run_check(const CheckArgs& args);

}  // namespace ctxheap::cli
