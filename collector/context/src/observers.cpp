#include <array>
#include <atomic>

#include "internal.hpp"

namespace ctxheap {
namespace {

std::array<std::atomic<Observer*>, kMaxObservers> g_observers{};
std::atomic<int> g_count{0};
std::mutex g_registration;

template <class F>
void for_each_observer(F&& f) noexcept {
  for (auto& slot : g_observers) {
    if (Observer* o = slot.load(std::memory_order_acquire)) f(*o);
  }
}

}  // namespace

bool add_observer(Observer* observer) {
  if (observer == nullptr) return false;
  {
    std::lock_guard lock(g_registration);
    for (auto& slot : g_observers)
      if (slot.load() == observer) return false;
    auto it = g_observers.begin();
    while (it != g_observers.end() && it->load() != nullptr) ++it;
    if (it == g_observers.end()) return false;
    it->store(observer, std::memory_order_release);
    g_count.fetch_add(1, std::memory_order_release);
  }
  // The roots exist before anyone can watch; announce them so a table is complete.
  observer->on_created(background());
  observer->on_created(todo());
  return true;
}

void remove_observer(Observer* observer) noexcept {
  std::lock_guard lock(g_registration);
  for (auto& slot : g_observers) {
    if (slot.load() == observer) {
      slot.store(nullptr, std::memory_order_release);
      g_count.fetch_sub(1, std::memory_order_release);
    }
  }
}

namespace detail {

bool has_observers() noexcept { return g_count.load(std::memory_order_relaxed) != 0; }

void emit_created(const Context& ctx) noexcept {
  for_each_observer([&](Observer& o) { o.on_created(ctx); });
}
void emit_registered(ContextId child, ContextId parent) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_registered(child, parent); });
}
void emit_unregistered(ContextId child, ContextId parent) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_unregistered(child, parent); });
}
void emit_cancelled(const Context& ctx) noexcept {
  for_each_observer([&](Observer& o) { o.on_cancelled(ctx); });
}
void emit_cancel_dropped(ContextId id) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_cancel_dropped(id); });
}
void emit_made_current(ContextId id, ContextId previous) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_made_current(id, previous); });
}
void emit_no_longer_current(ContextId id, ContextId restored) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_no_longer_current(id, restored); });
}
void emit_destroyed(ContextId id) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_destroyed(id); });
}

void emit_waiters_changed(ContextId id, int delta) noexcept {
  if (has_observers()) for_each_observer([&](Observer& o) { o.on_waiters_changed(id, delta); });
}

}  // namespace detail
}  // namespace ctxheap
