// ctxheap diff <before> <after>: what changed between two snapshots — of one run (matched
// by id) or before and after a fix (matched by creation-site path).
#include <CLI/CLI.hpp>
#include <memory>

#include "commands.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/report/report.hpp"
#include "errors.hpp"
#include "flags.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace ctxheap::cli {
namespace {

struct DiffArgs {
  std::string before;
  std::string after;
  std::string match = "auto";
  AnalysisFlags analysis;
  OutputFlags output;
};

analyzer::MatchMode match_mode(const std::string& name) {
  if (name == "id") return analyzer::MatchMode::ById;
  if (name == "path") return analyzer::MatchMode::ByCreationPath;
  return analyzer::MatchMode::Auto;
}

int run_diff(const DiffArgs& args) {
  const auto options = analysis_options(args.analysis);
  const report::Format format = output_format(args.output, report::Format::Text);
  if (args.before == "-" && args.after == "-") throw CliError("diff: only one of the two snapshots can be standard input");
  // Opened first: a refused or unwritable output is reported before any loading.
  Output out(args.output.output, {args.before, args.after});
  TerminalProgress progress;
  Inputs inputs;
  analyzer::RunControl control;
  control.progress = progress.callback();
  const analyzer::Analysis before = analyzer::analyze(inputs.load(args.before, progress), options, control);
  const analyzer::Analysis after = analyzer::analyze(inputs.load(args.after, progress), options, control);
  analyzer::DiffOptions diff_options;
  diff_options.match = match_mode(args.match);
  const analyzer::ProfileDiff d = analyzer::diff(before, after, diff_options, control);
  progress.clear();
  report::write_report(out.stream(), format, report::ReportSubject::of(before, after, d), report_options(args.output, format));
  out.commit();
  return kExitOk;
}

}  // namespace

Command add_diff_command(CLI::App& root) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = root.add_subcommand(
      "diff", "Compare two snapshots or profiles: deltas per creation site, parent and allocation stack, stale groups fixed and new.");
  cmd->add_option("before", args->before, "The earlier snapshot, or the one before the fix")->required()->type_name("BEFORE");
  cmd->add_option("after", args->after, "The later snapshot, or the one after the fix")->required()->type_name("AFTER");
  cmd->add_option("--match", args->match,
                  "How contexts match: by id (same run), by creation-site path (across runs), or auto")
      ->check(CLI::IsMember({"auto", "id", "path"}))->capture_default_str();
  add_output_flags(*cmd, args->output, {"text", "json", "md", "html"}, "text", {true, true, false});
  add_analysis_flags(*cmd, args->analysis);
  return {cmd, [args] { return run_diff(*args); }};
}

}  // namespace ctxheap::cli
