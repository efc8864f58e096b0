#include "ctxheap/context/current.hpp"

#include "internal.hpp"

namespace ctxheap {
namespace detail {

constinit thread_local ThreadCurrent tls_current{nullptr, kNoContext};

ChargeScope::ChargeScope(ContextId id) noexcept : saved_(tls_current.charge) {
  tls_current.charge = id;
}

ChargeScope::~ChargeScope() { tls_current.charge = saved_; }

}  // namespace detail

Context current() noexcept {
  detail::Node* n = detail::tls_current.node;
  return n ? detail::share(n) : background();
}

CurrentScope::CurrentScope(Context ctx) noexcept : ctx_(std::move(ctx)), saved_(detail::tls_current) {
  detail::tls_current = {ctx_.node(), ctx_.id()};
  detail::emit_made_current(ctx_.id(), saved_.node ? saved_.node->id : kNoContext);
}

CurrentScope::~CurrentScope() {
  detail::tls_current = saved_;
  detail::emit_no_longer_current(ctx_.id(), saved_.node ? saved_.node->id : kNoContext);
}

}  // namespace ctxheap
