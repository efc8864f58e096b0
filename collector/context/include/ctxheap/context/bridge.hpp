// Bridges between ctxheap contexts and other libraries' cancellation.
//
// SharedCancel: a CancelFunc behind a shared handle, copyable, so it fits where a
// copyable callable is required (std::function, callback registries). The first call of
// any copy cancels; when the last copy goes away uncalled, the cancel is recorded as
// dropped, exactly as for the CancelFunc itself.
//
// Mirror: a child context that follows another library's cancellation scope. mirror()
// derives it from a parent and subscribes its cancel to the foreign scope: when that
// scope is cancelled, so is the context (and everything derived from it). Destroying the
// Mirror ends the subscription and cancels the context (the scope is over).
//
//   std::stop_source stop;
//   ctxheap::Mirror m = ctxheap::mirror(server, stop.get_token(), "job");
//   run_under(m.ctx(), work);          // stop.request_stop() cancels m.ctx()
//
// Asio's cancellation slots: ctxheap/context/asio.hpp. Any other library: mirror_scope()
// with a function that registers the cancel (docs/threads.md, "Bridges").
#pragma once

#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "ctxheap/context/context.hpp"

namespace ctxheap {

/// A copyable, thread-safe handle to one CancelFunc.
class SharedCancel {
 public:
  SharedCancel() noexcept = default;
  explicit SharedCancel(CancelFunc&& cancel) : state_(std::make_shared<State>(std::move(cancel))) {}

  void operator()() const noexcept { (*this)(std::string_view{}); }
  /// Cancels with a cause (Context::cause()); later calls of any copy do nothing.
  void operator()(std::string_view cause) const noexcept {
    if (state_) state_->call(cause);
  }
  /// True until one copy was called (or when default-constructed: false).
  explicit operator bool() const noexcept { return state_ && state_->pending(); }

 private:
  struct State {
    explicit State(CancelFunc&& f) noexcept : cancel(std::move(f)) {}
    void call(std::string_view cause) noexcept {
      CancelFunc taken;
      {
        std::lock_guard lock(mutex);
        taken = std::move(cancel);
      }
      taken(cause);
    }
    bool pending() const noexcept {
      std::lock_guard lock(mutex);
      return static_cast<bool>(cancel);
    }
    mutable std::mutex mutex;
    CancelFunc cancel;
  };
  std::shared_ptr<State> state_;
};

/// CancelFunc → SharedCancel.
inline SharedCancel share(CancelFunc&& cancel) { return SharedCancel(std::move(cancel)); }

/// A context mirroring a foreign cancellation scope (see above). Move-only.
class Mirror {
 public:
  Mirror(Context ctx, SharedCancel cancel, std::shared_ptr<void> subscription) noexcept
      : ctx_(std::move(ctx)), cancel_(std::move(cancel)), subscription_(std::move(subscription)) {}
  Mirror(Mirror&&) noexcept = default;
  Mirror& operator=(Mirror&& other) noexcept {
    if (this != &other) {
      end();
      ctx_ = std::move(other.ctx_);
      cancel_ = std::move(other.cancel_);
      subscription_ = std::move(other.subscription_);
    }
    return *this;
  }
  Mirror(const Mirror&) = delete;
  Mirror& operator=(const Mirror&) = delete;
  ~Mirror() { end(); }

  const Context& ctx() const noexcept { return ctx_; }
  /// Cancels the mirrored context now (the foreign scope is not touched).
  void cancel(std::string_view cause = {}) const noexcept { cancel_(cause); }

 private:
  void end() noexcept {
    subscription_.reset();
    cancel_("mirror ended");
  }
  Context ctx_;
  SharedCancel cancel_;
  std::shared_ptr<void> subscription_;
};

/// The general bridge: a with_cancel child of parent named `name`, whose cancel is given
/// to subscribe(SharedCancel) → std::shared_ptr<void> (the subscription, kept alive
/// by the Mirror and released before it cancels; may be null).
template <class Subscribe>
Mirror mirror_scope(const Context& parent, Subscribe&& subscribe, std::string name = {}) {
  auto [ctx, cancel] = with_cancel(parent, std::move(name));
  SharedCancel shared(std::move(cancel));
  std::shared_ptr<void> subscription = std::forward<Subscribe>(subscribe)(shared);
  return Mirror(std::move(ctx), std::move(shared), std::move(subscription));
}

/// A context cancelled when `token` is stop-requested (at once if it already is).
inline Mirror mirror(const Context& parent, std::stop_token token, std::string name = {}) {
  return mirror_scope(
      parent,
      [token = std::move(token)](SharedCancel cancel) -> std::shared_ptr<void> {
        struct OnStop {
          SharedCancel cancel;
          void operator()() const noexcept { cancel("stop requested"); }
        };
        return std::make_shared<std::stop_callback<OnStop>>(token, OnStop{std::move(cancel)});
      },
      std::move(name));
}

}  // namespace ctxheap
