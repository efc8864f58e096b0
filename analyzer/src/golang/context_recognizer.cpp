// The Go context-leak recognizer over a heap profile's allocation stacks
// (golang.hpp; rules in docs/interop.md §Go context leaks).
#include <algorithm>
#include <cmath>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctxheap/analyzer/estimate.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/text.hpp"
#include "model/hash.hpp"
#include "site_charge.hpp"

namespace ctxheap::analyzer::golang {
namespace {

/// The usable capacity of a children map (map[canceler]struct{}, amd64) per byte, since
/// a map grows when it is this full, not when every slot is taken. Go 1.19-1.23: buckets
/// of 8 slots in 144 bytes (8 tophash bytes, 8 16-byte interface keys, an overflow
/// pointer), grown at 6.5 entries per bucket. Go 1.24+ (Swiss tables, frames in
/// internal/runtime/maps): groups of 8 slots in 136 bytes (a control word, 8 keys), grown
/// at 7/8 full. Bytes per usable entry, times 100.
constexpr std::uint64_t kBucketMapBytesPerEntryX100 = 144 * 100 * 2 / 13;  // 144 / 6.5
constexpr std::uint64_t kSwissMapBytesPerEntryX100 = 136 * 100 / 7;        // 136 / 7
/// Below this, leftover map memory is not worth a note.
constexpr std::uint64_t kLeftoverNoteMinBytes = 16 * 1024;
/// Fewer live children than capacity / this: the map is left over from a burst.
constexpr std::uint64_t kLeftoverSlotsPerChild = 16;
/// A cancelCtx in Go 1.19 (64 B; 80 B from Go 1.20).
constexpr std::uint64_t kSmallestChildBytes = 64;
/// A sampled profile's missing children map is taken as missed by the sampler while the
/// chance of missing it is above this.
constexpr double kMapMissProbability = 0.05;
/// A cancelCtx from Go 1.20: the object each child surely has, for a set none of whose
/// statements was sampled.
constexpr std::uint64_t kUnsampledChildBytes = 80;
constexpr std::uint64_t kUnsampledTimerChildBytes = 112;
/// Fewer expected samples of a sampled profile's children than this decide nothing.
constexpr std::uint64_t kMinChildSamplesToDecide = 10;
/// At most this many live contexts at one creation site to stand for long-lived parents.
constexpr std::uint64_t kMaxLongLivedParents = 4;
/// Inferred ids are in [1e8, 2e8): never Background (1) or TODO (2).
constexpr ContextId kInferredIdBase = 100'000'000;
/// The closure of the goroutine context starts per child of a parent that is not a
/// *cancelCtx is 48 bytes (Go 1.19-1.23); a children map's allocations are larger.
constexpr std::uint64_t kLargestWatcherClosureBytes = 64;

enum class Role : std::uint8_t { Other, CancelCtx, TimerCtx, DoneChan, ChildrenMap, Timer, ValueCtx };

/// The runtime, including Go 1.24's maps (internal/runtime/maps.*).
bool go_runtime(std::string_view f) { return f.starts_with("runtime.") || f.starts_with("internal/runtime/"); }

bool go_internal(std::string_view f) {
  return go_runtime(f) || f.starts_with("context.") || f.starts_with("time.");
}

bool is_propagate_cancel(std::string_view f) {
  return f == "context.propagateCancel" || f == "context.(*cancelCtx).propagateCancel";
}

/// What the allocation at the leaf of the context frames is.
Role role_of(const Profile& p, std::span<const Frame> frames, std::size_t user) {
  if (user == 0) return Role::Other;
  // Go hides the leading runtime.* frames; internal/runtime/maps.* (Go 1.24+) it does not.
  std::size_t first = 0;
  while (first + 1 < user && go_runtime(p.str(frames[first].function))) ++first;
  const std::string_view leaf = p.str(frames[first].function);
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
    for (std::size_t i = first + 1; i < user; ++i)
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
  std::uint64_t map_alloc_bytes = 0;
  bool swiss_map = false;           ///< its map frames are Go 1.24+'s internal/runtime/maps
  bool timers_seen = false;         ///< a deadline timer of its children was sampled
  std::vector<Index> sites{};       ///< sites charged to the children
  std::vector<Index> map_sites{};   ///< children-map sites (charged only if not leftover)
  std::vector<Index> doubtful{};    ///< attributed request-path sites whose match sampling could undo
  std::vector<Index> possible{};    ///< request-path sites not attributed whose match sampling allows
  std::vector<bool> statement_site{};  ///< per profile site: one of its context statements
  std::unordered_map<std::uint64_t, std::uint64_t> cancel_by_statement{};  ///< leaf pc -> objects
  std::unordered_map<std::uint64_t, std::uint64_t> timer_by_statement{};
  std::unordered_map<std::uint64_t, StatementSamples> cancel_samples{};  ///< leaf pc -> raw samples
  std::unordered_map<std::uint64_t, StatementSamples> timer_samples{};
  std::set<std::pair<StringId, std::uint32_t>> cancel_lines{};  ///< file, line of each creating statement
  std::set<std::pair<StringId, std::uint32_t>> timer_lines{};
};

/// "main.go:67, main.go:70"
std::string line_list(const Profile& p, const std::set<std::pair<StringId, std::uint32_t>>& lines) {
  std::string out;
  for (const auto& [file, line] : lines) {
    if (!out.empty()) out += ", ";
    out += std::string(file_basename(p.str(file))) + ":" + std::to_string(line);
  }
  return out;
}

/// A site's raw in-use samples and object size, for the pooled estimate of its calls.
void add_samples(StatementSamples& st, const Site& site) {
  st.samples += site.sampled.inuse_objects;
  const SampleCounts& c = site.sampled.alloc_objects != 0 ? site.sampled : site.estimated;
  if (c.alloc_objects != 0)
    st.object_bytes = static_cast<double>(c.alloc_bytes) / static_cast<double>(c.alloc_objects);
}

/// The live calls behind a group's statements of one kind (estimate.hpp, estimate_calls).
Estimate calls_of(const std::unordered_map<std::uint64_t, StatementSamples>& statements, std::uint64_t rate) {
  std::vector<StatementSamples> v;
  v.reserve(statements.size());
  for (const auto& [pc, st] : statements) v.push_back(st);
  return estimate_calls(v, rate);
}

std::uint64_t rounded(double v) { return v <= 0 ? 0 : static_cast<std::uint64_t>(std::llround(v)); }

/// A sampled group's live children from its context statements and, pooled with them,
/// the other in-use sites under the creation function that look like one object per
/// child: their own estimate's range meets the statements' range (a request's body, a
/// pod's status buffer). Larger objects are sampled far more often than the contexts, so
/// they narrow the range; a one-off allocation (a cache, a table) falls outside it.
Estimate pooled_children(const Profile& p, const Group& g, Estimate statements, std::uint64_t rate,
                         std::span<const Index> request_path, std::uint64_t& samples) {
  std::vector<StatementSamples> all;
  for (const auto* m : {&g.cancel_samples, &g.timer_samples})
    for (const auto& [pc, st] : *m) all.push_back(st);
  std::unordered_map<std::uint64_t, StatementSamples> others;
  for (const Index s : g.sites) {
    if (g.statement_site[s]) continue;
    const Site& site = p.sites[s];
    if (site.sampled.inuse_objects == 0) continue;
    add_samples(others[p.stack_frames(site.stack)[0].address], site);
  }
  // The request path's own sites (what the caller allocated before creating the child:
  // log tags, a request buffer) count the same way, each stack on its own: one request
  // calls WithValue at several lines, all with the same leaf.
  std::vector<StatementSamples> candidates;
  for (const auto& [pc, st] : others) candidates.push_back(st);
  for (const Index s : request_path) {
    const Site& site = p.sites[s];
    if (site.sampled.inuse_objects == 0) continue;
    add_samples(candidates.emplace_back(), site);
  }
  // Best evidence first, each judged against the range pooled so far: a well-sampled
  // buffer narrows it before a one-sample table (whose wide range would meet a range
  // that starts at 0) can join and drag the count down.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const StatementSamples& a, const StatementSamples& b) {
                     return a.samples != b.samples ? a.samples > b.samples : a.object_bytes > b.object_bytes;
                   });
  Estimate range = statements;
  for (const StatementSamples& st : candidates) {
    const double q = sample_probability(st.object_bytes, rate);
    const Estimate r = poisson_range(st.samples);
    if (q <= 0 || r.high / q < range.low || r.low / q > range.high) continue;
    all.push_back(st);
    range = estimate_calls(all, rate);
  }
  samples = 0;
  for (const StatementSamples& st : all) samples += st.samples;
  return estimate_calls(all, rate);
}

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

