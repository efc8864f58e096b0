// A goroutine profile read alone (golang.hpp): a large group of goroutines parked on a
// channel receive or select under one user function — how workers blocked on ctx.Done()
// show — or in the context package's own watcher becomes an inferred set of children
// nobody cancels, so the one analysis path (stale entries, suspects, the check gate)
// applies. Goroutine profiles are not sampled: the counts are exact.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "ctxheap/analyzer/golang.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer::golang {
namespace {

constexpr ContextId kInferredIdBase = 100'000'000;

/// Stable across profiles of one program (series growth and diff match by id and site);
/// salted apart from the heap recognizer's ids for the same function.
ContextId parked_id(const std::string& function, std::uint64_t salt) {
  return kInferredIdBase + detail::hash_combine(detail::hash_text(function), salt + 16) % kInferredIdBase;
}

/// The stack from the waiting function down (a suffix of the goroutines' stack), added
/// unless the profile holds it already: stacks stay distinct.
Index waiting_stack(Profile& p, const BlockedGoroutines& b) {
  const Stack whole = p.stacks[b.stack];
  const std::uint32_t skip = std::min(b.waiting_frame, whole.frame_count);
  const Stack tail{whole.first_frame + skip, whole.frame_count - skip};
  const auto frames = std::span<const Frame>(p.frames).subspan(tail.first_frame, tail.frame_count);
  for (Index s = 0; s < p.stacks.size(); ++s) {
    const auto other = p.stack_frames(s);
    if (std::equal(other.begin(), other.end(), frames.begin(), frames.end())) return s;
  }
  p.stacks.push_back(tail);
  return static_cast<Index>(p.stacks.size() - 1);
}

}  // namespace

std::size_t infer_parked_waits(Profile& p, const std::vector<BlockedGoroutines>& blocked) {
  std::size_t inferred = 0;
  for (const BlockedGoroutines& b : blocked) {
    if (b.goroutines < kParkedGoroutinesBound || b.stack == kNoIndex) continue;
    Context parent;
    parent.inferred = true;
    parent.id = parked_id(b.waiting_in, 2);
    parent.kind = ContextKind::Cancel;
    parent.name = p.strings.add("waited-on parent (inferred)");
    parent.inferred_from = InferredFrom::GoroutineProfile;
    p.contexts.push_back(parent);
    Context child;
    child.inferred = true;
    child.id = parked_id(b.waiting_in, 1);
    child.kind = ContextKind::Cancel;
    child.count = b.goroutines;
    child.inferred_from = InferredFrom::GoroutineProfile;
    child.held_by = b.in_context_package ? InferredHolder::WatcherGoroutine : InferredHolder::ChildrenSet;
    child.waiters = static_cast<std::int32_t>(std::min<std::uint64_t>(b.goroutines, INT32_MAX));
    // Where they wait: the stack from the waiting function down, without the runtime's
    // parking frames above it, so the site the sentence names is that function.
    child.creation_stack = waiting_stack(p, b);
    child.parent_id = parent.id;
    child.registered_under_id = parent.id;
    p.contexts.push_back(child);
    ++inferred;
  }
  return inferred;
}

}  // namespace ctxheap::analyzer::golang
