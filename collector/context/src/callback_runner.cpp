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
  void submit(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(fn));
    // Every queued task needs a worker of its own that is idle now; otherwise a task
    // could wait behind one that blocks.
    if (queue_.size() > idle_) {
      std::thread([this] { work(); }).detach();
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

void run_async(std::function<void()> fn) {
  ChargeScope shared(kNoContext);  // the queue and workers belong to the runtime
  runner().submit(std::move(fn));
}

}  // namespace ctxheap::detail
