// The clock behind deadlines, timers and the runtime's timestamps. Production code
// uses the steady clock; tests install a ManualClock so that deadline behaviour never
// depends on wall-clock luck.
#pragma once

#include <atomic>

#include "ctxheap/context/types.hpp"

namespace ctxheap {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const noexcept = 0;
};

/// The clock currently used by the runtime.
const Clock& clock() noexcept;
TimePoint now() noexcept;

/// A clock that only moves when told to. advance() fires every timer that became due,
/// on the calling thread, before it returns; so a test can assert right after it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1));
  TimePoint now() const noexcept override;
  void advance(Duration d);
  void set(TimePoint t);

 private:
  std::atomic<TimePoint::rep> now_;
};

/// Installs a clock for the lifetime of the guard (tests). Contexts with deadlines
/// created under one clock must end before the guard is destroyed.
class ScopedClock {
 public:
  explicit ScopedClock(const Clock& clock);
  ~ScopedClock();
  ScopedClock(const ScopedClock&) = delete;
  ScopedClock& operator=(const ScopedClock&) = delete;

 private:
  const Clock* previous_;
};

}  // namespace ctxheap
