// ctxheap watch URL: fetches a Go service's /debug/pprof/heap and /debug/pprof/goroutine
// every interval into numbered files, prints the series' verdict after each round, and
// gates the whole series at the end exactly as `ctxheap check` does (same flags, output
// and exit codes). The rules — series, pairing, growth, verdicts — are the analyzer's.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <memory>

#include "check_command.hpp"
#include "commands.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "ctxheap/report/visible_text.hpp"
#include "errors.hpp"
#include "http_get.hpp"
#include "inputs.hpp"
#include "units.hpp"
#include "watch_folder.hpp"
#include "watch_stop.hpp"

namespace ctxheap::cli {
namespace {

struct WatchArgs {
  std::string url;
  std::string interval = "10s";
  std::string duration = "5m";
  std::uint64_t count = 0;  ///< 0: from --duration
  std::string out;          ///< empty: ctxheap-watch-YYYYmmdd-HHMMSS
  CheckArgs check;
};

/// The base URL without trailing slashes.
std::string base_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.empty()) throw CliError("the URL is empty: give the base URL of a Go service's net/http/pprof, e.g. http://host:6060");
  return url;
}

std::uint64_t rounds_of(const WatchArgs& args, std::uint64_t interval_ns, bool count_given) {
  if (count_given) {
    if (args.count < 2) throw CliError("--count " + std::to_string(args.count) + ": a series needs at least 2 rounds");
    return args.count;
  }
  const std::uint64_t duration_ns = parse_duration_ns(args.duration, "--duration");
  const std::uint64_t rounds = duration_ns / interval_ns + 1;
  if (rounds < 2)
    throw CliError("--duration " + args.duration + " is shorter than one --interval " + args.interval +
                   ": a series needs at least 2 rounds");
  return rounds;
}

/// The parent whose children set is largest at the end of the series, if any.
const analyzer::ParentGrowth* largest_set(const analyzer::Analysis& a) {
  const analyzer::ParentGrowth* best = nullptr;
  for (const auto& g : a.growth)
    if (!g.points.empty() && (best == nullptr || g.points.back().registered_children > best->points.back().registered_children))
      best = &g;
  return best;
}

/// One line per round: where the series stands, in the analyzer's and the gate's words.
std::string round_line(std::uint64_t round, std::uint64_t rounds, const WatchFolder::Round& files,
                       const analyzer::SeriesAnalysis& series, const GateResult& r) {
  const analyzer::Analysis& a = series.latest();
  std::string out = "round " + std::to_string(round) + "/" + std::to_string(rounds) + "  " + files.heap_name + " " +
                    files.goroutine_name + "  " + analyzer::format_bytes(a.summary.heap_inuse_bytes) + " in use, " +
                    analyzer::format_count(r.stale) + " stale " + (r.stale == 1 ? "entry" : "entries");
  if (series.snapshots.size() < 2) {
    out += ", growth: one snapshot so far";
  } else if (const analyzer::ParentGrowth* g = largest_set(a); g != nullptr) {
    out += ", largest children set " + std::string(analyzer::to_string(g->verdict)) + " (" +
           analyzer::format_count(g->points.front().registered_children) + " -> " +
           analyzer::format_count(g->points.back().registered_children) + " over " +
           std::to_string(g->points.size()) + " snapshots)";
  } else if (r.no_contexts) {
    out += ", " + std::to_string(r.growing_sites.size()) + " allocation " + (r.growing_sites.size() == 1 ? "site" : "sites") + " growing";
  }
  const std::string_view gate = r.verdict() == Verdict::Fail ? "FAIL" : r.verdict() == Verdict::Warn ? "WARN" : "PASS";
  return report::visible_text(out + "  gate so far: " + std::string(gate));
}

