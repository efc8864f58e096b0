// ctxheap report <snapshot...>: analyse one snapshot, or a series of one run, and write
// a report in any format.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "commands.hpp"
#include "ctxheap/report/report.hpp"
#include "errors.hpp"
#include "flags.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace ctxheap::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> snapshots;
  AnalysisFlags analysis;
  OutputFlags output;
};

int run_report(const ReportArgs& args) {
  const auto options = analysis_options(args.analysis);
  const report::Format format = output_format(args.output, report::Format::Text);
  if (report::is_binary(format) && names_stdout(args.output.output) && ::isatty(STDOUT_FILENO) == 1)
    throw CliError("refusing to write binary " + std::string(report::to_string(format)) + " output to a terminal; use -o FILE");
  // Opened first: a refused or unwritable output is reported before any loading.
  Output out(args.output.output, args.snapshots);
  TerminalProgress progress;
  Inputs inputs;
  const auto series = load_and_analyze(inputs, args.snapshots, options, progress);
  report::write_report(out.stream(), format, report::ReportSubject::of(series), report_options(args.output, format));
  out.commit();
  return kExitOk;
}

}  // namespace

Command add_report_command(CLI::App& root) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = root.add_subcommand(
      "report", "Analyse snapshots and write a report. Several snapshots of one run are a series: growth is reported.");
  cmd->add_option("snapshots", args->snapshots, "Snapshots, gperftools heap dumps or pprof profiles (- = standard input)")
      ->required()->type_name("SNAPSHOT");
  add_output_flags(*cmd, args->output, {"text", "json", "md", "html", "folded", "pprof"}, "text");
  add_analysis_flags(*cmd, args->analysis);
  return {cmd, [args] { return run_report(*args); }};
}

}  // namespace ctxheap::cli
