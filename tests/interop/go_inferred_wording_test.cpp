// What an inferred children set's sentence says holds it and where it was inferred from:
// the bridge's children (a custom parent that is not a *cancelCtx) are held by context's
// watcher goroutines, not a children set; children counted from parked goroutines with no
// heap evidence are "inferred from the goroutine profile". Committed field profiles
// (tests/data/go/field), the same sentence in every report format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::data;

const std::vector<std::string> kToolchains = {"go1.19", "go1.21", "go1.22", "go1.23"};
// (up to the "*cancelCtx" Markdown escapes)
constexpr const char* kWatcher = "held by the watcher goroutine the context package starts for each child of a parent "
                                 "that is not a";

std::filesystem::path field(const std::string& relative) { return data("go/field/profiles/" + relative); }

/// The heap profile (and the goroutine profile of the same moment, when `goroutines`) of a
/// field program's folder, analyzed.
Analysis analyze_folder(const std::string& folder, bool goroutines) {
  if (!goroutines) return analyze(load_profile(field(folder + "heap.pb.gz")));
  auto profiles = load_series({field(folder + "heap.pb.gz"), field(folder + "goroutine.pb.gz")});
  EXPECT_EQ(profiles.size(), 1u) << folder;
  return analyze(std::move(profiles.front()));
}

const Context& child_of(const Analysis& a) { return a.context(a.stale_groups[a.suspects.at(0).group].first_entry); }

TEST(GoInferredWording, TheBridgesChildrenAreHeldByContextsWatcherGoroutinesNotAChildrenSet) {
  std::vector<std::pair<std::string, bool>> inputs;
  for (const std::string& v : kToolchains)
    for (const bool goroutines : {false, true}) inputs.emplace_back(v + "/full/bridge/", goroutines);
  for (int run = 1; run <= 5; ++run) inputs.emplace_back("go1.23/default/run" + std::to_string(run) + "/bridge/", true);
  for (const auto& [folder, goroutines] : inputs) {
    const Analysis a = analyze_folder(folder, goroutines);
    ASSERT_EQ(a.suspects.size(), 1u) << folder;
    const std::string& sentence = a.suspects[0].sentence;
    EXPECT_NE(sentence.find(kWatcher), std::string::npos) << folder << sentence;
    EXPECT_NE(sentence.find("not by a children set"), std::string::npos) << folder << sentence;
    EXPECT_EQ(sentence.find("still in its children set"), std::string::npos) << folder << sentence;
    EXPECT_NE(sentence.find("\"custom parent (inferred)\""), std::string::npos) << folder << sentence;
    EXPECT_NE(sentence.find("(inferred from the heap profile)"), std::string::npos) << folder << sentence;
    EXPECT_EQ(child_of(a).held_by, InferredHolder::WatcherGoroutine) << folder;
  }
}

TEST(GoInferredWording, TheWorkersChildrenAreInTheirParentsChildrenSetInferredFromTheHeapProfile) {
  for (const std::string& v : kToolchains) {
    const Analysis a = analyze_folder(v + "/full/workers/", true);
    ASSERT_EQ(a.suspects.size(), 1u) << v;
    const std::string& sentence = a.suspects[0].sentence;
    EXPECT_NE(sentence.find("that are still in its children set after GC, so their cancel was never called (inferred "
                            "from the heap profile)"),
              std::string::npos)
        << v << sentence;
    EXPECT_EQ(sentence.find("watcher"), std::string::npos) << v << sentence;
    EXPECT_EQ(child_of(a).held_by, InferredHolder::ChildrenSet) << v;
    EXPECT_EQ(child_of(a).inferred_from, InferredFrom::HeapProfile) << v;
  }
}

TEST(GoInferredWording, ChildrenCountedFromParkedGoroutinesWithNoHeapEvidenceSayTheGoroutineProfile) {
  // Default-rate runs whose heap profile held no sample of where the children were made
  // (go1.23/default/fallback): the goroutine profile's exact count decides alone.
  const Analysis workers = analyze_folder("go1.23/default/fallback/workers/", true);
  ASSERT_EQ(workers.suspects.size(), 1u);
  const std::string& w = workers.suspects[0].sentence;
  EXPECT_NE(w.find("10,000 uncancelled children created at main.worker"), std::string::npos) << w;
  EXPECT_NE(w.find("still in its children set, waited on by parked goroutines, so their cancel was never called "
                   "(inferred from the goroutine profile)"),
            std::string::npos)
      << w;
  EXPECT_EQ(w.find("heap profile"), std::string::npos) << w;
  EXPECT_EQ(w.find("after GC"), std::string::npos) << w;
  EXPECT_EQ(child_of(workers).inferred_from, InferredFrom::GoroutineProfile);

  const Analysis bridge = analyze_folder("go1.23/default/fallback/bridge/", true);
  ASSERT_EQ(bridge.suspects.size(), 1u);
  const std::string& b = bridge.suspects[0].sentence;
  EXPECT_NE(b.find(kWatcher), std::string::npos) << b;
  EXPECT_NE(b.find("(inferred from the goroutine profile)"), std::string::npos) << b;
  EXPECT_EQ(b.find("heap profile"), std::string::npos) << b;
  EXPECT_EQ(child_of(bridge).inferred_from, InferredFrom::GoroutineProfile);
  EXPECT_EQ(child_of(bridge).held_by, InferredHolder::WatcherGoroutine);
}

TEST(GoInferredWording, EveryReportFormatRendersTheAnalyzersSentence) {
  interop_test::TempDir dir;
  for (const auto& [folder, phrase] :
       {std::pair<std::string, std::string>{"go1.23/full/bridge/", kWatcher},
        std::pair<std::string, std::string>{"go1.23/default/fallback/workers/", "(inferred from the goroutine profile)"}}) {
    const std::string files = interop_test::sh_quote(field(folder + "heap.pb.gz").string()) + " " +
                              interop_test::sh_quote(field(folder + "goroutine.pb.gz").string());
    for (const std::string format : {"text", "md", "html", "json"}) {
      const auto r = interop_test::ctxheap(dir, "report --format " + format + " " + files);
      ASSERT_EQ(r.exit_code, 0) << format << r.err;
      EXPECT_NE(r.out.find(phrase), std::string::npos) << folder << " " << format;
    }
    const auto json = nlohmann::json::parse(interop_test::ctxheap(dir, "report --format json " + files).out);
    const auto& child = json["findings"]["stale_child"]["items"][0]["context"];
    const bool bridge = folder.find("bridge") != std::string::npos;
    EXPECT_EQ(child["held_by"], bridge ? "watcher_goroutine" : "children_set") << folder;
    EXPECT_EQ(child["inferred_from"], bridge ? "heap_profile" : "goroutine_profile") << folder;
  }
}

}  // namespace
