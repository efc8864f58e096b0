// Invariants every AllocationStacks answer must keep, whatever the input: the analyzer
// tests check them on hand-built profiles and synthetic snapshots, the interop tests on
// real gperftools dumps and Go profiles.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "ctxheap/analyzer/alloc_stacks.hpp"

namespace alloc_stacks_test {

using namespace ctxheap::analyzer;

inline SampleCounts plus(SampleCounts a, const SampleCounts& b) {
  a.alloc_objects += b.alloc_objects;
  a.alloc_bytes += b.alloc_bytes;
  a.inuse_objects += b.inuse_objects;
  a.inuse_bytes += b.inuse_bytes;
  return a;
}

/// Every site of the profile summed: what the views must account for.
inline SampleCounts input_total(const Profile& p) {
  SampleCounts t;
  for (const Site& s : p.sites) t = plus(t, s.estimated);
  return t;
}

/// Expands a whole tree with an explicit stack (no recursion); calls visit(node, parent).
template <class Visit>
void walk(const AllocationStacks& a, AllocView view, Visit&& visit) {
  std::vector<AllocNode> todo{a.root(view)};
  while (!todo.empty()) {
    const AllocNode n = todo.back();
    todo.pop_back();
    const auto kids = n.has_children ? a.children(view, n.ref, AllocMeasure::InUse) : std::vector<AllocNode>{};
    visit(n, kids);
    for (const AllocNode& k : kids) todo.push_back(k);
  }
}

/// Checks the views against the input and against each other.
inline void expect_consistent(const Profile& p, const AllocationStacks& a) {
  const SampleCounts total = input_total(p);
  EXPECT_EQ(a.total(), total);
  EXPECT_EQ(a.root(AllocView::TopDown).total, total);
  EXPECT_EQ(a.root(AllocView::BottomUp).total, total);

  // Top-down: every node's total is its self plus its children's totals, and the selves
  // of all nodes add up to the input.
  SampleCounts selves;
  std::map<FunctionId, SampleCounts> top_down_leaf_self;
  walk(a, AllocView::TopDown, [&](const AllocNode& n, const std::vector<AllocNode>& kids) {
    SampleCounts sum = n.self;
    for (const AllocNode& k : kids) sum = plus(sum, k.total);
    EXPECT_EQ(sum, n.total) << a.function_name(n.function);
    EXPECT_EQ(n.has_children, !kids.empty());
    selves = plus(selves, n.self);
    if (n.ref.depth > 0) top_down_leaf_self[n.function] = plus(top_down_leaf_self[n.function], n.self);
  });
  EXPECT_EQ(selves, total);

  // Bottom-up: the allocating functions' totals are their selves, and equal what the
  // top-down tree's leaves of the same function hold.
  const AllocNode bu = a.root(AllocView::BottomUp);
  SampleCounts first_level = bu.self;
  for (const AllocNode& k : a.children(AllocView::BottomUp, bu.ref, AllocMeasure::Allocated)) {
    EXPECT_EQ(k.self, k.total);
    EXPECT_EQ(k.total, top_down_leaf_self[k.function]) << a.function_name(k.function);
    first_level = plus(first_level, k.total);
  }
  EXPECT_EQ(first_level, total);

  // Caller/callee: each function's own row matches the function list; its callees'
  // totals plus its self cover its total at least (recursion may count a stack on two
  // edges), and no caller carries more than the function.
  for (const AllocNode& f : a.functions(AllocMeasure::InUse)) {
    const CallerCallee cc = a.caller_callee(f.function, AllocMeasure::InUse);
    EXPECT_EQ(cc.function.total, f.total);
    EXPECT_EQ(cc.function.self, f.self);
    SampleCounts down = f.self;
    for (const AllocNode& c : cc.callees) down = plus(down, c.total);
    EXPECT_GE(down.inuse_bytes, f.total.inuse_bytes);
    EXPECT_GE(down.alloc_bytes, f.total.alloc_bytes);
    for (const AllocNode& c : cc.callers) EXPECT_LE(c.total.alloc_bytes, f.total.alloc_bytes);
  }
}

}  // namespace alloc_stacks_test