/// Stable across profiles of one program (series growth and diff match by id and site),
/// nine digits: far from the runtime's small ids, short enough to read.
ContextId inferred_id(std::string_view function, std::uint64_t salt) {
  const std::uint64_t h = detail::hash_combine(detail::hash_text(function), salt);
  return kInferredIdBase + h % kInferredIdBase;
}

/// The function that called the creation function on its creation stack: the request
/// path the children belong to.
StringId caller_of(const Profile& p, const Group& g) {
  if (g.creation_stack == kNoIndex) return 0;
  const auto frames = p.stack_frames(g.creation_stack);
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    if (frames[i].function != g.function) continue;
    const StringId caller = frames[i + 1].function;
    const std::string_view name = p.str(caller);
    if (caller == 0 || go_internal(name) || name == "main.main") return 0;  // main.main is every path
    return caller;
  }
  return 0;
}

/// The in-use sites that no creation function owns and no other group claimed, on the
/// request path of a group (under the creation function's caller).
std::vector<Index> request_path_sites(const Profile& p, const Group& g, std::span<const Index> unowned,
                                      const std::vector<bool>& claimed) {
  std::vector<Index> out;
  const StringId caller = caller_of(p, g);
  if (caller == 0) return out;
  for (const Index s : unowned) {
    if (claimed[s]) continue;
    const auto frames = p.stack_frames(p.sites[s].stack);
    if (std::any_of(frames.begin(), frames.end(), [&](const Frame& f) { return f.function == caller; }))
      out.push_back(s);
  }
  return out;
}

