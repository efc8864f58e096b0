#include "document/load_document.hpp"

#include <string>

#include "ctxheap/analyzer/load.hpp"

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
    an::LoadOptions options{[&](an::Stage, std::uint64_t done, std::uint64_t total) { report(step, done, total); }, cancel};
    profiles.push_back(an::load_profile(all[k], options));
  }

  std::optional<an::Profile> other;
  if (!request.compare.empty()) {
    other = std::move(profiles.back());
    profiles.pop_back();
  }
  std::size_t stranger = 0;  // the first snapshot not of the first one's run
  for (std::size_t k = 1; k < profiles.size() && stranger == 0; ++k)
    if (!an::same_run(profiles[0], profiles[k])) stranger = k;
  if (stranger != 0 && profiles.size() == 2 && !other) {
    other = std::move(profiles[1]);  // two runs: before and after
    profiles.pop_back();
  } else if (stranger != 0) {
    throw an::LoadError(name_of(request.files[stranger]) + ": not from the same run as " + name_of(request.files[0]) +
                        " (program, pid or host differ); open one run's snapshots, or two runs to compare them");
  }
  // Same pid and sequence twice is one snapshot opened twice: the series loader's check.
  if (profiles.size() > 1) {
    for (std::size_t a = 0; a < profiles.size(); ++a)
      for (std::size_t b = a + 1; b < profiles.size(); ++b)
        if (profiles[a].meta.sequence == profiles[b].meta.sequence)
          throw an::LoadError(name_of(request.files[b]) + ": the same snapshot (sequence " +
                              std::to_string(profiles[b].meta.sequence) + ") as " + name_of(request.files[a]));
  }

  an::SeriesAnalysis series = an::analyze_series(std::move(profiles), {}, control);
  std::optional<an::Analysis> compared;
  if (other) compared = an::analyze(std::move(*other), {}, control);
  auto document = std::make_shared<Document>(request, std::move(series), std::move(compared));
  document->prepare(control);
  return document;
}

}  // namespace ctxheap::gui
