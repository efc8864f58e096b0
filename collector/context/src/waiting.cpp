// done(): waiting without a condition variable per context. Waiters park on one of a
// fixed set of striped condition variables chosen by the context's address; cancel wakes
// that stripe. The std::stop_token bridge is a stop_source created on first use.
#include <array>
#include <condition_variable>
#include <mutex>

#include "internal.hpp"

namespace ctxheap::detail {
namespace {

struct alignas(64) Stripe {
  std::mutex mu;
  std::condition_variable cv;
};

std::array<Stripe, 64>& stripes() {
  static auto* const s = [] {
    ChargeScope shared(kNoContext);  // the runtime's, not the first waiter's context's
    return new std::array<Stripe, 64>();  // leaked: waiters may outlive statics
  }();
  return *s;
}

Stripe& stripe_for(const CancelNode* c) {
  const auto h = reinterpret_cast<std::uintptr_t>(c) >> 6;
  return stripes()[h % stripes().size()];
}

bool is_done(const CancelNode* c) {
  return c->state.load(std::memory_order_seq_cst) != ContextState::Live;
}

}  // namespace

void notify_done(CancelNode* c, std::stop_source* stop) {
  // Dekker with wait_done, all seq_cst: the state was stored seq_cst (mark_done), the
  // waiter increments seq_cst and then reads the state seq_cst; so either it sees done,
  // or we see it waiting. No wakeup is lost.
  if (c->waiters.load(std::memory_order_seq_cst) > 0) {
    Stripe& s = stripe_for(c);
    { std::lock_guard lock(s.mu); }  // a waiter between its check and its wait sees the state
    s.cv.notify_all();
  }
  if (stop != nullptr) stop->request_stop();  // runs stop_callbacks: no lock held here
}

bool wait_done(CancelNode* c, const TimePoint* limit) {
  if (is_done(c)) return true;
  Stripe& s = stripe_for(c);
  c->waiters.fetch_add(1, std::memory_order_seq_cst);
  emit_waiters_changed(c->id, +1);
  bool done;
  {
    std::unique_lock lock(s.mu);
    if (limit == nullptr) {
      s.cv.wait(lock, [c] { return is_done(c); });
      done = true;
    } else {
      done = s.cv.wait_until(lock, *limit, [c] { return is_done(c); });
    }
  }
  c->waiters.fetch_sub(1, std::memory_order_relaxed);
  emit_waiters_changed(c->id, -1);
  return done;
}

std::stop_token stop_token_of(CancelNode* c) {
  std::stop_source* stop;
  bool already_done;
  {
    std::lock_guard lock(c->mu);
    if (c->stop == nullptr) {
      ChargeScope own(c->id);  // part of the context, like its node
      c->stop = new std::stop_source();
    }
    stop = c->stop;
    already_done = c->err != Err::None;
  }
  // Done before the source existed: cancel found no source to fire, so fire it here.
  if (already_done) stop->request_stop();
  return stop->get_token();
}

}  // namespace ctxheap::detail
