// ctxheap convert <in> -o <out>: a snapshot (or any profile the analyzer reads) as a JSON
// report, a pprof profile or folded stacks.
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

struct ConvertArgs {
  std::string input;
  AnalysisFlags analysis;
  OutputFlags output;
};

int run_convert(const ConvertArgs& args) {
  const auto options = analysis_options(args.analysis);
  report::Format format = report::Format::Text;  // no default: text is not a conversion
  if (!args.output.format.empty() || args.output.output != "-") format = output_format(args.output, report::Format::Text);
  if (format != report::Format::Json && format != report::Format::Pprof && format != report::Format::Folded)
    throw CliError("convert: give --format json, pprof or folded (or an output named .json, .pb.gz or .folded)");
  if (format == report::Format::Pprof && names_stdout(args.output.output) && ::isatty(STDOUT_FILENO) == 1)
    throw CliError("refusing to write binary pprof output to a terminal; use -o FILE");
  // Opened first: a refused or unwritable output is reported before any loading.
  Output out(args.output.output, {args.input});
  TerminalProgress progress;
  Inputs inputs;
  const auto series = load_and_analyze(inputs, {args.input}, options, progress);
  report::write_report(out.stream(), format, report::ReportSubject::of(series), report_options(args.output, format));
  out.commit();
  return kExitOk;
}

}  // namespace

Command add_convert_command(CLI::App& root) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = root.add_subcommand("convert", "Convert a snapshot, gperftools heap dump or pprof profile to a JSON report, a pprof profile or folded stacks.");
  cmd->add_option("input", args->input, "The snapshot or profile (- = standard input)")->required()->type_name("IN");
  add_output_flags(*cmd, args->output, {"json", "pprof", "folded"}, "", {false, false, true});
  cmd->get_option("--output")->required();
  add_analysis_flags(*cmd, args->analysis);
  return {cmd, [args] { return run_convert(*args); }};
}

}  // namespace ctxheap::cli
