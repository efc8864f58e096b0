// Asio bridges (standalone Asio, Debian libasio-dev; header-only, include it yourself):
// a context that mirrors an Asio cancellation slot. The slot's handler cancels the
// context when the signal is emitted, whatever the cancellation type.
//
//   asio::cancellation_signal signal;
//   ctxheap::Mirror m = ctxheap::mirror(server, signal.slot(), "read");
//   signal.emit(asio::cancellation_type::terminal);   // m.ctx() is cancelled
//
// It also lets ctxheap::ContextExecutor (executor.hpp) wrap Asio's executors, so work
// posted and Asio coroutines spawned through it run under its context (docs/threads.md).
#pragma once

#include <asio/cancellation_signal.hpp>
#include <asio/execution/execute.hpp>
#include <asio/execution/executor.hpp>
#include <asio/query.hpp>
#include <asio/require.hpp>
#include <memory>
#include <string>
#include <utility>

#include "ctxheap/context/bridge.hpp"
#include "ctxheap/context/executor.hpp"

namespace ctxheap {

/// Asio's executors keep execute, query and require private to its customisation points.
template <class E>
  requires asio::execution::is_executor<E>::value
struct executor_traits<E> {
  template <class F>
  static void execute(const E& e, F&& f) {
    asio::execution::execute(e, std::forward<F>(f));
  }
  template <class P>
    requires asio::can_query<const E&, const P&>::value
  static decltype(auto) query(const E& e, const P& p) {
    return asio::query(e, p);
  }
  template <class P>
    requires asio::can_require<const E&, const P&>::value
  static auto require(const E& e, const P& p) {
    return asio::require(e, p);
  }
};

/// A context cancelled when the slot's signal is emitted. The slot gets the handler (it
/// replaces one already there); as for any Asio slot, emit, assign and clear it on the
/// signal's own thread or strand.
inline Mirror mirror(const Context& parent, asio::cancellation_slot slot, std::string name = {}) {
  return mirror_scope(
      parent,
      [slot](SharedCancel cancel) mutable -> std::shared_ptr<void> {
        // An unconnected slot has no signal: the context then ends with the Mirror.
        if (slot.is_connected())
          slot.assign([cancel = std::move(cancel)](asio::cancellation_type) { cancel("asio cancellation"); });
        return nullptr;
      },
      std::move(name));
}

}  // namespace ctxheap
