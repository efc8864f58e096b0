// What `ctxheap watch` does between rounds: SIGINT, SIGTERM or SIGHUP stop the watch (the
// series collected so far is gated) instead of ending the process, and a wait shows a
// self-erasing countdown on stderr when it is a terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>

namespace ctxheap::cli {

/// While alive (until release()), the three signals only raise flag().
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  const std::atomic<bool>& flag() const noexcept;
  bool raised() const noexcept { return flag().load(); }
  /// Restores the handlers that were there before.
  void release() noexcept;

 private:
  struct sigaction old_[3] {};
  bool installed_[3] = {};
  bool released_ = false;
};

/// A countdown line on stderr, only when stderr is a terminal.
class WaitProgress {
 public:
  WaitProgress();
  ~WaitProgress();
  WaitProgress(const WaitProgress&) = delete;
  WaitProgress& operator=(const WaitProgress&) = delete;

  /// Sleeps until `due`; false when `stop` was raised first.
  bool wait_until(std::chrono::steady_clock::time_point due, const std::atomic<bool>& stop, const std::string& what);
  void show(const std::string& text);
  void clear();

 private:
  bool enabled_ = false;
  bool drawn_ = false;
};

}  // namespace ctxheap::cli
