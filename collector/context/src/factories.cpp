// The context constructors. Each is [[gnu::noinline]] and captures its caller's stack
// first, so creation stacks start at user code.
#include "ctxheap/context/clock.hpp"
#include "ctxheap/context/context.hpp"
#include "internal.hpp"

namespace ctxheap {
namespace {

// The Context and the CancelFunc each own one of the two references publish() counted.
constexpr std::uint32_t kHandles = 2;
CancelableContext adopt(detail::CancelNode* n) { return {Context(n), CancelFunc(n)}; }

}  // namespace

Context background() noexcept { return Context(detail::background_node()); }
Context todo() noexcept { return Context(detail::todo_node()); }

[[gnu::noinline]] CancelableContext with_cancel(const Context& parent, std::string name) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  const ContextId id = detail::next_id();
  detail::ChargeScope charge(id);
  auto* n = detail::make_node<detail::CancelNode>(stack, id, ContextKind::Cancel,
                                                  parent.node(), std::move(name));
  detail::publish(n, kHandles);
  return adopt(n);
}

namespace {

/// `current` is now(), read by the caller (with_timeout reads it once for both uses).
CancelableContext make_deadline(const Context& parent, TimePoint deadline, TimePoint current, std::string name,
                                const detail::CreationStack& stack) {
  const ContextId id = detail::next_id();
  detail::ChargeScope charge(id);
  // Go: when the parent's deadline is already earlier, the parent's expiry will cancel
  // the child, so it needs no timer of its own.
  const std::optional<TimePoint> inherited = parent.deadline();
  const bool own_timer = !inherited || deadline < *inherited;
  const TimePoint effective = own_timer ? deadline : *inherited;
  auto* n = detail::make_node<detail::TimerNode>(stack, id, parent.node(), std::move(name),
                                                 effective);
  detail::publish(n, kHandles);
  CancelableContext result = adopt(n);
  if (!own_timer) return result;
  if (effective <= current) {
    detail::cancel(n, true, Err::DeadlineExceeded, {});
    return result;
  }
  {
    std::lock_guard lock(n->mu);
    if (n->err == Err::None) detail::arm_timer(n);
  }
  return result;
}

}  // namespace

[[gnu::noinline]] CancelableContext with_deadline(const Context& parent, TimePoint deadline,
                                                  std::string name) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  return make_deadline(parent, deadline, now(), std::move(name), stack);
}

[[gnu::noinline]] CancelableContext with_timeout(const Context& parent, Duration timeout,
                                                 std::string name) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  const TimePoint current = now();
  return make_deadline(parent, current + timeout, current, std::move(name), stack);
}

[[gnu::noinline]] Context without_cancel(const Context& parent) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  const ContextId id = detail::next_id();
  detail::ChargeScope charge(id);
  auto* n = detail::make_node<detail::Node>(stack, id, ContextKind::WithoutCancel,
                                            parent.node(), "without_cancel");
  return Context(detail::publish_value(n));
}

[[gnu::noinline]] AfterFunc after_func(const Context& ctx, std::function<void()> fn) {
  detail::CreationStack stack;
  detail::capture_stack(stack);
  const ContextId id = detail::next_id();
  detail::ChargeScope charge(id);
  auto* n = detail::make_node<detail::AfterFuncNode>(stack, id, ctx.node(), std::move(fn));
  detail::publish(n, 1);  // the AfterFunc handle's reference
  return AfterFunc(n);
}

}  // namespace ctxheap
