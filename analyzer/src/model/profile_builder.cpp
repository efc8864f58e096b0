#include "ctxheap/analyzer/profile_builder.hpp"

#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ctxheap/analyzer/estimate.hpp"
#include "model/hash.hpp"

namespace ctxheap::analyzer {

class ProfileBuilder::Impl {
 public:
  Profile profile;
  std::unordered_map<std::string, StringId> interned;  // lazily covers [0, indexed)
  std::size_t indexed = 0;
  std::unordered_multimap<std::uint64_t, Index> stacks_by_hash;

  void index_new_strings() {
    for (; indexed < profile.strings.size(); ++indexed)
      interned.emplace(std::string(profile.strings[static_cast<StringId>(indexed)]), static_cast<StringId>(indexed));
  }

  static std::uint64_t hash_frames(std::span<const Frame> frames) {
    std::uint64_t h = detail::kHashSeed;
    for (const Frame& f : frames) {
      h = detail::hash_combine(h, f.address);
      h = detail::hash_combine(h, (std::uint64_t{f.function} << 32) | f.file);
      h = detail::hash_combine(h, (std::uint64_t{f.line} << 32) | f.module);
      h = detail::hash_combine(h, f.module_offset * 2 + (f.inlined ? 1 : 0));
    }
    return detail::hash_combine(h, frames.size());
  }

