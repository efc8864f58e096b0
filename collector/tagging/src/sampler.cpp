#include "sampler.hpp"

#include <cmath>
#include <cstdlib>
#include <mutex>

#include "ctxheap/stacks/stack_walk.hpp"

namespace ctxheap::collector {
namespace {

constexpr std::size_t kFrameCapacity = std::size_t{1} << 24;
constexpr std::uint32_t kStackCapacity = 1u << 20;
constexpr std::uint32_t kStackIndexSize = 1u << 21;
constexpr std::uint32_t kSiteCapacity = 1u << 20;
constexpr std::uint32_t kSiteIndexSize = 1u << 21;
constexpr std::uint32_t kLiveIndexSize = 1u << 22;
constexpr std::uint32_t kLiveInitialSize = 1u << 12;

template <class T>
T* reserve_array(std::size_t n) noexcept {
  return static_cast<T*>(reserve_zeroed(n * sizeof(T)));
}

std::uint64_t hash_frames(const std::uintptr_t* frames, int depth) noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ static_cast<std::uint64_t>(depth);
  for (int i = 0; i < depth; ++i) h = mix64(h ^ frames[i]);
  return h;
}

/// The interval from the first allocation on: CTXHEAP_SAMPLE when it is a number, else
/// tcmalloc's 512 KiB. The hooks go in before configure() sets the interval, and a thread
/// that allocates in between draws its first gap at this interval and keeps it until the
/// gap runs out; at the default, CTXHEAP_SAMPLE=1 would miss up to ~512 KiB of
/// allocations per thread ("every allocation" recorded 27 of 201).
std::uint64_t initial_interval() noexcept {
  constexpr std::uint64_t kDefault = 512 * 1024;
  const char* text = std::getenv("CTXHEAP_SAMPLE");
  if (text == nullptr || *text == '\0') return kDefault;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  return end != nullptr && *end == '\0' && text[0] != '-' ? static_cast<std::uint64_t>(v) : kDefault;
}

// The collector's malloc/operator new entry points (interposer.cpp) are in one section;
// the linker defines its bounds (absent in sanitizer builds, which have no entry points).
extern "C" [[gnu::weak, gnu::visibility("hidden")]] char __start_ctxheap_entry_points[];
extern "C" [[gnu::weak, gnu::visibility("hidden")]] char __stop_ctxheap_entry_points[];

bool in_entry_points(const void* ip) noexcept {
  const char* p = static_cast<const char*>(ip);
  return __start_ctxheap_entry_points != nullptr && p >= __start_ctxheap_entry_points &&
         p < __stop_ctxheap_entry_points;
}

}  // namespace

Sampler::Sampler() noexcept
    : interval_(initial_interval()),
      frames_(reserve_array<std::uintptr_t>(kFrameCapacity)),
      stack_refs_(reserve_array<StackRef>(kStackCapacity)),
      stack_index_(reserve_array<std::uint32_t>(kStackIndexSize)),
      sites_(reserve_array<Site>(kSiteCapacity)),
      site_index_(reserve_array<std::uint32_t>(kSiteIndexSize)),
      live_addr_(reserve_array<std::uintptr_t>(kLiveIndexSize)),
      live_site_(reserve_array<std::uint32_t>(kLiveIndexSize)),
      live_mask_(kLiveInitialSize - 1) {}

Sampler::~Sampler() {
  unreserve(frames_, kFrameCapacity * sizeof(std::uintptr_t));
  unreserve(stack_refs_, kStackCapacity * sizeof(StackRef));
  unreserve(stack_index_, kStackIndexSize * sizeof(std::uint32_t));
  unreserve(sites_, kSiteCapacity * sizeof(Site));
  unreserve(site_index_, kSiteIndexSize * sizeof(std::uint32_t));
  unreserve(live_addr_, kLiveIndexSize * sizeof(std::uintptr_t));
  unreserve(live_site_, kLiveIndexSize * sizeof(std::uint32_t));
}

// Exponentially distributed gaps give a Poisson process over bytes, so every byte has the
// same chance of being sampled and large blocks are never systematically missed.
std::int64_t Sampler::next_gap(std::uint64_t& s) const noexcept {
  const std::uint64_t mean = interval();
  if (mean == 0) return INT64_MAX;
  if (mean == 1) return 0;
  if (s == 0) s = 0x853c49e6748fea9bULL ^ reinterpret_cast<std::uintptr_t>(&s);
  s ^= s << 13;  // xorshift64
  s ^= s >> 7;
  s ^= s << 17;
  const double u = (static_cast<double>(s >> 11) + 1.0) / 9007199254740993.0;  // (0, 1]
  return static_cast<std::int64_t>(-std::log(u) * static_cast<double>(mean));
}

std::uint32_t Sampler::intern_stack(const std::uintptr_t* frames, int depth) noexcept {
  const std::uint64_t h = hash_frames(frames, depth);
  for (std::uint32_t i = h & (kStackIndexSize - 1);; i = (i + 1) & (kStackIndexSize - 1)) {
    const std::uint32_t e = stack_index_[i];
    if (e == 0) {
      if (stack_count_ == kStackCapacity || frames_used_ + depth > kFrameCapacity || !frames_) return ~0u;
      const std::uint32_t id = stack_count_++;
      stack_refs_[id] = {h, static_cast<std::uint32_t>(frames_used_), static_cast<std::uint32_t>(depth)};
      for (int f = 0; f < depth; ++f) frames_[frames_used_ + f] = frames[f];
      frames_used_ += depth;
      stack_index_[i] = id + 1;
      return id;
    }
    const StackRef& r = stack_refs_[e - 1];
    if (r.hash == h && r.depth == static_cast<std::uint32_t>(depth)) {
      bool same = true;
      for (int f = 0; f < depth && same; ++f) same = frames_[r.offset + f] == frames[f];
      if (same) return e - 1;
    }
  }
}

