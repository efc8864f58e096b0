// The Go context-leak recognizer over a heap profile's allocation stacks
// (golang.hpp; rules in docs/interop.md §Go context leaks).
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer::golang {
namespace {

/// Go 1.19 amd64: map[canceler]struct{} buckets hold 8 entries in 144 bytes (8 tophash
/// bytes, 8 16-byte interface keys, an overflow pointer): 18 bytes per slot.
constexpr std::uint64_t kMapBytesPerSlot = 18;
/// Below this, leftover map memory is not worth a note.
constexpr std::uint64_t kLeftoverNoteMinBytes = 16 * 1024;
/// Fewer live children than capacity / this: the map is left over from a burst.
constexpr std::uint64_t kLeftoverSlotsPerChild = 16;
/// Inferred ids are in [1e8, 2e8): never Background (1) or TODO (2).
constexpr ContextId kInferredIdBase = 100'000'000;

enum class Role : std::uint8_t { Other, CancelCtx, TimerCtx, DoneChan, ChildrenMap, Timer, ValueCtx };

bool go_internal(std::string_view f) {
  return f.starts_with("runtime.") || f.starts_with("context.") || f.starts_with("time.");
}

bool is_propagate_cancel(std::string_view f) {
  return f == "context.propagateCancel" || f == "context.(*cancelCtx).propagateCancel";
}

/// What the allocation at the leaf of the context frames is.
Role role_of(const Profile& p, std::span<const Frame> frames, std::size_t user) {
  if (user == 0) return Role::Other;
  const std::string_view leaf = p.str(frames[0].function);
  if (is_propagate_cancel(leaf)) return Role::ChildrenMap;
  if (leaf == "context.(*cancelCtx).Done") return Role::DoneChan;
  if (leaf == "context.WithValue") return Role::ValueCtx;
  if (leaf == "context.WithDeadline" || leaf == "context.WithDeadlineCause" || leaf == "context.WithTimeout" ||
      leaf == "context.WithTimeoutCause")
    return Role::TimerCtx;
  // context.AfterFunc (Go 1.21) registers an afterFuncCtx in the parent's map like a child.
  if (leaf == "context.WithCancel" || leaf == "context.WithCancelCause" || leaf == "context.newCancelCtx" ||
      leaf == "context.withCancel" || leaf == "context.AfterFunc")
    return Role::CancelCtx;
  if (leaf.starts_with("time.")) {
    for (std::size_t i = 1; i < user; ++i)
      if (p.str(frames[i].function).starts_with("context.WithDeadline")) return Role::Timer;
  }
  return Role::Other;
}

struct Group {
  StringId function = 0;
  Index creation_stack = kNoIndex;
  std::uint64_t creation_weight = 0;
  SiteEstimate estimate{};
  std::uint64_t map_alloc_objects = 0;
  std::vector<Index> sites{};       ///< sites charged to the children
  std::vector<Index> map_sites{};   ///< children-map sites (charged only if not leftover)
  std::unordered_map<std::uint64_t, std::uint64_t> cancel_by_statement{};  ///< leaf pc -> objects
  std::unordered_map<std::uint64_t, std::uint64_t> timer_by_statement{};
};

std::uint64_t largest(const std::unordered_map<std::uint64_t, std::uint64_t>& counts) {
  std::uint64_t m = 0;
  for (const auto& [pc, n] : counts) m = std::max(m, n);
  return m;
}

/// The creation function of each site's user frame, and the per-site roles.
struct SiteInfo {
  Role role = Role::Other;
  std::size_t user = 0;  ///< index of the first user frame in the stack
};

Counters from_estimate(const SampleCounts& e) {
  Counters c;
  c.alloc_objects = std::max(e.alloc_objects, e.inuse_objects);
  c.alloc_bytes = std::max(e.alloc_bytes, e.inuse_bytes);
  c.freed_objects = c.alloc_objects - e.inuse_objects;
  c.freed_bytes = c.alloc_bytes - e.inuse_bytes;
  return c;
}

void subtract(Counters& from, const Counters& c) {
  from.alloc_objects -= std::min(from.alloc_objects, c.alloc_objects);
  from.alloc_bytes -= std::min(from.alloc_bytes, c.alloc_bytes);
  from.freed_objects -= std::min(from.freed_objects, c.freed_objects);
  from.freed_bytes -= std::min(from.freed_bytes, c.freed_bytes);
}

/// Stable across profiles of one program (series growth and diff match by id and site),
/// nine digits: far from the runtime's small ids, short enough to read.
ContextId inferred_id(const Profile& p, StringId function, std::uint64_t salt) {
  const std::uint64_t h = detail::hash_combine(detail::hash_text(p.str(function)), salt);
  return kInferredIdBase + h % kInferredIdBase;
}

}  // namespace

std::string_view to_string(Retention retention) noexcept {
  switch (retention) {
    case Retention::ChildrenMap: return "children_map";
    case Retention::PendingTimers: return "pending_timers";
    case Retention::LeftoverMapCapacity: return "leftover_map_capacity";
  }
  return "unknown";
}

std::vector<SiteEstimate> recognize_context_leaks(Profile& p) {
  // 1. Roles, and the creation functions (user frames of cancelCtx / timerCtx allocations).
  std::vector<SiteInfo> info(p.sites.size());
  std::unordered_map<StringId, Index> group_of;
  std::vector<Group> groups;
  for (Index s = 0; s < p.sites.size(); ++s) {
    const Site& site = p.sites[s];
    if (site.context_id != 0) continue;
    const auto frames = p.stack_frames(site.stack);
    std::size_t user = 0;
    while (user < frames.size() && go_internal(p.str(frames[user].function))) ++user;
    if (user == frames.size()) continue;  // nothing outside the runtime
    info[s] = {role_of(p, frames, user), user};
    if (info[s].role != Role::CancelCtx && info[s].role != Role::TimerCtx && info[s].role != Role::ChildrenMap) continue;
    const StringId f = frames[user].function;
    if (f == 0) continue;
    auto [it, added] = group_of.emplace(f, static_cast<Index>(groups.size()));
    if (added) {
      groups.push_back({});
      groups.back().function = f;
      groups.back().estimate.function = std::string(p.str(f));
    }
    Group& g = groups[it->second];
    const SampleCounts& e = site.estimated;
    if (info[s].role == Role::ChildrenMap) {
      g.map_alloc_objects += e.alloc_objects;
    } else if (e.inuse_objects >= g.creation_weight) {
      g.creation_weight = e.inuse_objects;
      g.creation_stack = site.stack;
    }
  }
  if (groups.empty()) return {};

  // 2. Each site goes to the innermost creation function on its stack.
  for (Index s = 0; s < p.sites.size(); ++s) {
    const Site& site = p.sites[s];
    if (site.context_id != 0 || site.estimated.inuse_bytes == 0) continue;
    const auto frames = p.stack_frames(site.stack);
    Index owner = kNoIndex;
    for (std::size_t i = info[s].user; i < frames.size() && owner == kNoIndex; ++i) {
      if (auto it = group_of.find(frames[i].function); it != group_of.end()) owner = it->second;
    }
    if (owner == kNoIndex) continue;
    Group& g = groups[owner];
    const SampleCounts& e = site.estimated;
    SiteEstimate& est = g.estimate;
    // Counts are only those made directly by the creation function's context calls.
    const bool direct = frames[info[s].user].function == g.function;
    switch (direct ? info[s].role : Role::Other) {
      // One object per call at each allocating statement of WithCancel / WithDeadline
      // (the context, its closures): the contexts are the largest count of a statement.
      case Role::CancelCtx: g.cancel_by_statement[frames[0].address] += e.inuse_objects; break;
      case Role::TimerCtx: g.timer_by_statement[frames[0].address] += e.inuse_objects; break;
      case Role::Timer: est.pending_timers += e.inuse_objects; break;
      case Role::ChildrenMap: est.map_bytes += e.inuse_bytes; break;
      default: break;
    }
    if (direct && info[s].role == Role::ChildrenMap) g.map_sites.push_back(s);
    else g.sites.push_back(s);
  }

  // 3. Verdicts; inferred contexts for the groups that hold children.
  std::vector<SiteEstimate> out;
  bool background_added = false;
  for (Group& g : groups) {
    SiteEstimate& est = g.estimate;
    est.cancel_contexts = largest(g.cancel_by_statement);
    est.timer_contexts = largest(g.timer_by_statement);
    const std::uint64_t children = est.cancel_contexts + est.timer_contexts;
    est.map_slots = est.map_bytes / kMapBytesPerSlot;
    const bool registered = g.map_alloc_objects > 0;
    const bool leftover = registered && est.map_bytes >= kLeftoverNoteMinBytes &&
                          children * kLeftoverSlotsPerChild < est.map_slots;
    if (leftover) {
      est.retention = Retention::LeftoverMapCapacity;
      p.meta.notes.push_back(
          "Leftover map capacity, not a leak of children: " + format_bytes(est.map_bytes) +
          " of a parent's children map allocated at context.propagateCancel from " + est.function +
          " is still in use (room for about " + format_count(est.map_slots) + " entries) but only " +
          format_count(children) + " child contexts created there are alive; Go maps do not shrink after a "
          "burst, so the parent keeps this memory until it is cancelled or dropped.");
    } else if (registered) {
      est.retention = Retention::ChildrenMap;
    } else {
      est.retention = Retention::PendingTimers;
    }
    const bool holds = est.retention == Retention::ChildrenMap ? children > 0
                       : est.retention == Retention::PendingTimers ? est.timer_contexts > 0 && est.pending_timers > 0
                                                                     : false;
    if (holds) {
      if (est.retention == Retention::ChildrenMap) g.sites.insert(g.sites.end(), g.map_sites.begin(), g.map_sites.end());
      Context child;
      child.inferred = true;
      child.id = inferred_id(p, g.function, 1);
      child.kind = est.timer_contexts > est.cancel_contexts ? ContextKind::Deadline : ContextKind::Cancel;
      child.creation_stack = g.creation_stack;
      if (est.retention == Retention::ChildrenMap) {
        child.count = children;
        Context parent;
        parent.inferred = true;
        parent.id = inferred_id(p, g.function, 2);
        parent.kind = ContextKind::Cancel;
        parent.name = p.strings.add("cancelable parent (inferred)");
        p.contexts.push_back(parent);
        child.parent_id = parent.id;
        child.registered_under_id = parent.id;
      } else {
        child.count = est.timer_contexts;
        child.timer_held = true;
        child.parent_id = 1;
        if (!background_added) {
          Context background;
          background.inferred = true;
          background.id = 1;
          background.kind = ContextKind::Background;
          p.contexts.push_back(background);
          background_added = true;
        }
      }
      for (const Index s : g.sites) {
        Site& site = p.sites[s];
        const Counters c = from_estimate(site.estimated);
        child.counters += c;
        subtract(p.totals.no_context, c);
        site.context_id = child.id;
        est.retained_objects += site.estimated.inuse_objects;
        est.retained_bytes += site.estimated.inuse_bytes;
      }
      p.contexts.push_back(child);
    }
    out.push_back(est);
  }
  if (p.meta.counters == CounterSource::Exact && p.meta.sampling_interval_bytes > 1)
    p.meta.counters = CounterSource::SampledEstimate;
  return out;
}

}  // namespace ctxheap::analyzer::golang
