// Context, CancelFunc and AfterFunc handles: reference counting and read-only views.
#include "ctxheap/context/context.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "internal.hpp"

namespace ctxheap {
namespace {

detail::CancelNode* as_cancelable(detail::Node* n) noexcept {
  return is_cancelable(n->kind) ? static_cast<detail::CancelNode*>(n) : nullptr;
}

}  // namespace

Context::Context() noexcept : n_(detail::background_node()) {}
Context::Context(const Context& other) noexcept : n_(other.n_) { detail::retain(n_); }
Context::Context(Context&& other) noexcept : n_(std::exchange(other.n_, detail::background_node())) {}

Context& Context::operator=(const Context& other) noexcept {
  if (this != &other) {
    detail::retain(other.n_);
    detail::release(std::exchange(n_, other.n_));
  }
  return *this;
}

Context& Context::operator=(Context&& other) noexcept {
  if (this != &other) detail::release(std::exchange(n_, std::exchange(other.n_, detail::background_node())));
  return *this;
}

Context::~Context() { detail::release(n_); }

ContextId Context::id() const noexcept { return n_->id; }
ContextKind Context::kind() const noexcept { return n_->kind; }
ContextId Context::parent_id() const noexcept { return n_->parent ? n_->parent->id : kNoContext; }
Context Context::parent() const noexcept { return n_->parent ? detail::share(n_->parent) : *this; }
std::string_view Context::name() const noexcept { return n_->name; }
TimePoint Context::created_at() const noexcept { return n_->created; }

ContextId Context::registered_under() const noexcept {
  auto* c = as_cancelable(n_);
  return c ? c->registered_under_id.load(std::memory_order_acquire) : kNoContext;
}

std::optional<TimePoint> Context::ended_at() const noexcept {
  // A value context ends when its source does.
  const detail::CancelNode* s = n_->source;
  if (s == nullptr || s->state.load(std::memory_order_acquire) == ContextState::Live) return std::nullopt;
  return TimePoint(Duration(s->ended.load(std::memory_order_relaxed)));
}

ContextState Context::state() const noexcept {
  return n_->source ? n_->source->state.load(std::memory_order_acquire) : ContextState::Live;
}

std::span<void* const> Context::creation_stack() const noexcept {
  return {n_->stack, n_->stack_depth};
}

std::optional<TimePoint> Context::deadline() const noexcept {
  // Go: timerCtx reports its own (already effective) deadline; cancel and value contexts
  // ask their parent; without_cancel and the roots have none.
  for (const detail::Node* n = n_; n != nullptr; n = n->parent) {
    if (n->kind == ContextKind::Deadline) return static_cast<const detail::TimerNode*>(n)->deadline;
    if (n->kind == ContextKind::WithoutCancel) return std::nullopt;
  }
  return std::nullopt;
}

Err Context::err() const noexcept {
  detail::CancelNode* s = n_->source;
  if (s == nullptr || s->state.load(std::memory_order_acquire) == ContextState::Live) return Err::None;
  std::lock_guard lock(s->mu);
  return s->err;
}

std::string Context::cause() const {
  detail::CancelNode* s = n_->source;
  if (s == nullptr) return {};
  std::lock_guard lock(s->mu);
  if (s->err == Err::None) return {};
  return s->cause.empty() ? std::string(go_error_text(s->err)) : s->cause;
}

const void* Context::find_value(const void* key) const noexcept {
  for (const detail::Node* n = n_; n != nullptr; n = n->parent) {
    if (const void* v = n->own_value(key)) return v;
  }
  return nullptr;
}

bool Context::can_be_done() const noexcept { return n_->source != nullptr; }

bool Context::done() const noexcept {
  return n_->source && n_->source->state.load(std::memory_order_acquire) != ContextState::Live;
}

void Context::wait() const {
  if (n_->source == nullptr) {
    // Go: receiving from a nil Done() channel blocks forever.
    std::mutex m;
    std::condition_variable never;
    std::unique_lock lock(m);
    for (;;) never.wait(lock);
  }
  detail::wait_done(n_->source, nullptr);
}

bool Context::wait_until(TimePoint limit) const {
  if (n_->source == nullptr) {
    std::this_thread::sleep_until(limit);
    return false;
  }
  return detail::wait_done(n_->source, &limit);
}

bool Context::wait_for(Duration timeout) const { return wait_until(SteadyClock::now() + timeout); }

std::stop_token Context::stop_token() const {
  return n_->source ? detail::stop_token_of(n_->source) : std::stop_token{};
}

std::size_t Context::child_count() const noexcept {
  auto* c = as_cancelable(n_);
  if (c == nullptr) return 0;
  std::lock_guard lock(c->mu);
  return c->child_count;
}

std::vector<Context> Context::registered_children() const {
  std::vector<Context> out;
  auto* c = as_cancelable(n_);
  if (c == nullptr) return out;
  std::lock_guard lock(c->mu);
  out.reserve(c->child_count);
  for (detail::CancelNode* child = c->first_child; child; child = child->next_sibling)
    out.push_back(detail::share(child));
  return out;
}

bool Context::cancel_dropped() const noexcept {
  auto* c = as_cancelable(n_);
  return c && c->cancel_dropped.load(std::memory_order_acquire);
}

int Context::waiters() const noexcept {
  return n_->source ? n_->source->waiters.load(std::memory_order_relaxed) : 0;
}

// --- CancelFunc ----------------------------------------------------------------------

CancelFunc& CancelFunc::operator=(CancelFunc&& other) noexcept {
  if (this != &other) {
    CancelFunc dropped(std::move(*this));
    n_ = std::exchange(other.n_, nullptr);
  }
  return *this;
}

CancelFunc::~CancelFunc() {
  if (n_ == nullptr) return;
  n_->cancel_dropped.store(true, std::memory_order_release);
  detail::emit_cancel_dropped(n_->id);
  detail::release(n_);
}

void CancelFunc::operator()() noexcept { (*this)(std::string_view{}); }

void CancelFunc::operator()(std::string_view cause) noexcept {
  detail::CancelNode* n = std::exchange(n_, nullptr);
  if (n == nullptr) return;
  std::uint32_t refs = 1;  // this handle's, and the children set's if n leaves it
  detail::cancel(n, true, Err::Canceled, cause, &refs);
  detail::release(n, refs);
}

// --- AfterFunc -----------------------------------------------------------------------

AfterFunc& AfterFunc::operator=(AfterFunc&& other) noexcept {
  if (this != &other) {
    if (n_) detail::release(n_);
    n_ = std::exchange(other.n_, nullptr);
  }
  return *this;
}

AfterFunc::~AfterFunc() {
  if (n_) detail::release(n_);
}

bool AfterFunc::stop() noexcept {
  if (n_ == nullptr) return false;
  if (n_->once.exchange(true, std::memory_order_acq_rel)) return false;
  n_->fn = nullptr;  // it will never run: free what it captured now
  detail::cancel(n_, true, Err::Canceled, {});
  return true;
}

}  // namespace ctxheap