  bool same_frames(Index stack, std::span<const Frame> frames) const {
    const auto existing = profile.stack_frames(stack);
    if (existing.size() != frames.size()) return false;
    for (std::size_t i = 0; i < frames.size(); ++i)
      if (!(existing[i] == frames[i])) return false;
    return true;
  }
};

ProfileBuilder::ProfileBuilder() : impl_(std::make_unique<Impl>()) {}
ProfileBuilder::~ProfileBuilder() = default;
ProfileBuilder::ProfileBuilder(ProfileBuilder&&) noexcept = default;
ProfileBuilder& ProfileBuilder::operator=(ProfileBuilder&&) noexcept = default;

ProfileMeta& ProfileBuilder::meta() noexcept { return impl_->profile.meta; }
Totals& ProfileBuilder::totals() noexcept { return impl_->profile.totals; }

StringId ProfileBuilder::intern(std::string_view text) {
  if (text.empty()) return 0;
  impl_->index_new_strings();
  if (auto it = impl_->interned.find(std::string(text)); it != impl_->interned.end()) return it->second;
  const StringId id = impl_->profile.strings.add(std::string(text));
  impl_->interned.emplace(std::string(text), id);
  impl_->indexed = impl_->profile.strings.size();
  return id;
}

StringId ProfileBuilder::append_strings(std::span<const std::string> strings) {
  const auto first = static_cast<StringId>(impl_->profile.strings.size());
  for (const std::string& s : strings) impl_->profile.strings.add(s);
  return first;
}

Index ProfileBuilder::add_stack(std::span<const Frame> frames) {
  const std::uint64_t h = Impl::hash_frames(frames);
  auto [begin, end] = impl_->stacks_by_hash.equal_range(h);
  for (auto it = begin; it != end; ++it)
    if (impl_->same_frames(it->second, frames)) return it->second;
  Profile& p = impl_->profile;
  const auto index = static_cast<Index>(p.stacks.size());
  p.stacks.push_back({static_cast<std::uint32_t>(p.frames.size()), static_cast<std::uint32_t>(frames.size())});
  p.frames.insert(p.frames.end(), frames.begin(), frames.end());
  impl_->stacks_by_hash.emplace(h, index);
  return index;
}

Index ProfileBuilder::add_stack(std::span<const FrameText> frames) {
  std::vector<Frame> converted;
  converted.reserve(frames.size());
  for (const FrameText& t : frames)
    converted.push_back({t.address, intern(t.function), intern(t.file), t.line, intern(t.module), t.module_offset, t.inlined});
  return add_stack(std::span<const Frame>(converted));
}

Index ProfileBuilder::add_context(const Context& context) {
  impl_->profile.contexts.push_back(context);
  return static_cast<Index>(impl_->profile.contexts.size() - 1);
}

void ProfileBuilder::add_site(const Site& site) { impl_->profile.sites.push_back(site); }

void ProfileBuilder::reserve_contexts(std::size_t count) { impl_->profile.contexts.reserve(count); }

std::size_t ProfileBuilder::context_count() const noexcept { return impl_->profile.contexts.size(); }

namespace {

Counters from_estimate(const SampleCounts& e) {
  Counters c;
  c.alloc_objects = e.alloc_objects;
  c.alloc_bytes = e.alloc_bytes;
  c.freed_objects = e.alloc_objects >= e.inuse_objects ? e.alloc_objects - e.inuse_objects : 0;
  c.freed_bytes = e.alloc_bytes >= e.inuse_bytes ? e.alloc_bytes - e.inuse_bytes : 0;
  return c;
}

bool has_exact_counters(const Profile& p) {
  for (const Context& c : p.contexts)
    if (c.counters.alloc_objects != 0 || c.counters.freed_objects != 0) return true;
  return false;
}

/// Scales each exact-counted context's sites so their estimates never add up to more than
/// its counters (estimate.hpp, reconcile_with_exact): a site of a context that allocated
/// 264 KB in 1,000 objects never claims 1.0 MiB in 3,856.
void reconcile_sites_with_counters(Profile& p) {
  std::unordered_map<ContextId, Index> by_id;
  by_id.reserve(p.contexts.size());
  for (Index i = 0; i < p.contexts.size(); ++i) by_id.emplace(p.contexts[i].id, i);
  std::unordered_map<ContextId, std::vector<Index>> sites_of;
  std::vector<Index> no_context_sites;
  for (Index s = 0; s < p.sites.size(); ++s) {
    if (p.sites[s].context_id == 0) no_context_sites.push_back(s);
    else if (by_id.count(p.sites[s].context_id) != 0) sites_of[p.sites[s].context_id].push_back(s);
  }
  std::vector<Estimate> parts;
  const auto reconcile = [&](const std::vector<Index>& sites, std::uint64_t SampleCounts::*field, std::uint64_t exact) {
    parts.clear();
    for (Index s : sites) parts.push_back(Estimate::counted(static_cast<double>(p.sites[s].estimated.*field)));
    if (reconcile_with_exact(parts, static_cast<double>(exact)) >= 1.0) return;
    for (std::size_t k = 0; k < sites.size(); ++k)
      p.sites[sites[k]].estimated.*field = static_cast<std::uint64_t>(std::llround(parts[k].value));
  };
  const auto reconcile_all = [&](const std::vector<Index>& sites, const Counters& c) {
    reconcile(sites, &SampleCounts::alloc_objects, c.alloc_objects);
    reconcile(sites, &SampleCounts::alloc_bytes, c.alloc_bytes);
    reconcile(sites, &SampleCounts::inuse_objects, c.inuse_objects());
    reconcile(sites, &SampleCounts::inuse_bytes, c.inuse_bytes());
  };
  for (const auto& [id, sites] : sites_of) reconcile_all(sites, p.contexts[by_id[id]].counters);
  // The no-context bucket is counted exactly too (when the input counted it).
  if (p.totals.no_context != Counters{}) reconcile_all(no_context_sites, p.totals.no_context);
}

}  // namespace

Profile ProfileBuilder::finish() && {
  Profile p = std::move(impl_->profile);
  impl_.reset();
  bool context_sites = false;
  for (const Site& s : p.sites)
    if (s.context_id != 0 && s.estimated.alloc_objects != 0) context_sites = true;
  if (has_exact_counters(p) || p.totals.no_context != Counters{}) reconcile_sites_with_counters(p);
  if (!has_exact_counters(p) && context_sites) {
    p.meta.counters = CounterSource::SampledEstimate;
    std::unordered_map<ContextId, Index> by_id;
    by_id.reserve(p.contexts.size());
    for (Index i = 0; i < p.contexts.size(); ++i) by_id.emplace(p.contexts[i].id, i);
    for (const Site& s : p.sites) {
      if (s.context_id == 0) continue;
      if (auto it = by_id.find(s.context_id); it != by_id.end()) p.contexts[it->second].counters += from_estimate(s.estimated);
    }
  }
  const bool no_context_empty = p.totals.no_context == Counters{};
  if (no_context_empty && (p.meta.counters == CounterSource::SampledEstimate || p.contexts.empty())) {
    for (const Site& s : p.sites)
      if (s.context_id == 0) p.totals.no_context += from_estimate(s.estimated);
  }
  return p;
}

}  // namespace ctxheap::analyzer
