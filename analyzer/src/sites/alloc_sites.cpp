// Allocation-site analysis (alloc_sites.hpp): per site, per call path, across a series,
// between two builds.
#include "ctxheap/analyzer/alloc_sites.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "ctxheap/analyzer/series.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer {
namespace {


std::string frame_name(const Profile& p, const Frame& f, FrameDetail detail = FrameDetail::All) {
  return shown_frame_name(p, f, detail);
}

SampleCounts& operator+=(SampleCounts& a, const SampleCounts& b) {
  a.alloc_objects += b.alloc_objects;
  a.alloc_bytes += b.alloc_bytes;
  a.inuse_objects += b.inuse_objects;
  a.inuse_bytes += b.inuse_bytes;
  return a;
}

}  // namespace

std::string symbol_path(const Profile& p, Index stack) {
  const auto frames = p.stack_frames(stack);
  std::string out;
  for (std::size_t i = frames.size(); i-- > 0;) {
    if (!out.empty()) out += ';';
    out += frame_name(p, frames[i]);
  }
  return out;
}

std::vector<AllocSite> allocation_sites(const Profile& p) {
  std::vector<AllocSite> out;
  std::unordered_map<std::uint64_t, Index> by_key;
  std::vector<std::uint64_t> weight;
  for (const Site& s : p.sites) {
    const auto frames = p.stack_frames(s.stack);
    const Index at = site_frame(p, frames);
    Frame f{};
    if (at != kNoIndex) f = frames[at];
    std::uint64_t key = detail::hash_combine(detail::kHashSeed, f.function);
    if (f.function != 0) {
      key = detail::hash_combine(key, (std::uint64_t{f.file} << 32) | f.line);
    } else {
      key = detail::hash_combine(detail::hash_combine(key, f.module), f.module_offset);
    }
    auto [it, added] = by_key.emplace(key, static_cast<Index>(out.size()));
    if (added) {
      out.push_back({f.function, f.file, f.line, f.module, f.module_offset, s.stack, 0, {}});
      weight.push_back(0);
    }
    AllocSite& site = out[it->second];
    ++site.stacks;
    site.totals += s.estimated;
    if (s.estimated.inuse_bytes + s.estimated.alloc_bytes >= weight[it->second]) {
      weight[it->second] = s.estimated.inuse_bytes + s.estimated.alloc_bytes;
      site.stack = s.stack;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const AllocSite& a, const AllocSite& b) {
    if (a.totals.inuse_bytes != b.totals.inuse_bytes) return a.totals.inuse_bytes > b.totals.inuse_bytes;
    return a.totals.alloc_bytes > b.totals.alloc_bytes;
  });
  return out;
}

std::string describe_alloc_site(const Profile& p, const AllocSite& s) {
  if (s.function == 0) {
    const std::string_view module = file_basename(p.str(s.module));
    return module.empty() ? std::string("an unknown site") : module_offset_name(module, s.module_offset);
  }
  std::string out(p.str(s.function));
  const std::string_view file = file_basename(p.str(s.file));
  if (!file.empty()) out += " " + std::string(file) + (s.line != 0 ? ":" + std::to_string(s.line) : "");
  return out;
}

