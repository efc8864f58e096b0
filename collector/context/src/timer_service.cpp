// One timer thread and one indexed min-heap for every deadline in the process (Go: the
// runtime's timer heap). A pending timer holds a reference to its context, as Go's
// time.AfterFunc closure does; firing or disarming drops it.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ctxheap/context/clock.hpp"
#include "internal.hpp"

namespace ctxheap::detail {
namespace {

class TimerService {
 public:
  void arm(TimerNode* t) {
    std::lock_guard lock(mu_);
    retain(t);
    t->heap_index = heap_.size();
    heap_.push_back(t);
    sift_up(t->heap_index);
    if (!thread_started_) {
      thread_started_ = true;
      std::thread([this] { run(); }).detach();
    }
    // Wake the thread only if it would otherwise sleep past this deadline: a busy
    // create/cancel loop of long timeouts then costs no context switches.
    if (t->deadline < sleeping_until_) cv_.notify_one();
  }

  void disarm(TimerNode* t) {
    {
      std::lock_guard lock(mu_);
      if (t->heap_index == TimerNode::kNotInHeap) return;
      remove_at(t->heap_index);
    }
    release(t);
  }

  /// Fires every timer due at `at` on the calling thread.
  void fire_due(TimePoint at) {
    for (;;) {
      TimerNode* t = pop_due(at);
      if (t == nullptr) return;
      cancel(t, true, Err::DeadlineExceeded, {});
      release(t);
    }
  }

  void wake() {
    std::lock_guard lock(mu_);
    sleeping_until_ = TimePoint::min();
    cv_.notify_one();
  }

 private:
  TimerNode* pop_due(TimePoint at) {
    std::lock_guard lock(mu_);
    if (heap_.empty() || heap_.front()->deadline > at) return nullptr;
    TimerNode* t = heap_.front();
    remove_at(0);
    return t;  // the heap's reference moves to the caller
  }

  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      // Under a test clock only ManualClock::advance fires timers, on its own thread,
      // so that it has finished firing them when it returns.
      if (heap_.empty() || !clock_is_steady()) {
        sleeping_until_ = TimePoint::max();
        cv_.wait(lock);
        continue;
      }
      const TimePoint next = heap_.front()->deadline;
      const TimePoint current = SteadyClock::now();  // the real clock: test clocks never get here
      if (next > current) {
        sleeping_until_ = next;
        cv_.wait_until(lock, next);
        continue;
      }
      sleeping_until_ = TimePoint::min();  // awake: arm() need not notify
      lock.unlock();
      fire_due(current);
      lock.lock();
    }
  }

  void remove_at(std::size_t i) {
    TimerNode* removed = heap_[i];
    removed->heap_index = TimerNode::kNotInHeap;
    TimerNode* last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    heap_[i] = last;
    last->heap_index = i;
    sift_down(i);
    sift_up(last->heap_index);
  }

  void sift_up(std::size_t i) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!(heap_[i]->deadline < heap_[parent]->deadline)) break;
      swap_nodes(i, parent);
      i = parent;
    }
  }

  void sift_down(std::size_t i) {
    for (;;) {
      std::size_t smallest = i;
      const std::size_t l = 2 * i + 1, r = l + 1;
      if (l < heap_.size() && heap_[l]->deadline < heap_[smallest]->deadline) smallest = l;
      if (r < heap_.size() && heap_[r]->deadline < heap_[smallest]->deadline) smallest = r;
      if (smallest == i) return;
      swap_nodes(i, smallest);
      i = smallest;
    }
  }

  void swap_nodes(std::size_t a, std::size_t b) {
    std::swap(heap_[a], heap_[b]);
    heap_[a]->heap_index = a;
    heap_[b]->heap_index = b;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<TimerNode*> heap_;
  bool thread_started_ = false;
  TimePoint sleeping_until_ = TimePoint::min();  ///< when the thread will next look
};

// Leaked on purpose: the timer thread may outlive static destruction.
TimerService& service() {
  static TimerService* const s = new TimerService();
  return *s;
}

}  // namespace

void arm_timer(TimerNode* t) {
  // The service and its heap are the runtime's, not the context's: charged to no context.
  ChargeScope shared(kNoContext);
  service().arm(t);
}
void disarm_timer(TimerNode* t) { service().disarm(t); }
void fire_due_timers(TimePoint at) { service().fire_due(at); }
void wake_timer_thread() { service().wake(); }

}  // namespace ctxheap::detail
