// The context current on a thread: what the collector charges allocations to.
#pragma once

#include <utility>

#include "ctxheap/context/context.hpp"

namespace ctxheap {
namespace detail {
/// Plain data so that reading it from a malloc hook is a single TLS load.
struct ThreadCurrent {
  Node* node;        ///< the context made current by CurrentScope, or nullptr
  ContextId charge;  ///< the id allocations are charged to now (see current_charge_id)
};
/// constinit: constant-initialised, so a read is one TLS access with no call to (or check
/// for) a TLS init wrapper.
extern constinit thread_local ThreadCurrent tls_current;
}  // namespace detail

/// The context made current on this thread, or Background.
Context current() noexcept;

/// The id that allocations made on this thread right now belong to: the current context,
/// or, while the runtime builds a context, that context itself; kNoContext if none.
/// Safe to call from a malloc hook: no allocation, no lock.
inline ContextId current_charge_id() noexcept { return detail::tls_current.charge; }

/// Makes ctx current on this thread until destroyed, then restores the previous one.
/// Emits made-current / no-longer-current events.
class CurrentScope {
 public:
  explicit CurrentScope(Context ctx) noexcept;
  ~CurrentScope();
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

 private:
  Context ctx_;
  detail::ThreadCurrent saved_;
};

/// Runs f with ctx current on this thread.
template <class F>
decltype(auto) run_under(const Context& ctx, F&& f) {
  CurrentScope scope(ctx);
  return std::forward<F>(f)();
}

}  // namespace ctxheap
