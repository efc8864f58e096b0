#include "watch_stop.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace ctxheap::cli {
namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_signal(int) { g_stop.store(true); }

}  // namespace

StopOnSignal::StopOnSignal() {
  g_stop.store(false);
  for (int i = 0; i < 3; ++i) {
    sigaction(kSignals[i], nullptr, &old_[i]);
    if (old_[i].sa_handler == SIG_IGN) continue;  // nohup and friends: keep ignoring
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: a sleep ends at once
    sigemptyset(&sa.sa_mask);
    installed_[i] = sigaction(kSignals[i], &sa, nullptr) == 0;
  }
}

StopOnSignal::~StopOnSignal() { release(); }

const std::atomic<bool>& StopOnSignal::flag() const noexcept { return g_stop; }

void StopOnSignal::release() noexcept {
  if (released_) return;
  released_ = true;
  for (int i = 0; i < 3; ++i)
    if (installed_[i]) sigaction(kSignals[i], &old_[i], nullptr);
}

WaitProgress::WaitProgress() : enabled_(::isatty(STDERR_FILENO) == 1) {}

WaitProgress::~WaitProgress() { clear(); }

bool WaitProgress::wait_until(std::chrono::steady_clock::time_point due, const std::atomic<bool>& stop,
                              const std::string& what) {
  using namespace std::chrono;
  while (!stop.load()) {
    const auto left = due - steady_clock::now();
    if (left <= nanoseconds(0)) return true;
    if (enabled_)
      show(what + " in " + std::to_string(duration_cast<seconds>(left + milliseconds(999)).count()) + " s");
    const auto nap = std::min<nanoseconds>(left, milliseconds(200));
    timespec ts{static_cast<time_t>(nap.count() / 1'000'000'000), static_cast<long>(nap.count() % 1'000'000'000)};
    ::nanosleep(&ts, nullptr);  // a signal ends it early
  }
  return false;
}

void WaitProgress::show(const std::string& text) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[Kctxheap watch: %s", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void WaitProgress::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ctxheap::cli