/// The 95 % range of a site's in-use object count (exact when unsampled).
Estimate inuse_count_range(const Site& site, std::uint64_t rate) {
  if (rate <= 1) return Estimate::counted(static_cast<double>(site.estimated.inuse_objects));
  return estimate_from_samples(site.sampled.inuse_objects, site.sampled.inuse_bytes, rate).objects;
}

/// Attributes to a group's children the in-use sites that no creation function owns but
/// that sit on the same request path (under the creation function's caller) and whose
/// in-use count matches the children's (between half and four per child): the values,
/// maps and buffers a request made before creating its child, kept alive through it.
/// Sampled, the match is judged on point estimates; the ranges say how sure it is: a
/// match that the count ranges (the site's and the children's) could also undo is kept
/// in `doubtful`, a site that missed but whose range allows the match in `possible`
/// (charged_range: the low end leaves the first out, the high end takes the second in).
void attribute_request_path(const Profile& p, Group& g, std::uint64_t children, std::span<const Index> unowned,
                            std::vector<bool>& claimed) {
  const StringId caller = caller_of(p, g);
  if (caller == 0 || children == 0) return;
  const std::uint64_t rate = p.meta.sampling_interval_bytes;
  const double low = static_cast<double>(g.estimate.children_low), high = static_cast<double>(g.estimate.children_high);
  for (const Index s : unowned) {
    if (claimed[s]) continue;
    const Site& site = p.sites[s];
    const auto frames = p.stack_frames(site.stack);
    if (std::none_of(frames.begin(), frames.end(), [&](const Frame& f) { return f.function == caller; })) continue;
    const std::uint64_t n = site.estimated.inuse_objects;
    const Estimate range = inuse_count_range(site, rate);
    const bool surely = range.low * 2 >= high && range.high <= low * 4;
    if (n * 2 < children || n > children * 4) {
      if (range.high * 2 >= low && range.low <= high * 4) g.possible.push_back(s);
      continue;
    }
    claimed[s] = true;
    g.sites.push_back(s);
    if (!surely) g.doubtful.push_back(s);
    ++g.estimate.attributed_sites;
    g.estimate.attributed_bytes += site.estimated.inuse_bytes;
  }
  if (g.estimate.attributed_sites > 0) g.estimate.attributed_via = std::string(p.str(caller));
}

