// Registration and cancellation, following Go's context.go line by line in behaviour:
// propagateCancel, cancelCtx.cancel, timerCtx.cancel, afterFuncCtx.cancel, removeChild.
//
// Lock order: a parent's mutex before a child's (never the reverse). Cancelling walks
// the subtree with an explicit work list instead of recursion, so depth is unbounded.
#include <utility>
#include <vector>

#include "ctxheap/context/clock.hpp"
#include "internal.hpp"

namespace ctxheap::detail {
namespace {

// --- the intrusive children set; all three need parent->mu held -----------------------

void link_child(CancelNode* parent, CancelNode* child) noexcept {
  child->registered_under = parent;
  child->prev_sibling = nullptr;
  child->next_sibling = parent->first_child;
  if (parent->first_child) parent->first_child->prev_sibling = child;
  parent->first_child = child;
  ++parent->child_count;
  child->registered_under_id.store(parent->id, std::memory_order_release);
  emit_registered(child->id, parent->id);
}

void unlink_child(CancelNode* parent, CancelNode* child) noexcept {
  if (child->prev_sibling) child->prev_sibling->next_sibling = child->next_sibling;
  else parent->first_child = child->next_sibling;
  if (child->next_sibling) child->next_sibling->prev_sibling = child->prev_sibling;
  child->prev_sibling = child->next_sibling = nullptr;
  child->registered_under = nullptr;
  --parent->child_count;
  child->registered_under_id.store(kNoContext, std::memory_order_release);
  emit_unregistered(child->id, parent->id);
}

/// Detaches the whole set; the caller inherits the set's references to the children.
CancelNode* take_children(CancelNode* parent) noexcept {
  CancelNode* list = parent->first_child;
  for (CancelNode* c = list; c != nullptr; c = c->next_sibling) {
    c->registered_under = nullptr;
    c->registered_under_id.store(kNoContext, std::memory_order_release);
    emit_unregistered(c->id, parent->id);
  }
  parent->first_child = nullptr;
  parent->child_count = 0;
  return list;
}

/// Go's removeChild: leave the set of the nearest cancelable ancestor, if still in it.
/// Returns whether it was in it: the caller then owns the set's reference.
bool remove_from_parent(CancelNode* c) {
  CancelNode* p = c->parent ? c->parent->source : nullptr;
  if (p == nullptr) return false;
  std::lock_guard lock(p->mu);
  if (c->registered_under != p) return false;
  unlink_child(p, c);
  return true;
}

/// Marks one node done. Returns false if it already was. Pushes its detached children
/// (with the set's references) onto `pending`, a stack linked through next_sibling: once
/// detached (registered_under is null) a child's sibling links are no one else's, so the
/// walk needs no allocation and cancel() cannot fail half way.
bool mark_done(CancelNode* c, Err err, std::string_view cause, CancelNode*& pending) noexcept {
  std::stop_source* stop = nullptr;
  {
    std::lock_guard lock(c->mu);
    if (c->err != Err::None) return false;
    c->err = err;
    try {
      c->cause.assign(cause);  // empty: cause() reports err's text, as Go's Cause does
    } catch (...) {
      c->cause.clear();  // out of memory: cancelled all the same, the cause is err's text
    }
    c->ended.store(stamp_now().time_since_epoch().count(), std::memory_order_relaxed);
    // seq_cst: the other half of the Dekker pairing with waiters (see waiting.cpp).
    c->state.store(err == Err::DeadlineExceeded ? ContextState::Expired : ContextState::Cancelled,
                   std::memory_order_seq_cst);
    stop = c->stop;
    for (CancelNode* child = take_children(c); child != nullptr;) {
      CancelNode* next = child->next_sibling;
      child->prev_sibling = nullptr;
      child->next_sibling = pending;
      pending = child;
      child = next;
    }
  }
  notify_done(c, stop);
  return true;
}

}  // namespace

void propagate_cancel(CancelNode* child) {
  CancelNode* p = child->parent ? child->parent->source : nullptr;
  if (p == nullptr) {  // Background, TODO or below without_cancel: registered nowhere
    release(child);    // the set's reference publish() counted in advance
    return;
  }
  Err parent_err;
  std::string parent_cause;
  {
    std::lock_guard lock(p->mu);
    parent_err = p->err;
    if (parent_err == Err::None) {
      // The set's reference (counted by publish): this is what keeps a forgotten child alive.
      link_child(p, child);
      return;
    }
    parent_cause = p->cause;
  }
  cancel(child, false, parent_err, parent_cause);
  release(child);
}

void cancel(CancelNode* root, bool remove_from_parent_flag, Err err, std::string_view cause,
            std::uint32_t* root_refs) noexcept {
  // `cause` stays valid for the whole call: descendants get the same cause, as in Go.
  // The caller holds a reference to root for the whole call; each detached descendant
  // comes with the set's reference, dropped once it is done.
  CancelNode* pending = nullptr;  // detached descendants still to cancel, each with one reference
  CancelNode* c = root;
  bool remove = remove_from_parent_flag;
  for (;;) {
    const bool newly_done = mark_done(c, err, cause, pending);
    if (newly_done && has_observers()) emit_cancelled(share(c));
    // timerCtx.cancel and afterFuncCtx.cancel remove themselves even if already done.
    if (remove && remove_from_parent(c)) {  // only the root leaves its parent's set
      if (root_refs != nullptr) ++*root_refs;  // the caller drops it with its own
      else release(c);
    }
    if (c->kind == ContextKind::Deadline) disarm_timer(static_cast<TimerNode*>(c));
    if (c->kind == ContextKind::AfterFunc) {
      auto* a = static_cast<AfterFuncNode*>(c);
      if (!a->once.exchange(true, std::memory_order_acq_rel)) {
        std::function<void()> fn = std::move(a->fn);
        try {
          run_async(fn);
        } catch (...) {
          // No memory or thread for the runner: the callback still runs, on this thread.
          if (fn) fn();
        }
      }
    }
    if (c != root) release(c);
    if (pending == nullptr) return;
    c = pending;
    pending = c->next_sibling;
    c->next_sibling = nullptr;
    remove = false;
  }
}

}  // namespace ctxheap::detail
