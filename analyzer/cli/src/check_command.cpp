// ctxheap check <snapshot...>: the CI gate. Exit 1 when a gate is exceeded, 0 otherwise,
// printing each gate's figure and the stale groups it counted.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "check_command.hpp"
#include "commands.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/outline.hpp"
#include "ctxheap/report/visible_text.hpp"
#include "errors.hpp"
#include "flags.hpp"
#include "gate.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace ctxheap::cli {
namespace {


struct Painter {
  bool color = false;
  std::string operator()(std::string_view text, std::string_view sgr) const {
    return color ? std::string(sgr) + std::string(text) + "\033[0m" : std::string(text);
  }
};

constexpr std::string_view kRed = "\033[1;31m";
constexpr std::string_view kYellow = "\033[33m";
constexpr std::string_view kGreen = "\033[32m";

std::string stale_thresholds(const GateOptions& o) {
  std::string out;
  if (o.warn_stale != 0) out += "warn at >= " + std::to_string(o.warn_stale);
  if (o.max_stale != 0) out += std::string(out.empty() ? "" : ", ") + "fail at >= " + std::to_string(o.max_stale);
  return out.empty() ? "no threshold" : out;
}

std::string stale_figure(const GateResult& r) {
  return analyzer::format_count(r.stale) + " stale child " + (r.stale == 1 ? "entry" : "entries");
}

std::string idle_figure(const GateResult& r) {
  std::string out = analyzer::format_count(r.idle) + " idle " + (r.idle == 1 ? "child keeps its" : "children keep their") +
                    " cancel uncalled";
  if (r.oldest_idle_age_ns != 0) out += " (oldest " + analyzer::format_duration(r.oldest_idle_age_ns) + ")";
  return out + ": not stale on one snapshot; stale if their set grows over a series";
}

void print_gates(std::ostream& out, const analyzer::Analysis& a, const GateOptions& o, const GateResult& r,
                 const Painter& paint) {
  const std::string_view label = r.stale_failed ? "FAIL" : r.stale_warned ? "WARN" : "PASS";
  const std::string_view style = r.stale_failed ? kRed : r.stale_warned ? kYellow : kGreen;
  out << "  " << paint(label, style) << "  " << stale_figure(r) << " (" << stale_thresholds(o) << ")\n";
  const std::string range = r.retained_low == r.retained_high
                                ? std::string()
                                : analyzer::format_bytes_range(r.retained_low, r.retained_high) + ", 95 % range; ";
  const std::string retained = analyzer::format_bytes(r.retained_bytes) + " retained by them (" + range +
                               analyzer::format_share(r.retained_share) + " of in-use heap)";
  if (o.max_retained) {
    out << "  " << paint(r.retained_failed ? "FAIL" : "PASS", r.retained_failed ? kRed : kGreen) << "  " << retained
        << " (fail above " << describe(*o.max_retained) << ")\n";
  } else if (r.stale != 0) {
    out << "  info  " << retained << '\n';
  }
  if (r.idle != 0) out << "  " << paint("WARN", kYellow) << "  " << idle_figure(r) << '\n';
  for (const analyzer::Index k : r.in_flight)
    out << "  " << (r.in_flight_warned ? paint("WARN", kYellow) : std::string("info")) << "  "
        << report::visible_text(analyzer::describe(a, a.findings.in_flight[k])) << '\n';
  for (const auto& s : a.findings.in_flight)
    if (s.passes()) out << "  info  " << report::visible_text(analyzer::describe(a, s)) << '\n';
  if (r.suppressed != 0) out << "  info  " << analyzer::format_count(r.suppressed) << " entries at suppressed sites not counted\n";
  if (r.baselined != 0) out << "  info  " << analyzer::format_count(r.baselined) << " entries in groups known to the baseline not counted\n";
  if (a.summary.retained_after_cancel != 0)
    out << "  info  " << analyzer::format_count(a.summary.retained_after_cancel) << " ended contexts still own "
        << analyzer::format_bytes(a.summary.retained_after_cancel_bytes) << " (not gated)\n";
  if (r.no_contexts) {
    out << "  info  " << a.profile->meta.source_path << " has no contexts, so no stale entries to count; gated on: "
        << (r.series_length >= 2 ? "growth of allocation sites over the series, " : "")
        << (o.max_inuse ? "the in-use limit, " : "") << "truncation\n";
    if (r.series_length >= 2)
      out << "  " << paint(r.growth_failed ? "FAIL" : "PASS", r.growth_failed ? kRed : kGreen) << "  "
          << r.growing_sites.size() << " allocation " << (r.growing_sites.size() == 1 ? "site" : "sites")
          << " growing over " << r.series_length << " snapshots" << (r.growing_sites.empty() ? "" : ": " + r.growing_sites.front() + (r.growing_sites.size() > 1 ? ", ..." : "")) << '\n';
    else
      out << "  info  one snapshot shows no growth: give a series to gate on growth\n";
  }
  if (o.max_inuse)
    out << "  " << paint(r.inuse_failed ? "FAIL" : "PASS", r.inuse_failed ? kRed : kGreen) << "  "
        << analyzer::format_bytes(r.inuse_bytes) << " in use (fail above " << analyzer::format_bytes(*o.max_inuse) << ")\n";
  if (r.truncated)
    out << "  " << paint("WARN", kYellow) << "  the input is truncated (records missing): figures are lower bounds\n";
  if (!a.findings.unbounded_children.empty())
    out << "  info  " << a.findings.unbounded_children.size()
        << (a.findings.unbounded_children.size() == 1 ? " children set grew" : " children sets grew")
        << " across the series (not gated)\n";
}

void print_groups(std::ostream& out, const analyzer::Analysis& a, const GateResult& r, std::size_t top) {
  if (r.groups.empty()) return;
  out << "Stale groups counted:\n";
  for (std::size_t k = 0; k < r.groups.size() && (top == 0 || k < top); ++k)
    out << "  " << k + 1 << ". " << report::visible_text(analyzer::describe(a, a.stale_groups[r.groups[k]])) << '\n';
  if (top != 0 && r.groups.size() > top)
    out << "  " << report::not_shown_text(r.groups.size() - top, "stale groups", report::kTopOption) << '\n';
}

std::string verdict_line(const GateResult& r, const GateOptions& o) {
  switch (r.verdict()) {
    case Verdict::Fail: {
      std::string why;
      if (r.stale_failed) why = stale_figure(r) + " (fail at >= " + std::to_string(o.max_stale) + ")";
      if (r.retained_failed)
        why += std::string(why.empty() ? "" : "; ") + analyzer::format_bytes(r.retained_bytes) +
               " retained by stale entries (fail above " + describe(*o.max_retained) + ")";
      if (r.inuse_failed)
        why += std::string(why.empty() ? "" : "; ") + analyzer::format_bytes(r.inuse_bytes) + " in use (fail above " +
               analyzer::format_bytes(*o.max_inuse) + ")";
      if (r.growth_failed)
        why += std::string(why.empty() ? "" : "; ") + std::to_string(r.growing_sites.size()) + " allocation " +
               (r.growing_sites.size() == 1 ? "site" : "sites") + " growing over " + std::to_string(r.series_length) + " snapshots";
      return "ctxheap check: FAILED: " + why;
    }
    case Verdict::Warn:
      if (!r.stale_warned && r.in_flight_warned)
        return "ctxheap check: passed with a warning: " + std::to_string(r.in_flight.size()) +
               (r.in_flight.size() == 1 ? " children set" : " children sets") +
               " below the in-flight bound: in flight or a leak, not decided";
      if (!r.stale_warned && r.idle == 0) return "ctxheap check: passed with a warning: the input is truncated";
      if (!r.stale_warned) return "ctxheap check: passed with a warning: " + idle_figure(r);
      return "ctxheap check: passed with a warning: " + stale_figure(r) + " (" + stale_thresholds(o) + ")";
    case Verdict::Pass: break;
  }
  return "ctxheap check: passed";
}

}  // namespace

