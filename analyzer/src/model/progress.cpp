#include "ctxheap/analyzer/progress.hpp"

namespace ctxheap::analyzer {

std::string_view to_string(Stage stage) noexcept {
  switch (stage) {
    case Stage::Reading: return "reading";
    case Stage::Forest: return "retention forest";
    case Stage::Findings: return "findings";
    case Stage::Suspects: return "leak suspects";
    case Stage::Series: return "series";
    case Stage::Diff: return "diff";
  }
  return "unknown";
}

}  // namespace ctxheap::analyzer