std::vector<CallTreeNode> call_tree(const Profile& p, std::size_t max_nodes, FrameDetail detail) {
  std::vector<CallTreeNode> nodes(1);
  std::unordered_map<std::uint64_t, Index> children;  // (parent, shown name) -> node
  // A node is a function as shown (two instantiations shortened alike are one node, as in
  // AllocationStacks): each frame's shown name, interned once per frame.
  std::unordered_map<std::uint64_t, Index> name_of_frame;
  std::unordered_map<std::string, Index> name_ids;
  for (const Site& s : p.sites) {
    const auto frames = p.stack_frames(s.stack);
    const auto shown = shown_calls(p, frames, detail);
    Index at = 0;
    nodes[0].cumulative += s.estimated;
    for (std::size_t k = shown.size(); k-- > 0;) {
      const std::size_t i = shown[k];
      if (frames[i].function == 0 && frames[i].module == 0 && frames[i].address == 0) continue;
      // Unsymbolized frames are told apart by address.
      const std::uint64_t fkey = frames[i].function != 0 ? frames[i].function : (frames[i].address | (1ull << 63));
      auto named = name_of_frame.find(fkey);
      if (named == name_of_frame.end()) {
        const auto id = name_ids.emplace(frame_name(p, frames[i], detail), static_cast<Index>(name_ids.size())).first->second;
        named = name_of_frame.emplace(fkey, id).first;
      }
      const std::uint64_t key = detail::hash_combine(detail::hash_combine(detail::kHashSeed, at), named->second);
      auto it = children.find(key);
      if (it == children.end()) {
        if (max_nodes != 0 && nodes.size() >= max_nodes) break;
        CallTreeNode n;
        n.function = frames[i].function;
        n.name = frame_name(p, frames[i], detail);
        n.parent = at;
        n.depth = nodes[at].depth + 1;
        nodes.push_back(n);
        it = children.emplace(key, static_cast<Index>(nodes.size() - 1)).first;
      }
      at = it->second;
      nodes[at].cumulative += s.estimated;
    }
    nodes[at].self += s.estimated;
  }
  return nodes;
}

std::vector<SiteGrowth> site_growth(const std::vector<const Profile*>& series, std::size_t top) {
  std::map<std::string, SiteGrowth> by_site;
  for (std::size_t k = 0; k < series.size(); ++k) {
    for (const AllocSite& s : allocation_sites(*series[k])) {
      SiteGrowth& g = by_site[describe_alloc_site(*series[k], s)];
      g.inuse_bytes.resize(series.size(), 0);
      g.inuse_bytes[k] += s.totals.inuse_bytes;
    }
  }
  std::vector<SiteGrowth> out;
  for (auto& [name, g] : by_site) {
    g.site = name;
    g.inuse_bytes.resize(series.size(), 0);
    const auto& v = g.inuse_bytes;
    if (v.size() >= 2) {
      const auto last = static_cast<std::int64_t>(v.back()), prev = static_cast<std::int64_t>(v[v.size() - 2]);
      g.last_delta_bytes = last - prev;
      std::vector<GrowthPoint> points(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        points[i].present = true;
        points[i].subtree_inuse_bytes = v[i];
      }
      g.trend = growth_verdict(points, GrowthOptions{}, series.back()->heap_inuse_bytes());
    }
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SiteGrowth& a, const SiteGrowth& b) { return a.inuse_bytes.back() > b.inuse_bytes.back(); });
  if (top != 0 && out.size() > top) out.resize(top);
  return out;
}

std::vector<StackDelta> diff_by_symbol_path(const Profile& before, const Profile& after, std::size_t top) {
  std::map<std::string, StackDelta> by_path;
  for (const Site& s : before.sites) by_path[symbol_path(before, s.stack)].before += s.estimated;
  for (const Site& s : after.sites) by_path[symbol_path(after, s.stack)].after += s.estimated;
  std::vector<StackDelta> out;
  out.reserve(by_path.size());
  for (auto& [path, d] : by_path) {
    d.path = path;
    out.push_back(std::move(d));
  }
  std::stable_sort(out.begin(), out.end(), [](const StackDelta& a, const StackDelta& b) {
    const auto bytes_a = std::llabs(a.delta_inuse_bytes()), bytes_b = std::llabs(b.delta_inuse_bytes());
    if (bytes_a != bytes_b) return bytes_a > bytes_b;
    return std::llabs(a.delta_inuse_objects()) > std::llabs(b.delta_inuse_objects());
  });
  if (top != 0 && out.size() > top) out.resize(top);
  return out;
}

}  // namespace ctxheap::analyzer
