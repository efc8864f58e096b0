// Allocation stacks for every view (alloc_stacks.hpp): folded once, sorted twice, then
// every node is a range of sorted stacks.
#include "ctxheap/analyzer/alloc_stacks.hpp"

#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <unordered_map>

#include "model/flat_map.hpp"

namespace ctxheap::analyzer {
namespace {

SampleCounts& operator+=(SampleCounts& a, const SampleCounts& b) noexcept {
  a.alloc_objects += b.alloc_objects;
  a.alloc_bytes += b.alloc_bytes;
  a.inuse_objects += b.inuse_objects;
  a.inuse_bytes += b.inuse_bytes;
  return a;
}

SampleCounts operator-(const SampleCounts& a, const SampleCounts& b) noexcept {
  return {a.alloc_objects - b.alloc_objects, a.alloc_bytes - b.alloc_bytes, a.inuse_objects - b.inuse_objects,
          a.inuse_bytes - b.inuse_bytes};
}

std::uint64_t bytes_of(const SampleCounts& c, AllocMeasure m) noexcept {
  return m == AllocMeasure::InUse ? c.inuse_bytes : c.alloc_bytes;
}
std::uint64_t objects_of(const SampleCounts& c, AllocMeasure m) noexcept {
  return m == AllocMeasure::InUse ? c.inuse_objects : c.alloc_objects;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_nocase(std::string_view text, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  if (needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(text[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

AllocationStacks::AllocationStacks(const Profile& p, FrameDetail detail)
    : detail_(detail), interval_(p.meta.sampling_interval_bytes) {
  // 1. Sum the sites per profile stack (a stack is shared by the sites of many contexts).
  std::vector<SampleCounts> per_stack(p.stacks.size() + 1);  // last: sites with no stack
  std::vector<std::uint64_t> sampled_per_stack(p.stacks.size() + 1, 0);
  std::vector<bool> used(p.stacks.size() + 1, false);
  for (const Site& s : p.sites) {
    const std::size_t k = s.stack < p.stacks.size() ? s.stack : p.stacks.size();
    per_stack[k] += s.estimated;
    sampled_per_stack[k] += s.sampled.alloc_objects;
    used[k] = true;
  }

  // 2. Fold each used stack to shown functions, root first, interning names once per
  // distinct frame (function id, else address) and once per distinct name.
  detail::FlatIndexMap by_frame(1024);
  std::unordered_map<std::string, FunctionId> by_name;
  std::vector<FunctionId> folded;             // all folded stacks, root first, back to back
  std::vector<std::uint32_t> folded_offsets{0};
  std::vector<std::size_t> folded_source;     // the profile stack of each folded stack
  for (std::size_t k = 0; k < per_stack.size(); ++k) {
    if (!used[k]) continue;
    if (k < p.stacks.size()) {
      const auto frames = p.stack_frames(static_cast<Index>(k));
      // Neighbouring instantiations of one template are one call (shown_calls' rule).
      const auto shown = shown_calls(p, frames, detail);
      for (std::size_t j = shown.size(); j-- > 0;) {
        const Frame& f = frames[shown[j]];
        if (f.function == 0 && f.module == 0 && f.address == 0) continue;
        const std::uint64_t key = f.function != 0 ? f.function : (f.address | (1ull << 63));
        Index id = by_frame.find(key);
        if (id == kNoIndex) {
          std::string name = shown_frame_name(p, f, detail);
          auto [it, added] = by_name.emplace(std::move(name), static_cast<FunctionId>(names_.size()));
          if (added) names_.push_back(it->first);
          id = it->second;
          by_frame.emplace(key, id);
        }
        folded.push_back(id);
      }
    }
    folded_offsets.push_back(static_cast<std::uint32_t>(folded.size()));
    folded_source.push_back(k);
  }

  // 3. Sort the folded stacks root-first and merge equal ones.
  const std::size_t n = folded_source.size();
  const auto seq = [&](std::size_t i) {
    return std::span<const FunctionId>(folded).subspan(folded_offsets[i], folded_offsets[i + 1] - folded_offsets[i]);
  };
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto x = seq(a), y = seq(b);
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  frames_.reserve(folded.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = seq(order[i]);
    const std::size_t src = folded_source[order[i]];
    if (!counts_.empty()) {
      const auto last = std::span<const FunctionId>(frames_).subspan(offsets_[counts_.size() - 1]);
      if (std::equal(last.begin(), last.end(), s.begin(), s.end())) {
        counts_.back() += per_stack[src];
        sampled_.back() += sampled_per_stack[src];
        continue;
      }
    }
    frames_.insert(frames_.end(), s.begin(), s.end());
    offsets_.push_back(static_cast<std::uint32_t>(frames_.size()));
    counts_.push_back(per_stack[src]);
    sampled_.push_back(sampled_per_stack[src]);
  }
  index();
}

void AllocationStacks::index() {
  const auto n = static_cast<std::uint32_t>(counts_.size());
  bottom_up_.resize(n);
  std::iota(bottom_up_.begin(), bottom_up_.end(), 0u);
  std::sort(bottom_up_.begin(), bottom_up_.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto x = std::span<const FunctionId>(frames_).subspan(offsets_[a], length(a));
    const auto y = std::span<const FunctionId>(frames_).subspan(offsets_[b], length(b));
    return std::lexicographical_compare(x.rbegin(), x.rend(), y.rbegin(), y.rend());
  });
  prefix_top_down_.assign(n + 1, SampleCounts{});
  prefix_bottom_up_.assign(n + 1, SampleCounts{});
  sampled_top_down_.assign(n + 1, 0);
  sampled_bottom_up_.assign(n + 1, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    prefix_top_down_[i + 1] = prefix_top_down_[i];
    prefix_top_down_[i + 1] += counts_[i];
    prefix_bottom_up_[i + 1] = prefix_bottom_up_[i];
    prefix_bottom_up_[i + 1] += counts_[bottom_up_[i]];
    sampled_top_down_[i + 1] = sampled_top_down_[i] + sampled_[i];
    sampled_bottom_up_[i + 1] = sampled_bottom_up_[i] + sampled_[bottom_up_[i]];
  }
}

SampleCounts AllocationStacks::total() const noexcept {
  return prefix_top_down_.empty() ? SampleCounts{} : prefix_top_down_.back();
}

SampleCounts AllocationStacks::range_sum(AllocView view, std::uint32_t begin, std::uint32_t end) const noexcept {
  const auto& prefix = view == AllocView::TopDown ? prefix_top_down_ : prefix_bottom_up_;
  return prefix[end] - prefix[begin];
}

std::uint64_t AllocationStacks::range_sampled(AllocView view, std::uint32_t begin, std::uint32_t end) const noexcept {
  const auto& prefix = view == AllocView::TopDown ? sampled_top_down_ : sampled_bottom_up_;
  return prefix[end] - prefix[begin];
}

AllocNode AllocationStacks::root(AllocView view) const noexcept {
  AllocNode r;
  const auto n = static_cast<std::uint32_t>(counts_.size());
  r.ref = {0, n, 0};
  if (n == 0) return r;
  r.total = range_sum(view, 0, n);
  r.sampled_objects = range_sampled(view, 0, n);
  for (std::uint32_t i = 0; i < n && length(at(view, i)) == 0; ++i) r.self += counts_[at(view, i)];
  // Stacks with no frame sort first in both orders: the last one tells.
  r.has_children = length(at(view, n - 1)) > 0;
  return r;
}

namespace {

/// Largest first; ties by function id (the order functions were first met), so equal rows
/// keep one order without comparing names.
void sort_rows(std::vector<AllocNode>& rows, AllocMeasure order) {
  std::sort(rows.begin(), rows.end(), [&](const AllocNode& a, const AllocNode& b) {
    if (bytes_of(a.total, order) != bytes_of(b.total, order)) return bytes_of(a.total, order) > bytes_of(b.total, order);
    if (objects_of(a.total, order) != objects_of(b.total, order))
      return objects_of(a.total, order) > objects_of(b.total, order);
    return a.function < b.function;
  });
}

}  // namespace

std::vector<AllocNode> AllocationStacks::children(AllocView view, const AllocNodeRef& node, AllocMeasure order) const {
  std::vector<AllocNode> out;
  const std::uint32_t d = node.depth;
  const auto n = static_cast<std::uint32_t>(counts_.size());
  const std::uint32_t end = std::min(node.end, n);
  // The first position in [from, limit) where `before` stops holding; `before` holds on a
  // prefix of the range (the stacks are sorted), so a galloping search finds it in
  // O(log) of the distance: a node's children cost their number, not its stacks.
  const auto first_not = [&](std::uint32_t from, std::uint32_t limit, auto before) {
    std::uint32_t lo = from, step = 1;
    while (lo < limit && before(lo)) {  // [from, lo] all hold; gallop
      const std::uint32_t probe = lo + step < limit ? lo + step : limit;
      if (probe == limit || !before(probe)) {
        std::uint32_t hi = probe;  // before(lo) holds, before(hi) does not (or hi == limit)
        while (hi - lo > 1) {
          const std::uint32_t mid = lo + (hi - lo) / 2;
          (before(mid) ? lo : hi) = mid;
        }
        return hi;
      }
      lo = probe;
      step *= 2;
    }
    return lo;
  };
  // Stacks ending at this node sort first in its range: they are its self.
  std::uint32_t i = first_not(std::min(node.begin, end), end, [&](std::uint32_t k) { return length(at(view, k)) <= d; });
  while (i < end) {
    const FunctionId f = frame(view, at(view, i), d);
    const std::uint32_t run_end = first_not(i, end, [&](std::uint32_t k) { return frame(view, at(view, k), d) == f; });
    AllocNode child;
    child.function = f;
    child.ref = {i, run_end, d + 1};
    child.total = range_sum(view, i, run_end);
    child.sampled_objects = range_sampled(view, i, run_end);
    // Self is what this function allocated itself: it is the leaf of the stack. Bottom-up
    // at depth 0 every stack's leaf is the child; top-down, the stacks ending at the child
    // sort first in its run.
    if (view == AllocView::BottomUp) {
      if (d == 0) child.self = child.total;
    } else {
      const std::uint32_t leaves_end = first_not(i, run_end, [&](std::uint32_t k) { return length(at(view, k)) == d + 1; });
      child.self = range_sum(view, i, leaves_end);
    }
    // Longer stacks sort after the ones ending here: the last one tells.
    child.has_children = length(at(view, run_end - 1)) > d + 1;
    out.push_back(child);
    i = run_end;
  }
  sort_rows(out, order);
  return out;
}

std::vector<AllocNode> AllocationStacks::functions(AllocMeasure order) const {
  std::vector<AllocNode> rows(names_.size());
  std::vector<std::uint32_t> last_seen(names_.size(), ~0u);
  for (std::uint32_t s = 0; s < counts_.size(); ++s) {
    const std::uint32_t len = length(s);
    for (std::uint32_t k = 0; k < len; ++k) {
      const FunctionId f = frames_[offsets_[s] + k];
      if (last_seen[f] == s) continue;  // recursion: a stack counts once per function
      last_seen[f] = s;
      rows[f].total += counts_[s];
      rows[f].sampled_objects += sampled_[s];
    }
    if (len > 0) rows[frames_[offsets_[s] + len - 1]].self += counts_[s];
  }
  std::vector<AllocNode> out;
  out.reserve(rows.size());
  for (FunctionId f = 0; f < rows.size(); ++f) {
    if (last_seen[f] == ~0u) continue;  // only in stacks filtered out
    rows[f].function = f;
    out.push_back(rows[f]);
  }
  sort_rows(out, order);
  return out;
}

CallerCallee AllocationStacks::caller_callee(FunctionId function, AllocMeasure order) const {
  CallerCallee out;
  out.function.function = function;
  std::vector<Index> caller_row(names_.size(), kNoIndex), callee_row(names_.size(), kNoIndex);
  std::vector<std::uint32_t> caller_seen(names_.size(), ~0u), callee_seen(names_.size(), ~0u);
  const auto add = [&](std::vector<AllocNode>& rows, std::vector<Index>& row_of, std::vector<std::uint32_t>& seen,
                       FunctionId g, std::uint32_t s, bool g_is_leaf) {
    if (seen[g] == s) return;  // one stack counts once per edge, however often it recurses
    seen[g] = s;
    if (row_of[g] == kNoIndex) {
      row_of[g] = static_cast<Index>(rows.size());
      rows.push_back(AllocNode{});
      rows.back().function = g;
    }
    AllocNode& r = rows[row_of[g]];
    r.total += counts_[s];
    r.sampled_objects += sampled_[s];
    if (g_is_leaf) r.self += counts_[s];
  };
  for (std::uint32_t s = 0; s < counts_.size(); ++s) {
    const std::uint32_t len = length(s);
    const FunctionId* fr = frames_.data() + offsets_[s];
    bool through = false;
    for (std::uint32_t k = 0; k < len; ++k) {
      if (fr[k] != function) continue;
      through = true;
      if (k > 0) add(out.callers, caller_row, caller_seen, fr[k - 1], s, false);
      if (k + 1 < len) add(out.callees, callee_row, callee_seen, fr[k + 1], s, k + 2 == len);
    }
    if (!through) continue;
    out.function.total += counts_[s];
    out.function.sampled_objects += sampled_[s];
    if (fr[len - 1] == function) out.function.self += counts_[s];
  }
  sort_rows(out.callers, order);
  sort_rows(out.callees, order);
  return out;
}

std::vector<FunctionId> AllocationStacks::find(std::string_view needle) const {
  std::vector<FunctionId> out;
  for (FunctionId f = 0; f < names_.size(); ++f)
    if (contains_nocase(names_[f], needle)) out.push_back(f);
  return out;
}

AllocationStacks AllocationStacks::filtered(std::string_view needle) const {
  if (needle.empty()) return *this;
  std::vector<bool> match(names_.size(), false);
  for (const FunctionId f : find(needle)) match[f] = true;
  AllocationStacks out;
  out.detail_ = detail_;
  out.interval_ = interval_;
  out.names_ = names_;
  for (std::uint32_t s = 0; s < counts_.size(); ++s) {
    const auto frames = std::span<const FunctionId>(frames_).subspan(offsets_[s], length(s));
    if (std::none_of(frames.begin(), frames.end(), [&](FunctionId f) { return match[f]; })) continue;
    // Kept stacks stay in top-down order; index() sorts them bottom-up again.
    out.frames_.insert(out.frames_.end(), frames.begin(), frames.end());
    out.offsets_.push_back(static_cast<std::uint32_t>(out.frames_.size()));
    out.counts_.push_back(counts_[s]);
    out.sampled_.push_back(sampled_[s]);
  }
  out.index();
  return out;
}

Estimate AllocationStacks::estimate(const AllocNode& node, AllocMeasure measure) const noexcept {
  const auto value = static_cast<double>(bytes_of(node.total, measure));
  if (!estimated() || node.sampled_objects == 0) return Estimate{value, value, value, !estimated()};
  // The figure is k sampled objects scaled up; its range is Poisson's on k, scaled alike.
  const Estimate k = poisson_range(node.sampled_objects);
  const double scale = value / static_cast<double>(node.sampled_objects);
  return Estimate{value, k.low * scale, k.high * scale, false};
}

std::string_view estimate_mark(const AllocationStacks& stacks) noexcept { return stacks.estimated() ? "≈" : ""; }

}  // namespace ctxheap::analyzer
