// What the Diff tab's allocation-stack table asks of the analyzer, answered on a worker
// thread like the Allocations tab's questions (alloc_query.hpp): at a million stacks,
// building the before side's AllocationStacks takes seconds and the diff and a search
// pass over every stack of both sides. The answer is the analyzer's
// (analyzer::diff_allocation_stacks); this only says what one round trip computes.
#pragma once

#include <memory>
#include <string>

#include "ctxheap/analyzer/alloc_stacks.hpp"
#include "ctxheap/analyzer/alloc_stacks_diff.hpp"

namespace ctxheap::gui {

class Document;

struct AllocDiffQuery {
  /// Has a diff; kept alive by the question (its profiles are read on the worker).
  std::shared_ptr<const Document> document;
  analyzer::FrameDetail detail = analyzer::FrameDetail::Folded;
  /// The search (trimmed, UTF-8); empty compares every stack.
  std::string needle;
  /// Both sides' stacks at `detail`, when a previous answer built them; null: built here
  /// (the after side is the document's own when it is the latest snapshot).
  std::shared_ptr<const analyzer::AllocationStacks> before, after;
};

struct AllocDiffAnswer {
  std::shared_ptr<const analyzer::AllocationStacks> before, after;  ///< at the query's detail
  std::shared_ptr<const analyzer::AllocationDiff> diff;             ///< null without a diff
};

/// Answers `query`: pure, callable on any thread.
AllocDiffAnswer answer_alloc_diff_query(const AllocDiffQuery& query);

}  // namespace ctxheap::gui
