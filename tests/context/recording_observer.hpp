// Shared helpers for the context runtime tests: an Observer that records every event,
// an RAII registration for it, and small synchronisation helpers (no timed assertions:
// the time limits below only turn a hang into a failure).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"

namespace ctxheap_test {

enum class Ev {
  Created,
  Registered,
  Unregistered,
  Cancelled,
  CancelDropped,
  MadeCurrent,
  NoLongerCurrent,
  WaitersChanged,
  Destroyed,
};

struct Event {
  Event(Ev t, ctxheap::ContextId i, ctxheap::ContextId o = ctxheap::kNoContext)
      : type(t), id(i), other(o) {}
  Ev type;
  ctxheap::ContextId id;
  /// Created: parent id; Registered/Unregistered: parent; MadeCurrent: previous;
  /// NoLongerCurrent: restored.
  ctxheap::ContextId other = ctxheap::kNoContext;
  ctxheap::Err err = ctxheap::Err::None;
  std::string cause;
  ctxheap::ContextKind kind = ctxheap::ContextKind::Background;
  int delta = 0;  ///< WaitersChanged
  std::thread::id thread = std::this_thread::get_id();
};

/// Records every event, in arrival order, under its own mutex.
class RecordingObserver : public ctxheap::Observer {
 public:
  void on_created(const ctxheap::Context& ctx) noexcept override {
    Event e{Ev::Created, ctx.id(), ctx.parent_id()};
    e.kind = ctx.kind();
    push(std::move(e));
  }
  void on_registered(ctxheap::ContextId child, ctxheap::ContextId parent) noexcept override {
    push(Event{Ev::Registered, child, parent});
  }
  void on_unregistered(ctxheap::ContextId child, ctxheap::ContextId parent) noexcept override {
    push(Event{Ev::Unregistered, child, parent});
  }
  void on_cancelled(const ctxheap::Context& ctx) noexcept override {
    Event e{Ev::Cancelled, ctx.id()};
    e.err = ctx.err();
    e.cause = ctx.cause();
    e.kind = ctx.kind();
    push(std::move(e));
  }
  void on_cancel_dropped(ctxheap::ContextId id) noexcept override {
    push(Event{Ev::CancelDropped, id});
  }
  void on_made_current(ctxheap::ContextId id, ctxheap::ContextId previous) noexcept override {
    push(Event{Ev::MadeCurrent, id, previous});
  }
  void on_no_longer_current(ctxheap::ContextId id, ctxheap::ContextId restored) noexcept override {
    push(Event{Ev::NoLongerCurrent, id, restored});
  }
  void on_waiters_changed(ctxheap::ContextId id, int delta) noexcept override {
    Event e{Ev::WaitersChanged, id};
    e.delta = delta;
    push(std::move(e));
  }
  void on_destroyed(ctxheap::ContextId id) noexcept override { push(Event{Ev::Destroyed, id}); }

  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  /// Events about `id` (as the subject), in order.
  std::vector<Event> events_for(ctxheap::ContextId id) const {
    std::vector<Event> out;
    std::lock_guard lock(mu_);
    for (const Event& e : events_)
      if (e.id == id) out.push_back(e);
    return out;
  }
  std::vector<Ev> types_for(ctxheap::ContextId id) const {
    std::vector<Ev> out;
    for (const Event& e : events_for(id)) out.push_back(e.type);
    return out;
  }
  int count(Ev type, ctxheap::ContextId id) const {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count_if(events_.begin(), events_.end(), [&](const Event& e) {
      return e.type == type && e.id == id;
    }));
  }
  int count(Ev type) const {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count_if(events_.begin(), events_.end(),
                                          [&](const Event& e) { return e.type == type; }));
  }
  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }

 private:
  void push(Event e) noexcept {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }

  mutable std::mutex mu_;
  std::vector<Event> events_;
};

/// add_observer for a scope; check added() before relying on events.
class ScopedObserver {
 public:
  explicit ScopedObserver(ctxheap::Observer& o) : o_(&o), added_(ctxheap::add_observer(o_)) {}
  ~ScopedObserver() {
    if (added_) ctxheap::remove_observer(o_);
  }
  ScopedObserver(const ScopedObserver&) = delete;
  ScopedObserver& operator=(const ScopedObserver&) = delete;
  bool added() const noexcept { return added_; }

 private:
  ctxheap::Observer* o_;
  bool added_;
};

/// Spins (yielding) until pred() holds. The limit only turns a hang into a failure; it
/// is never what a test asserts about.
template <class Pred>
bool spin_until(Pred pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > give_up) return pred();
    std::this_thread::yield();
  }
  return true;
}

/// Generous limit for waiting on futures set by runtime threads (synchronisation only).
inline constexpr std::chrono::seconds kGenerous{30};

/// Restores the creation stack depth on scope exit.
class StackDepthGuard {
 public:
  StackDepthGuard() : saved_(ctxheap::creation_stack_depth()) {}
  ~StackDepthGuard() { ctxheap::set_creation_stack_depth(saved_); }
  StackDepthGuard(const StackDepthGuard&) = delete;
  StackDepthGuard& operator=(const StackDepthGuard&) = delete;

 private:
  int saved_;
};

inline bool contains(const std::vector<ctxheap::Context>& v, const ctxheap::Context& c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

}  // namespace ctxheap_test