CheckGate::CheckGate(const CheckArgs& args)
    : top_(parse_limit(args.top, "--top")),
      options_(cli::analysis_options(args.analysis)),
      suppressions_(args.suppress.empty() ? Suppressions() : Suppressions::read(args.suppress)),
      baseline_(args.baseline.empty() ? Baseline() : Baseline::read(args.baseline)),
      color_(args.color),
      write_baseline_(args.write_baseline) {
  gate_.max_stale = args.max_stale;
  gate_.warn_stale = args.warn_stale;
  if (!args.max_retained.empty()) gate_.max_retained = parse_retained_limit(args.max_retained, "--max-retained");
  if (!args.max_inuse.empty()) gate_.max_inuse = parse_bytes(args.max_inuse, "--max-inuse");
}

GateResult CheckGate::evaluate(const analyzer::SeriesAnalysis& series) const {
  GateResult r = evaluate_gate(series.latest(), gate_, suppressions_, baseline_);
  gate_allocations(r, series, gate_);
  return r;
}

std::string CheckGate::verdict(const GateResult& result) const { return verdict_line(result, gate_); }

int CheckGate::report(const analyzer::SeriesAnalysis& series, const std::vector<std::string>& inputs) const {
  const analyzer::Analysis& a = series.latest();
  if (!write_baseline_.empty()) write_file(write_baseline_, Baseline::of(a).to_json(generator()), inputs);
  const GateResult r = evaluate(series);
  const Painter paint{stdout_color(color_)};
  std::cout << "ctxheap check: " << report::visible_text(a.profile->meta.source_path);
  if (series.snapshots.size() > 1) std::cout << " (latest of " << series.snapshots.size() << " snapshots)";
  std::cout << '\n';
  print_gates(std::cout, a, gate_, r, paint);
  print_groups(std::cout, a, r, top_);
  const std::string verdict = verdict_line(r, gate_);
  std::cout << paint(verdict, r.verdict() == Verdict::Fail ? kRed : r.verdict() == Verdict::Warn ? kYellow : kGreen) << '\n';
  std::cout.flush();
  return r.verdict() == Verdict::Fail ? kExitGate : kExitOk;
}

