// An executor adaptor: work submitted through a ContextExecutor runs with its context
// current, whatever thread the inner executor picks. The inner executor is anything with
// a public `execute(f)` (a small interface of your own), or, with ctxheap/context/asio.hpp
// included, an Asio executor (`asio::thread_pool`, `io_context`, strands). Asio's
// property protocol (query / require) is forwarded, so asio::post, asio::dispatch and
// asio::co_spawn accept it, and an Asio coroutine spawned on it runs under the context
// at every resumption (docs/threads.md).
//
//   asio::thread_pool pool(4);
//   ctxheap::ContextExecutor ex(pool.get_executor(), request);
//   asio::post(ex, [] { work(); });           // work() runs with request current
#pragma once

#include <type_traits>
#include <utility>

#include "ctxheap/context/bind.hpp"

namespace ctxheap {

/// How ContextExecutor reaches an inner executor of type E: its public execute(), and
/// its query() / require() if it has them. ctxheap/context/asio.hpp specialises it for
/// Asio's executors, whose members are reached through asio::execution::execute,
/// asio::query and asio::require.
template <class E>
struct executor_traits {
  template <class F>
    requires requires(const E& e, F&& f) { e.execute(std::forward<F>(f)); }
  static void execute(const E& e, F&& f) {
    e.execute(std::forward<F>(f));
  }
  template <class P>
    requires requires(const E& e, const P& p) { e.query(p); }
  static decltype(auto) query(const E& e, const P& p) {
    return e.query(p);
  }
  template <class P>
    requires requires(const E& e, const P& p) { e.require(p); }
  static auto require(const E& e, const P& p) {
    return e.require(p);
  }
};

/// The smallest executor interface: something that runs a callable, some time, somewhere.
template <class E>
concept Executor = requires(const E& e, void (*f)()) { executor_traits<E>::execute(e, f); };

template <Executor E>
class ContextExecutor {
 public:
  ContextExecutor(E inner, Context ctx) noexcept(std::is_nothrow_move_constructible_v<E>)
      : inner_(std::move(inner)), ctx_(std::move(ctx)) {}

  /// Runs f through the inner executor, with the context current while it runs.
  template <class F>
  void execute(F&& f) const {
    executor_traits<E>::execute(inner_, bind(ctx_, std::forward<F>(f)));
  }

  // Properties (Asio's protocol), forwarded to the inner executor.
  template <class P>
    requires requires(const E& e, const P& p) { executor_traits<E>::query(e, p); }
  decltype(auto) query(const P& p) const noexcept {
    return executor_traits<E>::query(inner_, p);
  }
  template <class P>
    requires requires(const E& e, const P& p) { executor_traits<E>::require(e, p); }
  auto require(const P& p) const {
    using Inner = std::decay_t<decltype(executor_traits<E>::require(inner_, p))>;
    return ContextExecutor<Inner>(executor_traits<E>::require(inner_, p), ctx_);
  }

  const E& inner() const noexcept { return inner_; }
  const Context& context() const noexcept { return ctx_; }

  friend bool operator==(const ContextExecutor& a, const ContextExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.ctx_ == b.ctx_;
  }

 private:
  E inner_;
  Context ctx_;
};

}  // namespace ctxheap
