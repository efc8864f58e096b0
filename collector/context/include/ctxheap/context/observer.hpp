// The runtime's event stream. The runtime does not know the collector: the collector (and
// tests) subscribe here.
//
// Contract for observers:
//   - methods run inline on the thread that caused the event and must not block;
//   - on_registered / on_unregistered run while the children set they describe is locked,
//     so for one children set they arrive in the true order; they must not create,
//     cancel or wait on contexts;
//   - all other methods run with no runtime lock held;
//   - an observer must stay valid while registered; remove_observer stops new calls
//     but does not wait for calls already under way on other threads.
#pragma once

#include "ctxheap/context/context.hpp"

namespace ctxheap {

class Observer {
 public:
  virtual ~Observer() = default;
  /// A context exists. Background and TODO are announced to each observer when it is added.
  virtual void on_created(const Context& /*ctx*/) noexcept {}
  /// `child` entered the children set of `parent`.
  virtual void on_registered(ContextId /*child*/, ContextId /*parent*/) noexcept {}
  /// `child` left the children set of `parent` (its own cancel, or the parent's).
  virtual void on_unregistered(ContextId /*child*/, ContextId /*parent*/) noexcept {}
  /// ctx became done: ctx.err() says why, ctx.cause() with what cause.
  virtual void on_cancelled(const Context& /*ctx*/) noexcept {}
  /// A CancelFunc for `id` was destroyed without being called.
  virtual void on_cancel_dropped(ContextId /*id*/) noexcept {}
  /// `id` became current on this thread, replacing `previous`.
  virtual void on_made_current(ContextId /*id*/, ContextId /*previous*/) noexcept {}
  /// `id` stopped being current on this thread; `restored` is current again.
  virtual void on_no_longer_current(ContextId /*id*/, ContextId /*restored*/) noexcept {}
  /// A thread started (delta +1) or stopped (-1) waiting on done() of cancelable
  /// context `id` (deltas, so that concurrent waits add up whatever their order).
  virtual void on_waiters_changed(ContextId /*id*/, int /*delta*/) noexcept {}
  /// The last reference to `id` is gone and its node is freed.
  virtual void on_destroyed(ContextId /*id*/) noexcept {}
};

/// At most kMaxObservers at once; returns false when full or already added.
inline constexpr int kMaxObservers = 8;
bool add_observer(Observer* observer);
void remove_observer(Observer* observer) noexcept;

}  // namespace ctxheap
