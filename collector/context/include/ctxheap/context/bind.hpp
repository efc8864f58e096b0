// Carrying a context to other threads. A context is current per thread (CurrentScope):
// work handed to another thread runs under nothing unless the context goes with it.
// bind() wraps a callable so that it runs with a given context current, wherever and
// however often it is called; bind_current() takes the caller's current context.
//
//   std::thread t(ctxheap::bind(ctx, [] { handle(); }));     // allocations charged to ctx
//   asio::post(pool, ctxheap::bind_current(std::move(job)));  // to the poster's context
//
// See docs/threads.md for threads, std::async, executors, coroutines and Asio.
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "ctxheap/context/current.hpp"

namespace ctxheap {

/// A callable that runs F with a context current (or, bound to no context, as is).
/// Copyable when F is; calling it forwards the arguments and the result.
template <class F>
class Bound {
 public:
  Bound(std::optional<Context> ctx, F f) : ctx_(std::move(ctx)), f_(std::move(f)) {}

  template <class... A>
    requires std::invocable<F&, A...>
  decltype(auto) operator()(A&&... args) {
    if (!ctx_) return std::invoke(f_, std::forward<A>(args)...);
    CurrentScope scope(*ctx_);
    return std::invoke(f_, std::forward<A>(args)...);
  }
  template <class... A>
    requires std::invocable<const F&, A...>
  decltype(auto) operator()(A&&... args) const {
    if (!ctx_) return std::invoke(f_, std::forward<A>(args)...);
    CurrentScope scope(*ctx_);
    return std::invoke(f_, std::forward<A>(args)...);
  }

  /// The context the callable runs under; nullopt when bound to none.
  const std::optional<Context>& context() const noexcept { return ctx_; }

 private:
  std::optional<Context> ctx_;
  F f_;
};

/// The context current on this thread, or nullopt when none was made current (so work
/// bound to it runs as is, charged to "no context", not to Background).
inline std::optional<Context> current_if_any() noexcept {
  if (detail::tls_current.node == nullptr) return std::nullopt;
  return current();
}

/// f, run with ctx current on whichever thread calls it.
template <class F>
Bound<std::decay_t<F>> bind(Context ctx, F&& f) {
  return Bound<std::decay_t<F>>(std::optional<Context>(std::move(ctx)), std::forward<F>(f));
}

/// f, run with the caller's current context (if any) current on whichever thread calls it.
template <class F>
Bound<std::decay_t<F>> bind_current(F&& f) {
  return Bound<std::decay_t<F>>(current_if_any(), std::forward<F>(f));
}

}  // namespace ctxheap
