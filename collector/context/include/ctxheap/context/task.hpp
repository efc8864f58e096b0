// A C++20 coroutine task whose context follows it: ctxheap::Task<T> runs its body with
// one context current, on whichever thread resumes it, and gives that thread back its
// own context whenever it suspends. The context is the first ctxheap::Context parameter
// of the coroutine, or else the context current when the coroutine was called.
//
//   ctxheap::Task<std::string> handle(ctxheap::Context request) {
//     co_await resume_on(pool);            // any awaitable; now on a pool thread
//     co_return render();                  // still charged to request
//   }
//   std::string page = ctxheap::sync_wait(handle(request));
//
// Tasks are lazy: they start when awaited (co_await task) or by sync_wait. See
// docs/threads.md (and executor.hpp for Asio's own coroutines).
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <semaphore>
#include <type_traits>
#include <utility>
#include <variant>

#include "ctxheap/context/bind.hpp"

namespace ctxheap {

template <class T = void>
class Task;

namespace detail {

/// What the awaiter of an awaitable is: operator co_await's result, or the awaitable.
template <class A>
decltype(auto) awaiter_of(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); })
    return std::forward<A>(a).operator co_await();
  else if constexpr (requires { operator co_await(std::forward<A>(a)); })
    return operator co_await(std::forward<A>(a));
  else
    return std::forward<A>(a);
}

inline void pick_context(std::optional<Context>& found, const Context& c) {
  if (!found) found = c;
}
template <class X>
void pick_context(std::optional<Context>&, const X&) {}

/// The context a coroutine runs under, made current from each resumption to the next
/// suspension (both on the same thread).
class TaskPromiseBase {
 public:
  TaskPromiseBase() : ctx_(current_if_any()) {}
  template <class... A>
  explicit TaskPromiseBase(const A&... args) {
    (pick_context(ctx_, args), ...);
    if (!ctx_) ctx_ = current_if_any();
  }

  void enter() {
    if (ctx_ && !scope_) scope_.emplace(*ctx_);
  }
  void leave() noexcept { scope_.reset(); }
  const std::optional<Context>& context() const noexcept { return ctx_; }

  /// Wraps every co_await in the body so the context is left before suspending and
  /// entered again when resumed.
  template <class A>
  auto await_transform(A&& awaitable) {
    return Awaiter<decltype(awaiter_of(std::forward<A>(awaitable)))>{
        this, awaiter_of(std::forward<A>(awaitable))};
  }

  struct InitialAwaiter {
    TaskPromiseBase* promise;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const { promise->enter(); }
  };
  InitialAwaiter initial_suspend() noexcept { return {this}; }

  struct FinalAwaiter {
    TaskPromiseBase* promise;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept {
      promise->leave();
      if (promise->continuation_) return promise->continuation_;
      if (promise->done_ != nullptr) promise->done_->release();  // sync_wait
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {this}; }

  void unhandled_exception() noexcept { error_ = std::current_exception(); }

  std::coroutine_handle<> continuation_;
  std::binary_semaphore* done_ = nullptr;
  std::exception_ptr error_;

 private:
  template <class Inner>
  struct Awaiter {
    TaskPromiseBase* promise;
    Inner inner;

    bool await_ready() { return inner.await_ready(); }
    template <class P>
    auto await_suspend(std::coroutine_handle<P> h) {
      promise->leave();  // before the handle can reach another thread
      using R = decltype(inner.await_suspend(h));
      try {
        if constexpr (std::is_void_v<R>)
          inner.await_suspend(h);
        else
          return inner.await_suspend(h);
      } catch (...) {
        promise->enter();
        throw;
      }
    }
    decltype(auto) await_resume() {
      promise->enter();
      return inner.await_resume();
    }
  };

  std::optional<Context> ctx_;
  std::optional<CurrentScope> scope_;
};

template <class T>
class TaskPromise : public TaskPromiseBase {
 public:
  using TaskPromiseBase::TaskPromiseBase;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& value) {
    value_.emplace(std::forward<U>(value));
  }
  T take() {
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class TaskPromise<void> : public TaskPromiseBase {
 public:
  using TaskPromiseBase::TaskPromiseBase;
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (error_) std::rethrow_exception(error_);
  }
};

}  // namespace detail

/// A lazy coroutine task that runs under its context on any thread (see above).
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  explicit Task(Handle h) noexcept : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  /// The context the body runs under (nullopt: none; it then runs as is).
  const std::optional<Context>& context() const noexcept { return h_.promise().context(); }

  /// co_await task: starts it; the awaiting coroutine continues when it finishes.
  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle h;
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        h.promise().continuation_ = awaiting;
        return h;
      }
      T await_resume() { return h.promise().take(); }
    };
    return Awaiter{h_};
  }

  /// Runs the task to completion, blocking this thread until it finishes on whichever
  /// thread; returns its value or rethrows its exception.
  friend T sync_wait(Task task) {
    std::binary_semaphore done(0);
    task.h_.promise().done_ = &done;
    task.h_.resume();
    done.acquire();
    return task.h_.promise().take();
  }

 private:
  Handle h_;
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace ctxheap
