// The retention forest: which context keeps which alive (docs/analysis.md).
//
// Nodes are the profile's contexts (node i is Profile::contexts[i]). A context registered
// in a cancelable ancestor's children set hangs under that registrar (edge Registered:
// the real retainer). A context registered nowhere (a value context, a child of
// Background, a cancelled child already removed) hangs under the context it was derived
// from (edge CreatedFrom). A context whose parent is absent from the profile is a root.
// Both relations stay available: RetentionNode::parent is the forest edge,
// RetentionNode::created_from the derivation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/progress.hpp"

namespace ctxheap::analyzer {

/// Finds contexts by id in O(1). Built once per profile. Runtime ids are a process-wide
/// counter, so a snapshot's ids are usually dense: then a direct table, else a hash.
class ContextLookup {
 public:
  ContextLookup() = default;
  explicit ContextLookup(const Profile& profile);
  /// Index in Profile::contexts, or kNoIndex. With duplicate ids, the first wins.
  Index find(ContextId id) const noexcept;
  std::size_t duplicates() const noexcept { return duplicates_; }

 private:
  std::vector<ContextId> keys_;   // hash mode; empty in direct mode
  std::vector<Index> values_;    // hash slots, or direct: values_[id - base_]
  std::uint64_t mask_ = 0;
  ContextId base_ = 0;
  bool direct_ = false;
  std::size_t duplicates_ = 0;
};

enum class RetentionEdge : std::uint8_t {
  Root,         ///< no parent in the profile
  Registered,   ///< held in the parent's children set
  CreatedFrom,  ///< derived from the parent, registered nowhere (referenced, not registered)
};
std::string_view to_string(RetentionEdge edge) noexcept;

/// Objects and bytes that would be freed. Bytes estimated from a sampled profile carry
/// their 95 % range as margins, [bytes - bytes_below, bytes + bytes_above] (a Go heap
/// profile's inferred children: Context::inuse_bytes_below); exact figures have none.
struct Retained {
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  std::uint64_t bytes_below = 0;
  std::uint64_t bytes_above = 0;
  std::uint64_t bytes_low() const noexcept { return bytes - std::min(bytes, bytes_below); }
  std::uint64_t bytes_high() const noexcept { return bytes + bytes_above; }
  bool has_range() const noexcept { return bytes_below != 0 || bytes_above != 0; }
  /// Sums add their ends (each part's range holds, so their sum's does; wider than the
  /// range of the pooled samples).
  Retained& operator+=(const Retained& o) noexcept {
    objects += o.objects;
    bytes += o.bytes;
    bytes_below += o.bytes_below;
    bytes_above += o.bytes_above;
    return *this;
  }
  bool operator==(const Retained&) const = default;
};

struct RetentionNode {
  Index parent = kNoIndex;        ///< forest parent
  Index created_from = kNoIndex;  ///< the context it was derived from, if in the profile
  RetentionEdge edge = RetentionEdge::Root;
  bool stale = false;             ///< a stale child entry (findings.hpp)
  std::uint32_t depth = 0;        ///< 0 for roots
  std::uint32_t children = 0;             ///< forest children
  std::uint32_t registered_children = 0;  ///< children held in its children set
  std::uint32_t stale_children = 0;       ///< registered children that are stale
  std::uint32_t subtree_contexts = 1;     ///< itself and all forest descendants
  /// Contexts derived from it (parent_id) that still reference it (not destroyed).
  std::uint32_t derived = 0;
  Counters self{};      ///< charged to the context itself
  Counters subtree{};   ///< itself plus all forest descendants
  std::uint64_t age_ns = 0;  ///< snapshot monotonic time - created; 0 if unknown
  /// Latest activity in the subtree: max over it of created and last allocation times.
  std::uint64_t subtree_last_activity_ns = 0;
  /// What cancelling this context would free (see retained_if_cancelled); computed for
  /// stale entries, zero for the others.
  Retained retained{};
};

class RetentionForest {
 public:
  const Profile& profile() const noexcept { return *profile_; }
  const ContextLookup& lookup() const noexcept { return lookup_; }
  Index find(ContextId id) const noexcept { return lookup_.find(id); }

  std::size_t size() const noexcept { return nodes_.size(); }
  const RetentionNode& node(Index i) const noexcept { return nodes_[i]; }
  const std::vector<RetentionNode>& nodes() const noexcept { return nodes_; }
  /// Forest children of a node, in profile order.
  std::span<const Index> children(Index i) const noexcept {
    return std::span<const Index>(child_list_).subspan(child_begin_[i], child_begin_[i + 1] - child_begin_[i]);
  }
  /// Roots in profile order.
  std::span<const Index> roots() const noexcept { return roots_; }
  /// Every node once, parents before children (depth-first, children in order).
  std::span<const Index> preorder() const noexcept { return preorder_; }

  /// References broken while building: dangling parent ids (their context is absent),
  /// cycles cut (corrupt input), duplicate ids.
  std::size_t dangling_parents() const noexcept { return dangling_; }
  std::size_t cycles_broken() const noexcept { return cycles_broken_; }

  /// Used by the findings stage: marks node i as a stale entry retaining `retained` and
  /// counts it among its registrar's stale children.
  void mark_stale(Index i, const Retained& retained) noexcept;

 private:
  friend RetentionForest build_forest(const Profile&, const RunControl&);
  const Profile* profile_ = nullptr;
  ContextLookup lookup_;
  std::vector<RetentionNode> nodes_;
  std::vector<std::uint32_t> child_begin_;
  std::vector<Index> child_list_;
  std::vector<Index> roots_;
  std::vector<Index> preorder_;
  std::size_t dangling_ = 0;
  std::size_t cycles_broken_ = 0;
};

/// Builds the forest and its per-node sums in linear time, iteratively (chains of any
/// depth are fine). Nodes' stale flags and retained sizes are filled later by the
/// findings stage. The profile must outlive the forest. Throws Cancelled.
RetentionForest build_forest(const Profile& profile, const RunControl& control = {});

/// What cancelling stale entry `i` would free: its forest subtree (cancellation cascades
/// through the registered descendants and drops the entry's reference to everything
/// derived from it) plus the value contexts between it and its registrar that only it
/// references. Walking up the created-from chain from the entry, a value context whose
/// only non-destroyed derived context is the previous one on the chain is exclusive; the
/// walk stops at the registrar, at a cancelable or WithoutCancel context, or at the first
/// value context something else also derives from. The exclusive values count with their
/// forest subtrees (values hang under the value they derive from, so that is the topmost
/// one's subtree). Linear over all entries: a value context is exclusive to one entry.
Retained retained_if_cancelled(const RetentionForest& forest, Index i);

/// What a context weighs in a tree view (the reports' context tree, the desktop app's
/// tree and icicle): the in-use bytes of its subtree, or for a stale entry what
/// cancelling it frees when that is more, so a stale entry ranks above the value context
/// it keeps alive. The one rule every tree ranks by.
std::uint64_t tree_weight(const RetentionNode& node) noexcept;

}  // namespace ctxheap::analyzer
