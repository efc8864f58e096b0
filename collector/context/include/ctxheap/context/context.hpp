// Go-style cancellation contexts for C++, with the registration rules of Go's
// context package modelled exactly (see docs/context-runtime.md):
//
//   - background() and todo() are never cancelled and have no children set;
//   - with_cancel / with_deadline / with_timeout / after_func register the new context in
//     the children set of the parent's *nearest cancelable ancestor* (value contexts pass
//     through; without_cancel stops the chain, so nothing below it is registered above it);
//   - the entry, and everything the child references, stays until the child or that
//     ancestor is cancelled. Dropping a CancelFunc uncalled does not cancel.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/context/detail/node.hpp"
#include "ctxheap/context/types.hpp"

namespace ctxheap {

/// A typed key for with_value. Keys are compared by identity: declare them once,
/// e.g. `inline const ctxheap::ValueKey<Request> kRequest{"request"};`, and keep them
/// alive as long as any context that uses them.
template <class T>
class ValueKey {
 public:
  explicit constexpr ValueKey(std::string_view name) noexcept : name_(name) {}
  ValueKey(const ValueKey&) = delete;
  ValueKey& operator=(const ValueKey&) = delete;
  constexpr std::string_view name() const noexcept { return name_; }

 private:
  std::string_view name_;
};

/// A shared handle to a context. Copying is cheap (an atomic increment). A
/// default-constructed Context is Background.
class Context {
 public:
  Context() noexcept;
  Context(const Context& other) noexcept;
  Context(Context&& other) noexcept;
  Context& operator=(const Context& other) noexcept;
  Context& operator=(Context&& other) noexcept;
  ~Context();

  // --- identity and history -------------------------------------------------------
  ContextId id() const noexcept;
  ContextKind kind() const noexcept;
  /// The context this one was derived from (kNoContext for Background and TODO).
  ContextId parent_id() const noexcept;
  Context parent() const noexcept;
  /// The cancelable ancestor whose children set holds this context now, or kNoContext.
  ContextId registered_under() const noexcept;
  std::string_view name() const noexcept;
  TimePoint created_at() const noexcept;
  /// When the context became done; nullopt while live.
  std::optional<TimePoint> ended_at() const noexcept;
  ContextState state() const noexcept;
  /// Raw return addresses of the code that created the context, innermost first.
  std::span<void* const> creation_stack() const noexcept;

  // --- Go's Context interface -------------------------------------------------------
  /// Effective deadline (the earliest on the chain up to a without_cancel), if any.
  std::optional<TimePoint> deadline() const noexcept;
  /// Err::None while live; Canceled or DeadlineExceeded once done.
  Err err() const noexcept;
  /// Go's context.Cause: the cause given to the cancel that ended this context, or the
  /// text of err() when none was given; empty while live.
  std::string cause() const;
  /// The value stored under key by this context or the nearest ancestor, or nullptr.
  template <class T>
  const T* value(const ValueKey<T>& key) const noexcept {
    return static_cast<const T*>(find_value(&key));
  }

  // --- done(): poll, wait, bridge -----------------------------------------------------
  /// False for contexts that can never be done (Go: Done() returns nil).
  bool can_be_done() const noexcept;
  bool done() const noexcept;
  /// Blocks until done. Blocks forever on a context that can never be done, as
  /// receiving from a nil channel does in Go.
  void wait() const;
  /// Wait with a real-time limit; returns done().
  bool wait_for(Duration timeout) const;
  bool wait_until(TimePoint limit) const;
  /// A std::stop_token that is stop-requested when this context is done.
  std::stop_token stop_token() const;

  // --- retention, for diagnostics -------------------------------------------------
  /// Number of children registered in this context's children set (0 for kinds
  /// that have none).
  std::size_t child_count() const noexcept;
  std::vector<Context> registered_children() const;
  /// True once a CancelFunc of this context was destroyed without being called.
  bool cancel_dropped() const noexcept;
  /// Threads blocked in wait()/wait_for()/wait_until() on this context's done().
  int waiters() const noexcept;

  friend bool operator==(const Context& a, const Context& b) noexcept { return a.n_ == b.n_; }

  /// Internal: adopts one reference to n.
  explicit Context(detail::Node* adopt) noexcept : n_(adopt) {}
  detail::Node* node() const noexcept { return n_; }