int run_watch(WatchArgs& args, bool count_given) {
  const std::string base = base_url(args.url);
  const std::uint64_t interval_ns = parse_duration_ns(args.interval, "--interval");
  if (interval_ns == 0) throw CliError("--interval " + args.interval + ": must be more than 0");
  const std::uint64_t rounds = rounds_of(args, interval_ns, count_given);
  const CheckGate gate(args.check);  // malformed gate flags fail before anything is fetched

  StopOnSignal stop;
  WatchFolder folder(args.out);
  HttpClient http(&stop.flag());
  WaitProgress progress;
  std::cout << "ctxheap watch: " << report::visible_text(base) << " every " << args.interval << ", " << rounds
            << " rounds, into " << report::visible_text(folder.path().string()) << std::endl;

  const std::string heap_url = base + "/debug/pprof/heap?gc=1";  // after a GC: in-use figures are as of the last one
  const std::string goroutine_url = base + "/debug/pprof/goroutine";
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> inputs;
  for (std::uint64_t round = 1; round <= rounds; ++round) {
    const auto due = start + std::chrono::nanoseconds(interval_ns * (round - 1));
    if (!progress.wait_until(due, stop.flag(), "round " + std::to_string(round) + "/" + std::to_string(rounds))) break;
    std::string heap, goroutine;
    try {
      progress.show("fetching round " + std::to_string(round) + "/" + std::to_string(rounds));
      heap = http.get(heap_url);
      WatchFolder::check(heap, "heap", heap_url);
      goroutine = http.get(goroutine_url);
      WatchFolder::check(goroutine, "goroutine", goroutine_url);
    } catch (const FetchInterrupted&) {
      break;
    }
    progress.clear();
    const WatchFolder::Round files = folder.keep(round, heap, goroutine);
    inputs.push_back(files.heap_path);
    inputs.push_back(files.goroutine_path);
    TerminalProgress reading;
    Inputs loader;
    const auto series = load_and_analyze(loader, inputs, gate.analysis_options(), reading);
    std::cout << round_line(round, rounds, files, series, gate.evaluate(series)) << std::endl;
    if (stop.raised()) break;
  }
  progress.clear();
  const std::size_t kept = inputs.size() / 2;
  if (stop.raised())
    std::cout << "ctxheap watch: interrupted after " << kept << (kept == 1 ? " round" : " rounds") << std::endl;
  stop.release();  // a second signal during the final gate ends the process as usual
  if (kept < 2)
    throw CliError("interrupted after " + std::to_string(kept) + (kept == 1 ? " round" : " rounds") +
                   ": a series needs at least 2; nothing to gate");
  TerminalProgress bar;
  Inputs loader;
  const auto series = load_and_analyze(loader, inputs, gate.analysis_options(), bar);
  return gate.report(series, inputs);
}

}  // namespace

Command add_watch_command(CLI::App& root) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* cmd = root.add_subcommand(
      "watch",
      "Fetch a live Go service's heap and goroutine profiles (net/http/pprof) at an interval into a folder, "
      "show the verdict each round, and gate the series like check (exit 0, 1 or 2).");
  cmd->add_option("url", args->url, "Base URL of the service's net/http/pprof, e.g. http://127.0.0.1:6060")
      ->required()->type_name("URL");
  const std::string group = "Watch";
  cmd->add_option("--interval", args->interval, "Time between rounds (500ms, 10s, 1m)")
      ->type_name("DURATION")->capture_default_str()->group(group);
  CLI::Option* duration = cmd->add_option("--duration", args->duration, "How long to watch: rounds = duration / interval + 1")
      ->type_name("DURATION")->capture_default_str()->group(group);
  CLI::Option* count = cmd->add_option("--count", args->count, "Rounds to fetch (at least 2), instead of --duration")
      ->type_name("N")->check(CLI::NonNegativeNumber)->group(group);
  count->excludes(duration);
  cmd->add_option("--out", args->out, "Folder for the profiles (created; default ctxheap-watch-YYYYmmdd-HHMMSS here)")
      ->type_name("DIR")->group(group);
  add_check_options(*cmd, args->check);
  return {cmd, [args, count] { return run_watch(*args, count->count() > 0); }};
}

}  // namespace ctxheap::cli
