#include "flags.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>

#include "errors.hpp"
#include "output.hpp"
#include "units.hpp"

namespace ctxheap::cli {

std::string limit_text(std::size_t limit) { return limit == 0 ? std::string("all") : std::to_string(limit); }

std::size_t parse_limit(const std::string& text, std::string_view option) {
  if (text == "all") return 0;
  return static_cast<std::size_t>(parse_count(text, option));
}

void add_analysis_flags(CLI::App& cmd, AnalysisFlags& f) {
  const std::string group = "Analysis thresholds";
  cmd.add_option("--idle", f.idle,
                 "A registered, live child with no allocation and no waiter for this long is idle: a warning, "
                 "stale only when its set grows over a series (0 = off)")
      ->type_name("DURATION")->capture_default_str()->group(group);
  cmd.add_option("--in-flight", f.in_flight,
                 "A children set inferred from a Go heap profile below N (a sampled count: its range's low end) may be "
                 "work in flight: a warning unless it grows over a series (0 = every set is stale)")
      ->type_name("N")->capture_default_str()->group(group);
  cmd.add_option("--expiry-grace", f.expiry_grace,
                 "A child whose deadline falls within this after the snapshot is not stale")
      ->type_name("DURATION")->capture_default_str()->group(group);
  cmd.add_option("--retained-min", f.retained_min,
                 "An ended context owning at least this much in use is 'retained after cancel'")
      ->type_name("BYTES")->capture_default_str()->group(group);
  cmd.add_option("--suspect-share", f.suspect_share,
                 "A stale group retaining this share of the in-use heap is a leak suspect")
      ->type_name("PCT")->capture_default_str()->group(group);
  cmd.add_option("--suspect-entries", f.suspect_entries, "A stale group with this many entries is a leak suspect")
      ->type_name("N")->check(CLI::NonNegativeNumber)->capture_default_str()->group(group);
  cmd.add_option("--max-suspects", f.max_suspects, "Leak suspects listed at most; all of them are counted (all = no limit)")
      ->type_name("N|all")->capture_default_str()->group(group);
  cmd.add_option("--sort", f.sort, "Rank stale groups and leak suspects by retained bytes or by entry count")
      ->check(CLI::IsMember({"bytes", "count"}))->capture_default_str()->group(group);
}

analyzer::AnalysisOptions analysis_options(const AnalysisFlags& f) {
  analyzer::AnalysisOptions o;
  o.findings.idle_threshold_ns = parse_duration_ns(f.idle, "--idle");
  o.findings.in_flight_bound = parse_count(f.in_flight, "--in-flight");
  o.findings.expiry_grace_ns = parse_duration_ns(f.expiry_grace, "--expiry-grace");
  o.findings.retained_after_cancel_min_bytes = parse_bytes(f.retained_min, "--retained-min");
  o.suspects.min_heap_share = parse_percent(f.suspect_share, "--suspect-share");
  o.suspects.min_entries = parse_count(f.suspect_entries, "--suspect-entries");
  o.suspects.max_suspects = parse_limit(f.max_suspects, "--max-suspects");
  o.suspects.rank_by = f.sort == "count" ? analyzer::SuspectRanking::Count : analyzer::SuspectRanking::RetainedBytes;
  return o;
}

void add_output_flags(CLI::App& cmd, OutputFlags& f, const std::vector<std::string>& formats,
                      const std::string& fallback, OutputExtras extras) {
  const std::string group = "Output";
  cmd.add_option("-f,--format", f.format,
                 "Output format; by default the -o file's extension decides" +
                     (fallback.empty() ? std::string(" (required otherwise)") : ", else " + fallback))
      ->check(CLI::IsMember(formats))->group(group);
  cmd.add_option("-o,--output", f.output, "Write to FILE (atomically: a temporary file renamed); - = standard output")
      ->type_name("FILE")->capture_default_str()->group(group);
  cmd.add_option("--top", f.top, "Rows in the parents, sites, growth and allocation-site tables (all = no limit)")
      ->type_name("N|all")->capture_default_str()->group(group);
  cmd.add_option("--findings", f.findings,
                 "Findings listed per kind, and stale groups listed (JSON, diff); counts stay complete (all = no limit)")
      ->type_name("N|all")->capture_default_str()->group(group);
  cmd.add_flag("--all-frames", f.all_frames,
               "Show every frame of the call tree: standard-library, allocator and runtime frames and full "
               "template arguments (folded away by default)")
      ->group(group);
  if (extras.color)
    cmd.add_option("--color", f.color, "Colour in terminal text")
        ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str()->group(group);
  if (extras.tree) {
    cmd.add_option("--tree-rows", f.tree_rows, "Contexts shown in the HTML context tree (all = no limit)")
        ->type_name("N|all")->capture_default_str()->group(group);
    cmd.add_option("--tree-children", f.tree_children, "Children shown per tree node, largest first (all = no limit)")
        ->type_name("N|all")->capture_default_str()->group(group);
    cmd.add_option("--tree-depth", f.tree_depth,
                   "Levels of the HTML context tree shown; deeper contexts are summed in one row (all = no limit)")
        ->type_name("N|all")->capture_default_str()->group(group);
  }
  if (extras.sample_index)
    cmd.add_option("--sample-index", f.sample_index, "The value folded stacks carry")
        ->check(CLI::IsMember({"inuse_space", "inuse_objects", "alloc_space", "alloc_objects"}))
        ->capture_default_str()->group(group);
}

report::Format output_format(const OutputFlags& f, report::Format fallback) {
  if (!f.format.empty()) {
    if (const auto format = report::parse_format(f.format)) return *format;
    throw CliError("--format: unknown format '" + f.format + "'");
  }
  if (!names_stdout(f.output))
    if (const auto format = report::format_for_path(f.output)) return *format;
  return fallback;
}

bool stdout_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

report::ReportOptions report_options(const OutputFlags& f, report::Format format) {
  report::ReportOptions o;
  o.color = format == report::Format::Text && (f.color == "always" || (names_stdout(f.output) && stdout_color(f.color)));
  o.top = parse_limit(f.top, "--top");
  o.findings = parse_limit(f.findings, "--findings");
  o.tree_rows = parse_limit(f.tree_rows, "--tree-rows");
  o.tree_children = parse_limit(f.tree_children, "--tree-children");
  o.tree_depth = parse_limit(f.tree_depth, "--tree-depth");
  if (const auto index = report::parse_sample_index(f.sample_index)) o.sample_index = *index;
  o.frames = f.all_frames ? analyzer::FrameDetail::All : analyzer::FrameDetail::Folded;
  o.generator = generator();
  return o;
}

std::string generator() { return "ctxheap " CTXHEAP_VERSION; }

}  // namespace ctxheap::cli
