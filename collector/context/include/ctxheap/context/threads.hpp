// std::thread, std::jthread and std::async that carry the caller's current context to
// the work they run (see bind.hpp; docs/threads.md):
//
//   ctxheap::CurrentScope scope(request);
//   auto worker = ctxheap::start_thread([] { parse(); });           // parse() runs under request
//   auto result = ctxheap::async(std::launch::async, [] { return render(); });
#pragma once

#include <future>
#include <thread>
#include <type_traits>
#include <utility>

#include "ctxheap/context/bind.hpp"

namespace ctxheap {

/// std::thread running f(args...) with the caller's current context current.
template <class F, class... A>
std::thread start_thread(F&& f, A&&... args) {
  return std::thread(bind_current(std::forward<F>(f)), std::forward<A>(args)...);
}

/// std::jthread running f with the caller's current context current. As with
/// std::jthread, f receives the thread's std::stop_token first when it accepts one.
template <class F, class... A>
std::jthread start_jthread(F&& f, A&&... args) {
  return std::jthread(bind_current(std::forward<F>(f)), std::forward<A>(args)...);
}

/// std::async whose task runs with the caller's current context current, on the new
/// thread (launch::async) or on the thread that waits (launch::deferred).
template <class F, class... A>
auto async(std::launch policy, F&& f, A&&... args) {
  return std::async(policy, bind_current(std::forward<F>(f)), std::forward<A>(args)...);
}

/// std::async with the default policy, carrying the caller's current context.
template <class F, class... A>
  requires(!std::is_same_v<std::decay_t<F>, std::launch>)
auto async(F&& f, A&&... args) {
  return std::async(bind_current(std::forward<F>(f)), std::forward<A>(args)...);
}

}  // namespace ctxheap
