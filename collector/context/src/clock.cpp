#include "ctxheap/context/clock.hpp"

#include <time.h>

#include "internal.hpp"

namespace ctxheap {
namespace {

class SteadyClockImpl final : public Clock {
 public:
  TimePoint now() const noexcept override { return SteadyClock::now(); }
};

// Never destroyed: the collector's exit snapshot and late timers read the clock while
// static objects are being destroyed, so the default clock must outlive them all.
union NeverDestroyed {
  SteadyClockImpl clock;
  constexpr NeverDestroyed() : clock() {}
  ~NeverDestroyed() {}  // leaves `clock` alone
};
constinit NeverDestroyed kSteady;
constinit std::atomic<const Clock*> g_clock{&kSteady.clock};

}  // namespace

const Clock& clock() noexcept { return *g_clock.load(std::memory_order_acquire); }
TimePoint now() noexcept { return clock().now(); }

namespace detail {
bool clock_is_steady() noexcept { return &clock() == &kSteady.clock; }

TimePoint stamp_now() noexcept {
  const Clock* c = g_clock.load(std::memory_order_acquire);
  if (c != &kSteady.clock) return c->now();
  // steady_clock is CLOCK_MONOTONIC: the coarse variant is the same clock, read from the
  // kernel's last tick without the clocksource (4 ns against 30 ns under kvm-clock).
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::seconds(ts.tv_sec) +
                                                         std::chrono::nanoseconds(ts.tv_nsec)));
}
}  // namespace detail

ManualClock::ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}

TimePoint ManualClock::now() const noexcept {
  return TimePoint(Duration(now_.load(std::memory_order_acquire)));
}

void ManualClock::advance(Duration d) { set(now() + d); }

void ManualClock::set(TimePoint t) {
  now_.store(t.time_since_epoch().count(), std::memory_order_release);
  if (&clock() == this) detail::fire_due_timers(t);
}

ScopedClock::ScopedClock(const Clock& c) : previous_(g_clock.exchange(&c)) {
  detail::wake_timer_thread();
}

ScopedClock::~ScopedClock() {
  g_clock.store(previous_, std::memory_order_release);
  detail::wake_timer_thread();
}

}  // namespace ctxheap
