#include "document/load_document.hpp"

#include <string>

#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/run_identity.hpp"

namespace ctxheap::gui {

namespace an = ctxheap::analyzer;

namespace {

std::string name_of(const std::filesystem::path& path) { return path.filename().string(); }

std::string stage_step(an::Stage stage) {
  switch (stage) {
    case an::Stage::Reading: return "Reading";
    case an::Stage::Forest: return "Building the retention forest";
    case an::Stage::Findings: return "Finding stale entries";
    case an::Stage::Suspects: return "Ranking leak suspects";
    case an::Stage::Series: return "Following growth across snapshots";
    case an::Stage::Diff: return "Comparing snapshots";
  }
  return "Working";
}

}  // namespace

std::shared_ptr<const Document> load_document(const LoadRequest& request, const DocumentProgress& progress,
                                              const std::atomic<bool>* cancel) {
  if (request.files.empty()) throw an::LoadError("no snapshot to open");
  const auto report = [&](const std::string& step, std::uint64_t done, std::uint64_t total) {
    if (progress) progress(step, done, total);
  };
  const an::RunControl control{[&](an::Stage stage, std::uint64_t done, std::uint64_t total) {
                                 report(stage_step(stage), done, total);
                               },
                               cancel};

  std::vector<std::filesystem::path> all = request.files;
  if (!request.compare.empty()) all.push_back(request.compare);
  std::vector<an::Profile> profiles;
  profiles.reserve(all.size());
  for (std::size_t k = 0; k < all.size(); ++k) {
    const std::string step =
        "Reading " + name_of(all[k]) + (all.size() > 1 ? " (" + std::to_string(k + 1) + " of " + std::to_string(all.size()) + ")" : "");
    an::LoadOptions options{
        .progress = [&](an::Stage, std::uint64_t done, std::uint64_t total) { report(step, done, total); },
        .cancel = cancel};
    profiles.push_back(an::load_profile(all[k], options));
  }

  // The analyzer's run identity decides: one run (in run order, whatever the order
  // given) or two runs to compare (before, after: as given).
  std::optional<an::Profile> other;
  if (!request.compare.empty()) {
    other = std::move(profiles.back());
    profiles.pop_back();
  } else if (an::shape_of_inputs(profiles) == an::InputsShape::TwoRuns) {
    other = std::move(profiles[1]);
    profiles.pop_back();
  }
  an::order_series(profiles);

  an::AnalysisOptions options;
  options.suspects.rank_by = request.rank_by;
  an::SeriesAnalysis series = an::analyze_series(std::move(profiles), options, control);
  std::optional<an::Analysis> compared;
  if (other) compared = an::analyze(std::move(*other), options, control);
  auto document = std::make_shared<Document>(request, std::move(series), std::move(compared));
  document->prepare(control);
  return document;
}

}  // namespace ctxheap::gui