/// The range of the in-use bytes charged to a group's children (estimate_attributed_sum):
/// the sites under the creation function are sure, the request path's doubtful matches
/// and possible sites widen it.
Estimate charged_range(const Profile& p, const Group& g) {
  std::vector<SampledTerm> sure, doubtful, possible;
  const auto term = [&](Index s) {
    return SampledTerm{p.sites[s].sampled.inuse_objects, static_cast<double>(p.sites[s].estimated.inuse_bytes)};
  };
  for (const Index s : g.sites)
    (std::find(g.doubtful.begin(), g.doubtful.end(), s) != g.doubtful.end() ? doubtful : sure).push_back(term(s));
  for (const Index s : g.possible)
    if (p.sites[s].context_id == 0) possible.push_back(term(s));
  return estimate_attributed_sum(sure, doubtful, possible, p.meta.sampling_interval_bytes);
}

}  // namespace

ContextId inferred_children_id(std::string_view function) noexcept { return inferred_id(function, 1); }
ContextId inferred_parent_id(std::string_view function) noexcept { return inferred_id(function, 2); }

std::vector<SiteEstimate> undecided_creation_sites(const Profile& heap) {
  // The recognizer again, on a copy: the sites it charged before are skipped, so what it
  // finds is what it could not decide (and the statements' freed samples of decided sets).
  Profile copy = heap;
  std::vector<SiteEstimate> out;
  for (SiteEstimate& e : recognize_context_leaks(copy)) {
    const ContextId id = inferred_children_id(e.function);
    const bool decided = std::any_of(heap.contexts.begin(), heap.contexts.end(),
                                     [&](const Context& c) { return c.inferred && c.id == id; });
    if (!e.holds_children && !decided && e.creation_stack != kNoIndex) out.push_back(std::move(e));
  }
  return out;
}

std::string_view to_string(Retention retention) noexcept {
  switch (retention) {
    case Retention::ChildrenMap: return "children_map";
    case Retention::PendingTimers: return "pending_timers";
    case Retention::LeftoverMapCapacity: return "leftover_map_capacity";
    case Retention::NotEnoughSamples: return "not_enough_samples";
  }
  return "unknown";
}