std::uint32_t Sampler::site_for(ContextId ctx, std::uint32_t stack) noexcept {
  const std::uint64_t h = mix64(ctx * 0x9e3779b97f4a7c15ULL ^ stack);
  for (std::uint32_t i = h & (kSiteIndexSize - 1);; i = (i + 1) & (kSiteIndexSize - 1)) {
    const std::uint32_t e = site_index_[i];
    if (e == 0) {
      if (site_count_ == kSiteCapacity) return ~0u;
      const std::uint32_t id = site_count_++;
      sites_[id] = Site{ctx, stack, 0, 0, 0, 0};
      site_index_[i] = id + 1;
      return id;
    }
    if (sites_[e - 1].context == ctx && sites_[e - 1].stack == stack) return e - 1;
  }
}

void Sampler::record_alloc(ContextId ctx, std::uintptr_t address, std::uint64_t size, int skip) noexcept {
  void* raw[kMaxFrames + 16];
  const int n = stacks::capture_stack(raw, kMaxFrames + skip + 2);
  std::uintptr_t frames[kMaxFrames];
  int depth = 0;
  // An entry point that only forwarded to tcmalloc (hook dispatch) may sit between the
  // hook's frames and the user's call: its frame is dropped too.
  while (skip < n && in_entry_points(raw[skip])) ++skip;
  for (int i = skip; i < n && depth < kMaxFrames; ++i) frames[depth++] = reinterpret_cast<std::uintptr_t>(raw[i]);
  std::lock_guard lock(lock_);
  if (!sites_ || !live_addr_) return;
  const std::uint32_t stack = intern_stack(frames, depth);
  if (stack == ~0u) return;
  const std::uint32_t site = site_for(ctx, stack);
  if (site == ~0u) return;
  Site& s = sites_[site];
  ++s.alloc_objects;
  s.alloc_bytes += size;
  // Remember the block so its free reaches the same site (linear probing).
  if ((live_count_ + 1) * 2 > live_mask_ + 1 && !grow_live() && live_count_ == live_mask_) return;
  for (std::uint32_t i = mix64(address) & live_mask_;; i = (i + 1) & live_mask_) {
    if (live_addr_[i] == 0) {
      live_addr_[i] = address;
      live_site_[i] = site + 1;
      ++live_count_;
      return;
    }
  }
}

// Doubles the live-block index into fresh arrays (rare: log2 of the peak live samples).
bool Sampler::grow_live() noexcept {
  const std::uint32_t capacity = live_mask_ + 1;
  if (capacity >= kLiveIndexSize) return false;
  auto* addr = reserve_array<std::uintptr_t>(kLiveIndexSize);
  auto* site = reserve_array<std::uint32_t>(kLiveIndexSize);
  if (!addr || !site) {
    unreserve(addr, kLiveIndexSize * sizeof(std::uintptr_t));
    unreserve(site, kLiveIndexSize * sizeof(std::uint32_t));
    return false;
  }
  const std::uint32_t mask = capacity * 2 - 1;
  for (std::uint32_t j = 0; j < capacity; ++j) {
    if (live_addr_[j] == 0) continue;
    std::uint32_t i = mix64(live_addr_[j]) & mask;
    while (addr[i] != 0) i = (i + 1) & mask;
    addr[i] = live_addr_[j];
    site[i] = live_site_[j];
  }
  unreserve(live_addr_, kLiveIndexSize * sizeof(std::uintptr_t));
  unreserve(live_site_, kLiveIndexSize * sizeof(std::uint32_t));
  live_addr_ = addr;
  live_site_ = site;
  live_mask_ = mask;
  return true;
}

void Sampler::record_free(std::uintptr_t address, std::uint64_t size) noexcept {
  std::lock_guard lock(lock_);
  if (!live_addr_) return;
  const std::uint32_t mask = live_mask_;
  std::uint32_t i = mix64(address) & mask;
  for (std::uint32_t probes = 0;; i = (i + 1) & mask, ++probes) {
    if (live_addr_[i] == 0 || probes > mask) return;
    if (live_addr_[i] == address) break;
  }
  Site& s = sites_[live_site_[i] - 1];
  ++s.free_objects;
  s.free_bytes += size;
  // Backward-shift deletion keeps probe sequences intact without tombstones.
  for (std::uint32_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    if (live_addr_[j] == 0) break;
    const std::uint32_t home = mix64(live_addr_[j]) & mask;
    const bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      live_addr_[i] = live_addr_[j];
      live_site_[i] = live_site_[j];
      i = j;
    }
  }
  live_addr_[i] = 0;
  live_site_[i] = 0;
  --live_count_;
}

std::vector<SiteValues> Sampler::sites() const {
  std::vector<Site> copy;
  {
    std::lock_guard lock(lock_);
    copy.assign(sites_, sites_ + site_count_);
  }
  std::vector<SiteValues> out;
  out.reserve(copy.size());
  for (const Site& s : copy)
    out.push_back({s.context, s.stack, s.alloc_objects, s.alloc_bytes, s.free_objects, s.free_bytes});
  return out;
}

std::vector<std::vector<std::uintptr_t>> Sampler::stacks() const {
  std::lock_guard lock(lock_);
  std::vector<std::vector<std::uintptr_t>> out(stack_count_);
  for (std::uint32_t i = 0; i < stack_count_; ++i)
    out[i].assign(frames_ + stack_refs_[i].offset, frames_ + stack_refs_[i].offset + stack_refs_[i].depth);
  return out;
}

void Sampler::lock_all() noexcept { lock_.lock(); }
void Sampler::unlock_all() noexcept { lock_.unlock(); }

}  // namespace ctxheap::collector