int run_check(const CheckArgs& args) {
  const CheckGate gate(args);
  TerminalProgress progress;
  Inputs inputs;
  const auto series = load_and_analyze(inputs, args.snapshots, gate.analysis_options(), progress);
  return gate.report(series, args.snapshots);
}

void add_check_options(CLI::App& cmd, CheckArgs& args_ref) {
  CheckArgs* args = &args_ref;
  const std::string group = "Gate";
  cmd.add_option("--max-stale", args->max_stale, "Fail when at least N stale child entries are counted (0 = off)")
      ->type_name("N")->check(CLI::NonNegativeNumber)->capture_default_str()->group(group);
  cmd.add_option("--warn-stale", args->warn_stale, "Warn when at least N are counted (0 = off)")
      ->type_name("N")->check(CLI::NonNegativeNumber)->capture_default_str()->group(group);
  cmd.add_option("--max-retained", args->max_retained,
                 "Fail when the counted entries retain more than BYTES, or PCT% of the in-use heap")
      ->type_name("BYTES|PCT%")->group(group);
  cmd.add_option("--max-inuse", args->max_inuse,
                 "Fail when the heap in use is above BYTES (any input, contexts or not)")
      ->type_name("BYTES")->group(group);
  cmd.add_option("--baseline", args->baseline,
                 "A JSON report or baseline from a previous run: its stale groups are not counted")
      ->type_name("FILE")->group(group);
  cmd.add_option("--suppress", args->suppress, "Creation-site patterns, one a line: entries created there are not counted")
      ->type_name("FILE")->group(group);
  cmd.add_option("--write-baseline", args->write_baseline, "Also write this run's stale groups as a baseline file")
      ->type_name("FILE")->group(group);
  cmd.add_option("--color", args->color, "Colour in the verdict")
      ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();
  cmd.add_option("--top", args->top, "Stale groups listed; all are counted, and --write-baseline writes all (all = no limit)")
      ->type_name("N|all")->capture_default_str();
  add_analysis_flags(cmd, args->analysis);
}

Command add_check_command(CLI::App& root) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = root.add_subcommand(
      "check", "CI gate: exit 1 when stale child entries or what they retain exceed the thresholds, else 0.");
  cmd->add_option("snapshots", args->snapshots, "Snapshots, gperftools heap dumps or pprof profiles; several of one run are a series (the latest is gated)")
      ->required()->type_name("SNAPSHOT");
  add_check_options(*cmd, *args);
  return {cmd, [args] { return run_check(*args); }};
}

}  // namespace ctxheap::cli
