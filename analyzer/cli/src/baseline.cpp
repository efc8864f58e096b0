#include "baseline.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctxheap/report/report.hpp"
#include "ctxheap/report/selection.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

using Json = nlohmann::json;

// A key as JSON holds it: invalid UTF-8 (file and function names are bytes) becomes
// U+FFFD, as in the JSON report. Keys are compared in this form, so a baseline read
// back from a file, or from a report, matches the analysis it was written from.
std::string json_form(const std::string& key) {
  return Json::parse(Json(key).dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
}

Baseline::Key key_of(const analyzer::Analysis& a, const analyzer::StaleGroup& g) {
  return {json_form(report::registrar_site_key(a, g)), json_form(report::site_key(*a.profile, a.sites[g.site]))};
}

std::string text_at(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Baseline Baseline::parse(std::string_view text, const std::string& name) {
  const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw CliError(name + ": the baseline is not JSON");
  const std::string schema = text_at(j, "schema");
  Baseline b;
  if (schema == report::kJsonSchema) {
    const auto groups = j.find("stale_groups");
    if (groups == j.end() || !groups->is_array()) throw CliError(name + ": the report has no stale_groups array");
    // A report lists its first --findings groups only: a baseline must know every group.
    if (const auto cut = j.find("not_shown"); cut != j.end() && cut->is_object() && cut->contains("stale_groups"))
      throw CliError(name + ": the report lists only some of its stale groups (" + cut->at("stale_groups").dump() +
                     " not shown); write the baseline with ctxheap check --write-baseline, or the report with --findings all");
    for (const Json& g : *groups) {
      if (!g.is_object() || !g.contains("site") || !g["site"].is_object())
        throw CliError(name + ": a stale group of the report has no site");
      b.groups_.emplace(text_at(g, "registrar_site_key"), text_at(g["site"], "key"));
    }
  } else if (schema == kBaselineSchema) {
    const auto groups = j.find("groups");
    if (groups == j.end() || !groups->is_array()) throw CliError(name + ": the baseline has no groups array");
    for (const Json& g : *groups) {
      if (!g.is_object()) throw CliError(name + ": a baseline group is not an object");
      b.groups_.emplace(text_at(g, "registrar_site_key"), text_at(g, "site_key"));
    }
  } else {
    throw CliError(name + ": not a ctxheap report or baseline (schema '" + schema + "')");
  }
  return b;
}

Baseline Baseline::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(path + ": cannot read the baseline");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Baseline Baseline::of(const analyzer::Analysis& a) {
  Baseline b;
  for (const auto& g : a.stale_groups) b.groups_.insert(key_of(a, g));
  return b;
}

bool Baseline::contains(const analyzer::Analysis& a, const analyzer::StaleGroup& g) const {
  if (groups_.empty()) return false;
  return groups_.count(key_of(a, g)) != 0;
}

std::string Baseline::to_json(const std::string& generator) const {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& [registrar, site] : groups_)
    groups.push_back({{"registrar_site_key", registrar}, {"site_key", site}});
  const nlohmann::ordered_json j{{"schema", kBaselineSchema}, {"generator", generator}, {"groups", std::move(groups)}};
  return j.dump(2) + "\n";
}

}  // namespace ctxheap::cli