 private:
  const void* find_value(const void* key) const noexcept;
  detail::Node* n_;
};

/// Cancels its context when called (idempotently). Move-only. Destroying it uncalled
/// does NOT cancel — as in Go, the context then stays registered until its parent ends —
/// but records a *cancel dropped* event and marks the context (see cancel_dropped()).
class CancelFunc {
 public:
  CancelFunc() noexcept = default;
  explicit CancelFunc(detail::CancelNode* adopt) noexcept : n_(adopt) {}
  CancelFunc(CancelFunc&& other) noexcept : n_(std::exchange(other.n_, nullptr)) {}
  CancelFunc& operator=(CancelFunc&& other) noexcept;
  CancelFunc(const CancelFunc&) = delete;
  CancelFunc& operator=(const CancelFunc&) = delete;
  ~CancelFunc();

  void operator()() noexcept;
  /// Cancels with a cause (Go's WithCancelCause), readable through Context::cause().
  void operator()(std::string_view cause) noexcept;
  /// True until called (or moved from).
  explicit operator bool() const noexcept { return n_ != nullptr; }

 private:
  detail::CancelNode* n_ = nullptr;
};

/// The documented fix for forgotten children: cancels at scope exit, like Go's
/// `defer cancel()`.
class ScopedCancel {
 public:
  explicit ScopedCancel(CancelFunc&& cancel) noexcept : cancel_(std::move(cancel)) {}
  ScopedCancel(ScopedCancel&&) noexcept = default;
  ScopedCancel& operator=(ScopedCancel&&) = delete;
  ~ScopedCancel() { cancel_(); }
  /// Cancels now instead of at scope exit.
  void cancel() noexcept { cancel_(); }

 private:
  CancelFunc cancel_;
};

/// What with_cancel, with_deadline and with_timeout return: `auto [ctx, cancel] = ...`.
struct CancelableContext {
  Context ctx;
  CancelFunc cancel;
};

/// Returned by after_func. Destroying it does not stop the registration.
class AfterFunc {
 public:
  AfterFunc() noexcept = default;
  explicit AfterFunc(detail::AfterFuncNode* adopt) noexcept : n_(adopt) {}
  AfterFunc(AfterFunc&& other) noexcept : n_(std::exchange(other.n_, nullptr)) {}
  AfterFunc& operator=(AfterFunc&& other) noexcept;
  AfterFunc(const AfterFunc&) = delete;
  AfterFunc& operator=(const AfterFunc&) = delete;
  ~AfterFunc();

  /// Unregisters; true if this call prevented the function from running, false if it
  /// had already been started or stopped (Go's stop()).
  bool stop() noexcept;

 private:
  detail::AfterFuncNode* n_ = nullptr;
};

Context background() noexcept;
Context todo() noexcept;

CancelableContext with_cancel(const Context& parent, std::string name = {});
/// The effective deadline is the earlier of `deadline` and the parent's; a deadline
/// already passed yields a context that is done at once, with DeadlineExceeded.
CancelableContext with_deadline(const Context& parent, TimePoint deadline, std::string name = {});
CancelableContext with_timeout(const Context& parent, Duration timeout, std::string name = {});
/// Keeps the parent's values but is never cancelled and has no deadline; nothing
/// derived from it is registered in the parent's chain.
Context without_cancel(const Context& parent);
/// Runs fn once, on a runtime thread (never the cancelling one), after ctx is done. The
/// registration lives in the children set of ctx's nearest cancelable ancestor; on a
/// context that can never be done it is registered nowhere and never runs.
AfterFunc after_func(const Context& ctx, std::function<void()> fn);

/// A context carrying a value that it owns; the value (and what it owns) is charged to
/// the new context. T is constructed in place from args.
template <class T, class... A>
[[gnu::noinline]] Context with_value(const Context& parent, const ValueKey<T>& key, A&&... args) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  const ContextId id = detail::next_id();
  detail::ChargeScope charge(id);
  auto* n = detail::make_node<detail::ValueNode<T>>(stack, id, parent.node(),
                                                    std::string(key.name()), &key,
                                                    std::forward<A>(args)...);
  return Context(detail::publish_value(n));
}

/// How many return addresses each context's creation stack keeps (default 16, or
/// CTXHEAP_STACK_DEPTH; 0 disables capture). Thread-safe; affects new contexts only.
void set_creation_stack_depth(int depth) noexcept;
int creation_stack_depth() noexcept;

}  // namespace ctxheap
