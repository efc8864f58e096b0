// Parked goroutines that no inferred child set of the paired heap profile explains
// (golang.hpp, infer_waited_children). At Go's default rate (one sample per 512 KiB) a
// heap profile may hold no in-use sample of 10,000 small children, or none of their
// parent's children map, and then infers no set; the goroutine profile's exact count
// still decides, and the heap profile still names where the children were created.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "site_charge.hpp"

namespace ctxheap::analyzer::golang {
namespace {

/// An undecided creation site can stand for `goroutines` children: its statements were
/// sampled at all (allocated, in use or not), so the function does make children often,
/// and its sampled range of live children, when its context statements give one, reaches
/// to within a factor of 2 of the count.
bool fits(const SiteEstimate& e, std::uint64_t goroutines, bool sampled) {
  const bool no_range = sampled && e.children_high == 0;  // only propagateCancel was sampled
  return e.statement_samples > 0 && (no_range || (e.children_high * 2 >= goroutines && e.children_low <= goroutines * 2));
}

const SiteEstimate* creation_site_for(const std::vector<SiteEstimate>& undecided, std::uint64_t goroutines,
                                      bool sampled) {
  const SiteEstimate* best = nullptr;
  for (const SiteEstimate& e : undecided) {
    if (!fits(e, goroutines, sampled)) continue;
    const auto key = [](const SiteEstimate& x) { return std::pair(x.child_samples, x.statement_samples); };
    if (best == nullptr || key(e) > key(*best)) best = &e;
  }
  return best;
}

/// No undecided creation site: the user function under which the context package made
/// values (WithValue) in about the goroutines' number, in use — the request path the
/// children were derived on (the bridge's serve wraps each request in a value before
/// WithCancel). Its stack, or kNoIndex.
Index value_site_for(const Profile& heap, std::uint64_t goroutines) {
  Index best = kNoIndex;
  std::uint64_t best_gap = 0;
  for (const Site& site : heap.sites) {
    const std::uint64_t n = site.estimated.inuse_objects;
    if (site.context_id != 0 || n * 2 < goroutines || n > goroutines * 2) continue;
    const auto frames = heap.stack_frames(site.stack);
    if (frames.size() < 2 || heap.str(frames[0].function) != "context.WithValue") continue;
    const std::string_view user = heap.str(frames[1].function);
    if (user.empty() || user.starts_with("context.") || user.starts_with("runtime.")) continue;
    const std::uint64_t gap = n > goroutines ? n - goroutines : goroutines - n;
    if (best == kNoIndex || gap < best_gap) best = site.stack, best_gap = gap;
  }
  return best;
}

/// The goroutines' stack from the waiting function down, copied into `heap` (its frames
/// and strings are the goroutine profile's).
Index copy_waiting_stack(Profile& heap, const Profile& goroutines, const BlockedGoroutines& b) {
  const auto frames = goroutines.stack_frames(b.stack);
  const std::size_t skip = std::min<std::size_t>(b.waiting_frame, frames.size());
  const Stack copied{static_cast<std::uint32_t>(heap.frames.size()), static_cast<std::uint32_t>(frames.size() - skip)};
  for (const Frame& f : frames.subspan(skip)) {
    Frame g = f;
    g.function = heap.strings.add(std::string(goroutines.str(f.function)));
    g.file = heap.strings.add(std::string(goroutines.str(f.file)));
    g.module = heap.strings.add(std::string(goroutines.str(f.module)));
    heap.frames.push_back(g);
  }
  heap.stacks.push_back(copied);
  return static_cast<Index>(heap.stacks.size() - 1);
}

/// Charges the in-use sites under `function` that no context holds yet to `child`.
std::uint64_t charge_sites_under(Profile& heap, std::string_view function, Context& child) {
  std::uint64_t bytes = 0;
  for (Site& site : heap.sites) {
    if (site.context_id != 0 || site.estimated.inuse_bytes == 0) continue;
    const auto frames = heap.stack_frames(site.stack);
    if (std::none_of(frames.begin(), frames.end(), [&](const Frame& f) { return heap.str(f.function) == function; }))
      continue;
    charge_site(heap, site, child);
    bytes += site.estimated.inuse_bytes;
  }
  return bytes;
}

}  // namespace

Context* infer_waited_children(Profile& heap, const Profile& goroutines, const BlockedGoroutines& b,
                               const std::vector<SiteEstimate>& undecided) {
  if (b.goroutines < kParkedGoroutinesBound || b.stack == kNoIndex) return nullptr;
  const SiteEstimate* site = creation_site_for(undecided, b.goroutines, heap.meta.sampling_interval_bytes > 1);
  const Index value_stack = site == nullptr ? value_site_for(heap, b.goroutines) : kNoIndex;
  std::string function = site != nullptr ? site->function : b.waiting_in;
  if (value_stack != kNoIndex) function = std::string(heap.str(heap.stack_frames(value_stack)[1].function));
  Context parent;
  parent.inferred = true;
  parent.id = inferred_parent_id(function);
  parent.kind = ContextKind::Cancel;
  const bool named = site != nullptr || value_stack != kNoIndex;
  parent.name = heap.strings.add(named ? "cancelable parent (inferred)" : "waited-on parent (inferred)");
  parent.creation_stack = site != nullptr ? site->parent_stack : kNoIndex;
  parent.inferred_from = InferredFrom::GoroutineProfile;
  Context child;
  child.inferred = true;
  child.id = inferred_children_id(function);
  child.kind = site != nullptr && site->timer_contexts > site->cancel_contexts ? ContextKind::Deadline
                                                                               : ContextKind::Cancel;
  // Goroutine profiles are not sampled: one waiter per child, counted exactly.
  child.count = b.goroutines;
  child.inferred_from = InferredFrom::GoroutineProfile;
  child.held_by = b.in_context_package ? InferredHolder::WatcherGoroutine : InferredHolder::ChildrenSet;
  child.creation_stack = site != nullptr            ? site->creation_stack
                         : value_stack != kNoIndex ? value_stack
                                                   : copy_waiting_stack(heap, goroutines, b);
  child.parent_id = parent.id;
  child.registered_under_id = parent.id;
  const std::uint64_t bytes = named ? charge_sites_under(heap, function, child) : 0;
  if (std::none_of(heap.contexts.begin(), heap.contexts.end(), [&](const Context& c) { return c.id == parent.id; }))
    heap.contexts.push_back(parent);
  heap.contexts.push_back(child);
  if (site != nullptr) {
    heap.meta.notes.push_back(
        "The " + format_count(b.goroutines) + " goroutines parked in " + b.waiting_in +
        " (exact: goroutine profiles are not sampled) are counted as children created at " + function +
        ": the heap profile holds too few samples of them (" + format_count(site->child_samples) +
        " in use) to decide alone, and its range for that site (" + format_count(site->children_low) + "–" +
        format_count(site->children_high) + ") fits the count; the " + format_bytes(bytes) +
        " in use under " + function + " is charged to them.");
  } else if (value_stack != kNoIndex) {
    heap.meta.notes.push_back(
        "The " + format_count(b.goroutines) + " goroutines parked in " + b.waiting_in +
        " (exact: goroutine profiles are not sampled) are counted as children derived in " + function +
        ": the heap profile holds no sample of where they were created, but about as many context values made "
        "there are in use (the line named is that of the values); the " + format_bytes(bytes) + " in use under " +
        function + " is charged to them.");
  } else {
    heap.meta.notes.push_back("The " + format_count(b.goroutines) + " goroutines parked in " + b.waiting_in +
                              " (exact: goroutine profiles are not sampled) match no context creation site of the "
                              "heap profile: they are counted as children that wait there.");
  }
  return &heap.contexts.back();
}

}  // namespace ctxheap::analyzer::golang
