// --baseline FILE: stale groups already known from a previous run, which the CI gate
// does not count. Read from a JSON report (schema ctxheap-report/1, its stale_groups)
// or from a baseline file (schema ctxheap-baseline/1) written by --write-baseline.
// Groups match by (registrar's creation-site key, children's creation-site key), keys
// that survive rebuilds (report::site_key).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::cli {

inline constexpr std::string_view kBaselineSchema = "ctxheap-baseline/1";

class Baseline {
 public:
  using Key = std::pair<std::string, std::string>;  ///< (registrar site key, site key)

  /// Throws CliError when the file cannot be read or is neither schema.
  static Baseline read(const std::string& path);
  /// Parses the text of a report or baseline; `name` is for messages.
  static Baseline parse(std::string_view text, const std::string& name);
  /// The stale groups of an analysis.
  static Baseline of(const analyzer::Analysis& analysis);

  bool contains(const analyzer::Analysis& analysis, const analyzer::StaleGroup& group) const;
  std::size_t size() const noexcept { return groups_.size(); }
  /// The baseline file's JSON text (schema ctxheap-baseline/1).
  std::string to_json(const std::string& generator) const;

 private:
  std::set<Key> groups_;
};

}  // namespace ctxheap::cli
