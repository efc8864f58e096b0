// What the reports show when there is too much to show: the top parents, the top
// creation sites, a pruned context tree, and stable text keys for matching sites across
// runs. Every writer (and the GUI's export) selects through these, so outputs agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ctxheap/analyzer/analysis.hpp"

namespace ctxheap::report {

/// Retention parents ranked by subtree in-use bytes, largest first: contexts holding
/// registered children, and other contexts with forest children except Background and
/// TODO (which hold no children set and retain nothing). At most n (0 = all).
std::vector<analyzer::Index> top_parents(const analyzer::Analysis& analysis, std::size_t n);

/// Creation sites ranked by their contexts' own in-use bytes, then by context count,
/// leaving out sites whose contexts allocated nothing and hold no stale entry (Background,
/// TODO). At most n (0 = all).
std::vector<analyzer::Index> top_sites(const analyzer::Analysis& analysis, std::size_t n);

/// How many parents and sites top_parents and top_sites rank (before the cut).
std::size_t parent_count(const analyzer::Analysis& analysis);
std::size_t site_count(const analyzer::Analysis& analysis);

/// One row of the pruned context tree, in depth-first order.
struct TreeRow {
  /// The context shown, or kNoIndex for a row summing the children not shown.
  analyzer::Index context = analyzer::kNoIndex;
  std::uint32_t depth = 0;
  /// For a summary row: how many children (and contexts in their subtrees) it stands for.
  std::uint64_t hidden_children = 0;
  std::uint64_t hidden_contexts = 0;
  std::uint64_t hidden_stale = 0;  ///< stale entries among the hidden children
  analyzer::Counters hidden_subtree{};
};

/// Roots, then each node's children by subtree in-use bytes — for a stale entry, what
/// cancelling it frees when that is more — (largest first, at most
/// max_children, the rest as one summary row after them), depth first. A node at depth
/// max_depth - 1 gets one summary row for all its children instead (so a chain of any
/// depth costs max_depth rows, walked without recursion). After max_rows context rows it
/// stops; one last summary row at depth 0 then counts the contexts not shown
/// (hidden_contexts only). 0 for a limit: no limit.
std::vector<TreeRow> select_tree(const analyzer::Analysis& analysis, std::size_t max_rows, std::size_t max_children,
                                 std::size_t max_depth = 0);

/// A creation site's key that is stable across runs and builds: "function@file"
/// (file name without directories, no line), "<background>"/"<todo>" for synthetic
/// sites, "module+0xoffset" for unsymbolized ones. Baselines store these.
std::string site_key(const analyzer::Profile& profile, const analyzer::CreationSite& site);

/// The key of the registrar's creation site of a stale group, "" when the registrar is
/// absent from the profile.
std::string registrar_site_key(const analyzer::Analysis& analysis, const analyzer::StaleGroup& group);

}  // namespace ctxheap::report