std::vector<SiteEstimate> recognize_context_leaks(Profile& p) {
  p.meta.contexts_recognized = true;
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
    // A deadline's timer (time.AfterFunc under WithDeadline) is evidence of timer children
    // too, when none of their statements was sampled.
    if (info[s].role != Role::CancelCtx && info[s].role != Role::TimerCtx && info[s].role != Role::ChildrenMap &&
        info[s].role != Role::Timer)
      continue;
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
    // Every statement that made children, in use or not: each live child keeps one object
    // there, so a statement with no sample in use is evidence too (estimate_calls).
    g.estimate.statement_samples += site.sampled.alloc_objects;
    if (info[s].role == Role::CancelCtx) add_samples(g.cancel_samples[frames[0].address], site);
    if (info[s].role == Role::TimerCtx) add_samples(g.timer_samples[frames[0].address], site);
    if (info[s].role == Role::Timer) {
      g.timers_seen = true;
      if (g.creation_stack == kNoIndex) g.creation_stack = site.stack;  // as for the map below
    } else if (info[s].role == Role::ChildrenMap) {
      g.map_alloc_objects += e.alloc_objects;
      g.map_alloc_bytes += e.alloc_bytes;
      // Where its children were made when no context statement of it was sampled (any
      // statement's stack replaces this one below).
      if (g.creation_stack == kNoIndex) g.creation_stack = site.stack;
      for (const Frame& fr : frames)
        if (p.str(fr.function).starts_with("internal/runtime/maps.")) g.swiss_map = true;
    } else if (e.inuse_objects >= g.creation_weight) {
      g.creation_weight = e.inuse_objects;
      g.creation_stack = site.stack;
    }
  }
  if (groups.empty()) return {};

  // 2. Each site goes to the innermost creation function on its stack.
  for (Group& g : groups) g.statement_site.assign(p.sites.size(), false);
  std::vector<Index> unowned;  ///< in-use sites under no creation function
  for (Index s = 0; s < p.sites.size(); ++s) {
    const Site& site = p.sites[s];
    if (site.context_id != 0 || site.estimated.inuse_bytes == 0) continue;
    const auto frames = p.stack_frames(site.stack);
    Index owner = kNoIndex;
    for (std::size_t i = info[s].user; i < frames.size() && owner == kNoIndex; ++i) {
      if (auto it = group_of.find(frames[i].function); it != group_of.end()) owner = it->second;
    }
    if (owner == kNoIndex) {
      unowned.push_back(s);
      continue;
    }
    Group& g = groups[owner];
    const SampleCounts& e = site.estimated;
    SiteEstimate& est = g.estimate;
    // Counts are only those made directly by the creation function's context calls.
    const bool direct = frames[info[s].user].function == g.function;
    switch (direct ? info[s].role : Role::Other) {
      // One object per call at each allocating statement of WithCancel / WithDeadline
      // (the context, its closures): the contexts are the largest count of a statement.
      case Role::CancelCtx:
        g.cancel_by_statement[frames[0].address] += e.inuse_objects;
        est.child_samples += site.sampled.inuse_objects;
        g.cancel_lines.emplace(frames[info[s].user].file, frames[info[s].user].line);
        break;
      case Role::TimerCtx:
        g.timer_by_statement[frames[0].address] += e.inuse_objects;
        est.child_samples += site.sampled.inuse_objects;
        g.timer_lines.emplace(frames[info[s].user].file, frames[info[s].user].line);
        break;
      case Role::Timer: est.pending_timers += e.inuse_objects; break;
      case Role::ChildrenMap: est.map_bytes += e.inuse_bytes; break;
      default: break;
    }
    g.statement_site[s] = direct && (info[s].role == Role::CancelCtx || info[s].role == Role::TimerCtx);
    if (direct && info[s].role == Role::ChildrenMap) g.map_sites.push_back(s);
    else g.sites.push_back(s);
  }

  // 3. The long-lived parent, when the profile holds its creation: the one creation site
  // whose few cancelable contexts are registered nowhere (children of Background).
  Index parent_stack = kNoIndex;
  std::size_t parent_candidates = 0;
  for (const Group& g : groups) {
    const std::uint64_t live = largest(g.cancel_by_statement);
    if (g.map_alloc_objects == 0 && live > 0 && live <= kMaxLongLivedParents && g.timer_by_statement.empty()) {
      parent_stack = g.creation_stack;
      ++parent_candidates;
    }
  }
  if (parent_candidates != 1) parent_stack = kNoIndex;

  // 4. Verdicts; inferred contexts for the groups that hold children.
  std::vector<SiteEstimate> out;
  std::vector<bool> claimed(p.sites.size(), false);
  bool background_added = false;
  for (Group& g : groups) {
    SiteEstimate& est = g.estimate;
    const std::uint64_t rate = p.meta.sampling_interval_bytes;
    // Sampled: every statement's samples pooled, with a range; unsampled: exact counts.
    const bool sampled = rate > 1;
    // Children whose map or deadline timers were sampled but none of whose statements
    // left a sample: each child still has its cancelCtx (80 bytes from Go 1.20) or
    // timerCtx (112), whose zero samples are evidence too (how many the sampler missed).
    if (sampled && g.cancel_samples.empty() && g.timer_samples.empty()) {
      if (g.timers_seen) g.timer_samples[0] = {0, static_cast<double>(kUnsampledTimerChildBytes)};
      else if (g.map_alloc_objects > 0) g.cancel_samples[0] = {0, static_cast<double>(kUnsampledChildBytes)};
    }
    const Estimate cancels = calls_of(g.cancel_samples, rate), timers = calls_of(g.timer_samples, rate);
    Estimate total = {cancels.value + timers.value, cancels.low + timers.low, cancels.high + timers.high, !sampled};
    if (sampled && total.high > 0)
      total = pooled_children(p, g, total, rate, request_path_sites(p, g, unowned, claimed), est.child_samples);
    // The split by kind follows the statements' own estimates.
    const double cancel_share = cancels.value + timers.value > 0 ? cancels.value / (cancels.value + timers.value) : 0;
    est.cancel_contexts = sampled ? rounded(total.value * cancel_share) : largest(g.cancel_by_statement);
    est.timer_contexts = sampled ? rounded(total.value) - est.cancel_contexts : largest(g.timer_by_statement);
    const std::uint64_t children = est.cancel_contexts + est.timer_contexts;
    est.children_low = sampled ? rounded(std::floor(total.low)) : children;
    est.children_high = sampled ? rounded(std::ceil(total.high)) : children;
    est.map_slots = est.map_bytes * 100 / (g.swiss_map ? kSwissMapBytesPerEntryX100 : kBucketMapBytesPerEntryX100);
    // A sampled profile often holds no sample of the parent's children map: one bucket
    // array of about kBucketMapBytesPerEntryX100 / 100 bytes per child, sampled with
    // p = 1 - exp(-bytes / rate) (10,000 children: 40 % at 512 KiB). Cancel children in
    // use with no map sample are taken as registered while missing the map is likely at
    // the low end of their count; the other reading (children of Background kept by the
    // program) would leave a map sample that often.
    const bool map_unseen =
        sampled && g.map_alloc_objects == 0 && est.timer_contexts == 0 && children > 0 &&
        std::exp(-static_cast<double>(est.children_low * kBucketMapBytesPerEntryX100 / 100) /
                 static_cast<double>(rate)) > kMapMissProbability;
    if (map_unseen)
      p.meta.notes.push_back("No sample of a children map holds the " + format_count(children) +
                             " children created at " + est.function + ", which a sampled profile misses often (a map for " +
                             format_count(est.children_low) + " children is sampled with probability " +
                             format_share(1 - std::exp(-static_cast<double>(est.children_low * kBucketMapBytesPerEntryX100 / 100) /
                                                       static_cast<double>(rate))) +
                             "): they are taken as registered in their cancelable parent's map.");
    const bool registered = g.map_alloc_objects > 0 || map_unseen;
    const bool leftover = registered && est.map_bytes >= kLeftoverNoteMinBytes &&
                          children * kLeftoverSlotsPerChild < est.map_slots;
    // Were the map full enough to be a leak (capacity / 16 children of at least 64 bytes),
    // how many of them would the sampler have caught? At Go's default rate (512 KiB) a
    // few thousand leaked children leave about no sample: the map alone cannot decide.
    const double expected_samples =
        rate > 1 ? static_cast<double>(est.map_slots / kLeftoverSlotsPerChild) *
                       (1 - std::exp(-static_cast<double>(kSmallestChildBytes) / static_cast<double>(rate)))
                 : 1e300;
    if (leftover && expected_samples < static_cast<double>(kMinChildSamplesToDecide)) {
      est.retention = Retention::NotEnoughSamples;
      p.meta.notes.push_back(
          "Not enough samples (" + format_count(est.child_samples) + ") to decide whether the " +
          format_bytes(est.map_bytes) + " of a parent's children map allocated at context.propagateCancel from " +
          est.function + " (room for about " + format_count(est.map_slots) +
          " entries) holds leaked children or is capacity left after a burst; a profile with a lower "
          "MemProfileRate, a series, or a goroutine profile would decide.");
    } else if (leftover) {
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
                       // A sampled profile seldom holds a sample of the ~100-byte timers themselves.
                       : est.retention == Retention::PendingTimers ? est.timer_contexts > 0 && (est.pending_timers > 0 || sampled)
                                                                     : false;
    est.creation_stack = g.creation_stack;
    est.parent_stack = parent_stack;
    est.holds_children = holds;
    if (holds) {
      if (est.retention == Retention::ChildrenMap) g.sites.insert(g.sites.end(), g.map_sites.begin(), g.map_sites.end());
      Context child;
      child.inferred = true;
      child.id = inferred_children_id(p.str(g.function));
      child.kind = est.timer_contexts > est.cancel_contexts ? ContextKind::Deadline : ContextKind::Cancel;
      child.creation_stack = g.creation_stack;
      child.count_sampled = sampled;
      child.count_samples = est.child_samples;
      if (est.retention == Retention::ChildrenMap) {
        child.count = children;
        child.count_low = est.children_low;
        child.count_high = est.children_high;
        // One small allocation at propagateCancel per child is the closure of the watcher
        // goroutine context starts for a parent that is not a *cancelCtx (a children map
        // makes a few growing bucket arrays): that goroutine holds them, no children set.
        const bool watched =
            g.map_alloc_objects * 2 >= children && g.map_alloc_bytes <= kLargestWatcherClosureBytes * g.map_alloc_objects;
        if (watched) child.held_by = InferredHolder::WatcherGoroutine;
        Context parent;
        parent.inferred = true;
        parent.id = inferred_parent_id(p.str(g.function));
        parent.kind = ContextKind::Cancel;
        parent.name = p.strings.add(watched ? "custom parent (inferred)" : "cancelable parent (inferred)");
        parent.creation_stack = parent_stack;
        p.contexts.push_back(parent);
        child.parent_id = parent.id;
        child.registered_under_id = parent.id;
      } else {
        child.count = est.timer_contexts;
        child.count_low = sampled ? std::min(est.children_low, child.count) : child.count;
        child.count_high = sampled ? std::max(est.children_high, child.count) : child.count;
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
      attribute_request_path(p, g, children, unowned, claimed);
      for (const Index s : g.sites) {
        Site& site = p.sites[s];
        charge_site(p, site, child);
        est.retained_objects += site.estimated.inuse_objects;
        est.retained_bytes += site.estimated.inuse_bytes;
      }
      // The range of all of it at once (charge_site widens by each site alone).
      const Estimate bytes = charged_range(p, g);
      est.retained_low = rounded(std::floor(bytes.low));
      est.retained_high = std::max(est.retained_bytes, rounded(std::ceil(bytes.high)));
      child.inuse_bytes_below = est.retained_bytes - std::min(est.retained_bytes, est.retained_low);
      child.inuse_bytes_above = est.retained_high - est.retained_bytes;
      p.contexts.push_back(child);
      std::string split;
      if (est.cancel_contexts > 0)
        split = format_count(est.cancel_contexts) + " cancelCtx" +
                (g.cancel_lines.empty() ? "" : " (" + line_list(p, g.cancel_lines) + ")");
      if (est.timer_contexts > 0)
        split += (split.empty() ? "" : " + ") + format_count(est.timer_contexts) + " timerCtx" +
                 (g.timer_lines.empty() ? "" : " (" + line_list(p, g.timer_lines) + ")");
      const std::string range = sampled ? " (estimated from " + format_count(est.child_samples) + " samples: " +
                                              format_count(child.count_low) + "–" + format_count(child.count_high) +
                                              ", 95 % range)"
                                        : "";
      p.meta.notes.push_back("Children created at " + est.function + " still in use: " + split + range + ".");
      if (est.attributed_sites > 0)
        p.meta.notes.push_back(
            "Attributed to the children created at " + est.function + ": " + format_bytes(est.attributed_bytes) +
            " in use at " + format_count(est.attributed_sites) + (est.attributed_sites == 1 ? " site" : " sites") +
            " allocated on the same request path (under " + est.attributed_via +
            ") whose in-use counts match the children's (" + format_count(children) +
            "), such as values and buffers made by other functions before the child was created.");
    }
    out.push_back(est);
  }
  if (p.meta.counters == CounterSource::Exact && p.meta.sampling_interval_bytes > 1)
    p.meta.counters = CounterSource::SampledEstimate;
  return out;
}

}  // namespace ctxheap::analyzer::golang
