// What the Allocations tab asks of the analyzer for one state of its controls, answered
// on a worker thread so the UI thread never waits for it: at a million allocation
// stacks, the bottom-up root has a million rows to rank, a search filters and re-sorts
// every stack, and caller/callee walks every frame. The answer is the analyzer's
// (analyzer::AllocationStacks); this only says which questions the page needs answered
// together, so one round trip gives it everything it shows at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"

namespace ctxheap::gui {

struct AllocQuery {
  enum class Rows { TopDown, BottomUp, Functions };
  /// The document's stacks at the chosen frame detail.
  std::shared_ptr<const analyzer::AllocationStacks> source;
  /// The search (trimmed, UTF-8); empty keeps every stack.
  std::string needle;
  /// `source` already filtered by `needle`, when a previous answer computed it; null
  /// makes the worker filter.
  std::shared_ptr<const analyzer::AllocationStacks> filtered;
  Rows rows = Rows::TopDown;
  analyzer::AllocMeasure measure = analyzer::AllocMeasure::InUse;
  /// The flame graph's stacks (unfiltered) when it shows: its search highlights the
  /// functions of these whose name contains `needle` (a pass over every function name).
  std::shared_ptr<const analyzer::AllocationStacks> highlight_in;
};

struct AllocAnswer {
  /// `source` after the search: what every row below is about.
  std::shared_ptr<const analyzer::AllocationStacks> stacks;
  /// The root's rows of the view (Functions: every function), ranked by the measure.
  std::vector<analyzer::AllocNode> rows;
  /// Functions: the first (largest) function's callers and callees, shown beside it.
  std::optional<analyzer::CallerCallee> first_edges;
  /// The functions of `highlight_in` matching `needle`, when asked (empty needle: none).
  std::optional<std::vector<analyzer::FunctionId>> highlighted;
};

/// Answers `query`: pure, callable on any thread.
AllocAnswer answer_alloc_query(const AllocQuery& query);

}  // namespace ctxheap::gui
