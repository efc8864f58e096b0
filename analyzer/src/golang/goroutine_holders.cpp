// A goroutine profile given with a heap profile of the same process (golang.hpp): the
// goroutines parked under a user function are the workers waiting on the inferred
// children's Done, and the heap memory they hold (their sudogs, buffers, closures) is
// charged to those children.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "site_charge.hpp"

namespace ctxheap::analyzer::golang {
namespace {

/// The inferred child set whose size is closest to `goroutines` (within a factor of 2 of
/// its count, or of its range when the count is sampled).
Context* children_waited_on(Profile& heap, std::uint64_t goroutines) {
  Context* best = nullptr;
  for (Context& c : heap.contexts) {
    const std::uint64_t low = c.least_count();
    const std::uint64_t high = c.most_count();
    if (!c.inferred || c.count < 2 || high * 2 < goroutines || low > goroutines * 2) continue;
    const auto gap = [&](const Context& x) { return x.count > goroutines ? x.count - goroutines : goroutines - x.count; };
    if (best == nullptr || gap(c) < gap(*best)) best = &c;
  }
  return best;
}

}  // namespace

std::vector<BlockedGoroutines> use_goroutine_profile(Profile& heap, Profile goroutines) {
  // The reader reported the goroutines already (its notes move below): find them again
  // without a second set of notes.
  std::vector<BlockedGoroutines> blocked = find_blocked_goroutines(goroutines);
  for (std::string& note : goroutines.meta.notes) heap.meta.notes.push_back("Goroutine profile: " + std::move(note));
  std::vector<SiteEstimate> undecided;
  bool undecided_known = false;
  for (const BlockedGoroutines& b : blocked) {
    if (b.goroutines < 2) continue;
    Context* child = children_waited_on(heap, b.goroutines);
    const bool inferred_here = child == nullptr;
    if (inferred_here) {
      if (!undecided_known) undecided = undecided_creation_sites(heap);
      undecided_known = true;
      child = infer_waited_children(heap, goroutines, b, undecided);
    }
    if (child == nullptr) continue;
    // Goroutines parked in context's own watcher hold their children: no children set does,
    // and their parent is of a type context cannot see into.
    if (b.in_context_package && child->held_by != InferredHolder::WatcherGoroutine) {
      child->held_by = InferredHolder::WatcherGoroutine;
      const ContextId parent = child->registered_under_id;
      for (Context& c : heap.contexts)
        if (c.id == parent && c.inferred && heap.str(c.name) == "cancelable parent (inferred)")
          c.name = heap.strings.add("custom parent (inferred)");
    }
    child->waiters = static_cast<std::int32_t>(std::min<std::uint64_t>(b.goroutines + static_cast<std::uint64_t>(child->waiters), INT32_MAX));
    // A sampled set's range is narrowed by the exact goroutine count: one waiter per child,
    // as the pairing assumes, so at least that many children (within the heap's range).
    if (child->count_sampled && b.goroutines > child->count_low) {
      child->count_low = std::min(b.goroutines, child->count_high);
      heap.meta.notes.push_back("The " + format_count(b.goroutines) + " goroutines parked in " + b.waiting_in +
                                " (exact: goroutine profiles are not sampled) raise the low end of the sampled "
                                "children count to " + format_count(child->count_low) + ".");
    }
    // context's own watchers hold the children's done channels: charged with the set
    // inferred here; a set the heap profile decided keeps the charge it made.
    if (b.in_context_package && !inferred_here) continue;
    // The heap the waiting function itself allocated and still holds, one or a few per goroutine.
    std::uint64_t bytes = 0, sites = 0;
    for (Site& site : heap.sites) {
      if (site.context_id != 0 || site.estimated.inuse_bytes == 0) continue;
      const std::uint64_t n = site.estimated.inuse_objects;
      if (n * 2 < b.goroutines || n > b.goroutines * 4) continue;
      const auto frames = heap.stack_frames(site.stack);
      const bool under = std::any_of(frames.begin(), frames.end(),
                                     [&](const Frame& f) { return heap.str(f.function) == b.waiting_in; });
      if (!under) continue;
      charge_site(heap, site, *child);
      bytes += site.estimated.inuse_bytes;
      ++sites;
    }
    heap.meta.notes.push_back(format_count(b.goroutines) + " goroutines parked in " + b.waiting_in +
                              " wait on the " + format_count(child->count) +
                              " inferred children (counts match); the " + format_bytes(bytes) + " they hold at " +
                              format_count(sites) + (sites == 1 ? " site" : " sites") +
                              " under that function is charged to the children.");
  }
  return blocked;
}

}  // namespace ctxheap::analyzer::golang
