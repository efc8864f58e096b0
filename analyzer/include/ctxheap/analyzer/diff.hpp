// Diff of two analysed profiles: before and after (a later snapshot of the same run, or a
// run after a fix).
//
// Same run (same program, pid and host, after not older than before): contexts match by
// id. Across runs: by creation-site path — the creation sites of the context's retention
// ancestors and its own, by site key (function + file name, no addresses, no lines), so
// new ids and shifted lines still match; an unmatched path or site falls back to its
// loose key (functions only) when exactly one candidate on each side has it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/progress.hpp"
#include "ctxheap/analyzer/retention.hpp"
#include "ctxheap/analyzer/run_identity.hpp"  // same_run: ById within one run

namespace ctxheap::analyzer {

struct Analysis;

enum class MatchMode : std::uint8_t { Auto, ById, ByCreationPath };
std::string_view to_string(MatchMode mode) noexcept;

struct DiffOptions {
  MatchMode match = MatchMode::Auto;
};

/// One side of a site or parent comparison.
struct SiteSide {
  Index site = kNoIndex;          ///< in that side's Analysis::sites; kNoIndex if absent
  std::uint64_t contexts = 0;
  std::uint64_t live = 0;
  std::uint64_t stale = 0;
  Counters self{};
  Retained stale_retained{};
};
/// A creation site present on either side.
struct SiteDelta {
  SiteSide before{};
  SiteSide after{};
};

struct ParentSide {
  Index context = kNoIndex;  ///< representative context in that side; kNoIndex if absent
  std::uint64_t contexts = 0;  ///< contexts merged under this key (1 when matched by id)
  std::uint64_t registered_children = 0;
  std::uint64_t stale_children = 0;
  Counters subtree{};
};
/// A parent (a context with registered children on either side) present on either side.
struct ParentDelta {
  ParentSide before{};
  ParentSide after{};
};

enum class GroupChange : std::uint8_t {
  Fixed,       ///< a stale group before, none after
  New,         ///< none before, a stale group after
  Persisting,  ///< on both sides
};
std::string_view to_string(GroupChange change) noexcept;

struct StaleGroupDelta {
  GroupChange change = GroupChange::Persisting;
  Index before = kNoIndex;  ///< in before's Analysis::stale_groups
  Index after = kNoIndex;   ///< in after's Analysis::stale_groups
  std::uint64_t entries_before = 0;
  std::uint64_t entries_after = 0;
  std::uint64_t retained_bytes_before = 0;
  std::uint64_t retained_bytes_after = 0;
  bool suspect_before = false;
  bool suspect_after = false;
  /// e.g. Fixed: the 20,000 stale children of #16 "server" created at handle_request(...)
  /// handler_leak.cpp:25 (86.7 MiB) are gone.
  std::string sentence{};
};

struct ProfileDiff {
  MatchMode mode = MatchMode::ById;  ///< the mode used (never Auto)
  /// Whether either side has contexts to match (a gperftools dump has none, nor a Go
  /// profile the recognizer found no contexts in): without, only allocation stacks compare.
  bool contexts = true;
  std::vector<SiteDelta> sites;      ///< by |Δ in-use bytes|, largest first
  std::vector<ParentDelta> parents;  ///< by |Δ subtree in-use bytes|, largest first
  std::vector<StaleGroupDelta> groups;  ///< fixed, then new, then persisting; by bytes
  Counters heap_before{}, heap_after{};  ///< contexts plus no-context
  std::uint64_t stale_before = 0, stale_after = 0;
  std::uint64_t stale_retained_before = 0, stale_retained_after = 0;

  std::size_t count(GroupChange change) const noexcept;
};

/// The match rule the diff used, as every output says it: "contexts matched by id (same
/// run)", "contexts matched by creation path (different runs)", or, when neither side has
/// contexts, "no contexts to match: allocation stacks compared by function".
std::string_view match_rule_text(const ProfileDiff& diff) noexcept;

/// A site delta's label, each run with its own line: the after side's site, and when the
/// before side's differs (lines shift between builds) "(before: ...)" after it.
std::string describe_site_delta(const Analysis& before, const Analysis& after, const SiteDelta& delta);

/// Both analyses (and their profiles) must outlive the result. Throws Cancelled.
ProfileDiff diff(const Analysis& before, const Analysis& after, const DiffOptions& options = {},
                 const RunControl& control = {});

}  // namespace ctxheap::analyzer
