// Creation sites: where in the user's code a context was created.
//
// The site of a stack is its first frame (innermost first) that is neither ctxheap's
// runtime nor the standard library nor the allocator (is_runtime_frame). Contexts
// created at the same function, file and line share a site. Across runs, sites match by
// key (function + file name without directories, ignoring addresses and lines) and,
// failing that, by loose key (function only).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/retention.hpp"

namespace ctxheap::analyzer {

/// Whether a frame belongs to ctxheap's runtime (namespace ctxheap::, files under
/// collector/context or collector/tagging), the C++ standard library (std::, __gnu_cxx::,
/// headers under .../c++/...), the allocator (tcmalloc, operator new/delete, malloc and
/// friends) or the C runtime's start-up (libc, ld.so, _start). Those never name a site.
bool is_runtime_frame(const Profile& profile, const Frame& frame) noexcept;

/// Index of the site frame in `frames` by the rule above; when every frame is runtime,
/// the innermost frame that has a function name (else frame 0); kNoIndex for an empty
/// stack.
Index site_frame(const Profile& profile, std::span<const Frame> frames) noexcept;

struct CreationSite {
  StringId function = 0;
  StringId file = 0;
  std::uint32_t line = 0;
  StringId module = 0;
  std::uint64_t module_offset = 0;
  /// A stack that has this site (for showing the full creation stack); kNoIndex for
  /// sites of contexts without a creation stack.
  Index stack = kNoIndex;
  /// For contexts without a creation stack, the site is named by kind and name
  /// (e.g. Background); then `function` is empty and this is set.
  bool synthetic = false;
  ContextKind synthetic_kind = ContextKind::Background;
  StringId synthetic_name = 0;
  std::uint64_t key = 0;        ///< function + file name: matches across runs
  std::uint64_t loose_key = 0;  ///< function only: the fallback match

  // Per-profile sums over the contexts created here.
  std::uint64_t contexts = 0;
  std::uint64_t live = 0;
  std::uint64_t registered = 0;
  std::uint64_t stale = 0;          ///< stale entries, as Summary::stale counts them (an inferred context: its count)
  Counters self{};                 ///< summed own counters
  Retained stale_retained{};       ///< summed retained size of its stale entries
};

/// "handle_request(ctxheap::Context const&, int) handler_leak.cpp:25" — function, file
/// name without directories and line; parts that are unknown are left out; an unknown
/// site (no function, no file) is "an unknown site"; a synthetic one "<background>".
std::string describe_site(const Profile& profile, const CreationSite& site);

/// The site table of a profile and the site of every context (kNoIndex never: contexts
/// without a creation stack get a synthetic site by kind and name). Sums are left zero;
/// the analysis fills them.
struct SiteTable {
  std::vector<CreationSite> sites;
  std::vector<Index> context_site;  ///< parallel to Profile::contexts
};
SiteTable build_site_table(const Profile& profile);

/// A file name without its directories ("/a/b/c.cpp" -> "c.cpp").
std::string_view file_basename(std::string_view path) noexcept;

}  // namespace ctxheap::analyzer
