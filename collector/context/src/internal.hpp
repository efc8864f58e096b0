// Internal interfaces between the runtime's translation units.
#pragma once

#include <string>
#include <string_view>

#include "ctxheap/context/context.hpp"
#include "ctxheap/context/observer.hpp"

namespace ctxheap::detail {

// --- cancel.cpp ---------------------------------------------------------------------
/// Go's propagateCancel: registers child in the children set of the nearest cancelable
/// ancestor of its parent, or cancels it at once if that ancestor is already done. Takes
/// the set's reference to child, counted in advance by publish(): kept by the set, or
/// dropped when child is registered nowhere.
void propagate_cancel(CancelNode* child);
/// Go's cancelCtx.cancel (and timerCtx/afterFuncCtx): marks c and, iteratively, all
/// its registered descendants done; with remove_from_parent, also leaves its parent's set.
/// The caller holds a reference to c for the call. With `root_refs`, the children set's
/// reference to c, if c left a set, is added there for the caller to drop together with
/// its own (one atomic decrement instead of two); else it is dropped here.
void cancel(CancelNode* c, bool remove_from_parent, Err err, std::string_view cause,
            std::uint32_t* root_refs = nullptr) noexcept;

// --- clock.cpp -----------------------------------------------------------------------
/// False while a test clock (ScopedClock) is installed.
bool clock_is_steady() noexcept;
/// The time a context was created or ended: the test clock while one is installed, else
/// the steady clock at the kernel tick's resolution (CLOCK_MONOTONIC_COARSE, 1-4 ms),
/// never ahead of now(). Deadlines and timers use now().
TimePoint stamp_now() noexcept;

// --- timer_service.cpp ---------------------------------------------------------------
/// One thread and one min-heap for every deadline in the process.
void arm_timer(TimerNode* t);     ///< called with t->mu held and t not done; takes a reference
void disarm_timer(TimerNode* t);  ///< drops the timer's reference if still pending
void fire_due_timers(TimePoint now);
void wake_timer_thread();

// --- callback_runner.cpp -------------------------------------------------------------
/// Runs fn on a runtime worker thread (Go: `go f()`).
void run_async(std::function<void()>& fn);  ///< takes fn, or throws and leaves it

// --- waiting.cpp -----------------------------------------------------------------------
/// Wakes every thread waiting on c's done() and fires its stop_token. No lock held.
void notify_done(CancelNode* c, std::stop_source* stop);
/// Blocks until c is done, or until *limit (real steady time) if given; returns done.
bool wait_done(CancelNode* c, const TimePoint* limit);
std::stop_token stop_token_of(CancelNode* c);

// --- observers.cpp ---------------------------------------------------------------------
bool has_observers() noexcept;
void emit_created(const Context& ctx) noexcept;
void emit_registered(ContextId child, ContextId parent) noexcept;
void emit_unregistered(ContextId child, ContextId parent) noexcept;
void emit_cancelled(const Context& ctx) noexcept;
void emit_cancel_dropped(ContextId id) noexcept;
void emit_made_current(ContextId id, ContextId previous) noexcept;
void emit_no_longer_current(ContextId id, ContextId restored) noexcept;
void emit_destroyed(ContextId id) noexcept;
void emit_waiters_changed(ContextId id, int delta) noexcept;

// --- node.cpp --------------------------------------------------------------------------
Node* background_node() noexcept;
Node* todo_node() noexcept;

/// A new handle to n (one more reference).
Context share(Node* n) noexcept;

}  // namespace ctxheap::detail
