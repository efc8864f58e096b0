// Runs after_func callbacks off the cancelling thread, like Go's `go f()`. Each callback
// may block, so a callback never waits for another: when no worker is idle a new one is
// started; idle workers retire after a while.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "internal.hpp"

namespace ctxheap::detail {
namespace {

class CallbackRunner {
 public:
  /// Takes `fn` only on success: when queueing or starting a worker fails, `fn` is left
  /// as it was and the exception propagates (the caller runs it then).
  void submit(std::function<void()>& fn) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(fn));  // strong guarantee: on bad_alloc `fn` is untouched
    // Every queued task needs a worker of its own that is idle now; otherwise a task
    // could wait behind one that blocks.
    if (queue_.size() > idle_) {
      try {
        std::thread([this] { work(); }).detach();
      } catch (...) {
        fn = std::move(queue_.back());
        queue_.pop_back();
        throw;
      }
    } else {
      cv_.notify_one();
    }
  }

 private:
  void work() {
    std::unique_lock lock(mu_);
    for (;;) {
      while (queue_.empty()) {
        ++idle_;
        const bool woken =
            cv_.wait_for(lock, std::chrono::seconds(10), [this] { return !queue_.empty(); });
        --idle_;
        if (!woken) return;  // retire after a quiet spell
      }
      std::function<void()> fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
      fn = nullptr;  // drop captures before idling
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t idle_ = 0;
};

// Leaked on purpose: workers may still run during static destruction.
CallbackRunner& runner() {
  static CallbackRunner* const r = new CallbackRunner();
  return *r;
}

}  // namespace

void run_async(std::function<void()>& fn) {
  ChargeScope shared(kNoContext);  // the queue and workers belong to the runtime
  runner().submit(fn);
}

}  // namespace ctxheap::detail
