#include "cleanup_on_signal.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace ctxheap::cli {
namespace {

constexpr int kSlots = 8;
constexpr int kSignals[] = {SIGTERM, SIGINT, SIGHUP};

// Written under g_mutex, read by the handler: a slot's path is complete before it is
// marked used (release), and unmarked before it is reused.
char g_paths[kSlots][PATH_MAX];
char g_given[kSlots][PATH_MAX];  // the path as the caller gave it, matched by forget_on_signal
std::atomic<bool> g_used[kSlots];
std::mutex g_mutex;

void on_terminate(int signo) {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load(std::memory_order_acquire)) ::unlink(g_paths[i]);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(signo, &dfl, nullptr);
  ::raise(signo);
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signo : kSignals) {
      struct sigaction old {};
      sigaction(signo, nullptr, &old);
      if (old.sa_handler == SIG_IGN) continue;  // nohup and friends: keep ignoring
      struct sigaction sa {};
      sa.sa_handler = on_terminate;
      sigemptyset(&sa.sa_mask);
      for (int s : kSignals) sigaddset(&sa.sa_mask, s);
      sigaction(signo, &sa, nullptr);
    }
  });
}

}  // namespace

void remove_on_signal(const std::filesystem::path& path) {
  install_once();
  const std::string text = std::filesystem::absolute(path).string();
  const std::string& given = path.native();
  if (text.size() >= PATH_MAX || given.size() >= PATH_MAX) return;
  std::lock_guard lock(g_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i].load(std::memory_order_relaxed)) continue;
    std::memcpy(g_paths[i], text.c_str(), text.size() + 1);
    std::memcpy(g_given[i], given.c_str(), given.size() + 1);
    g_used[i].store(true, std::memory_order_release);
    return;
  }
}

void forget_on_signal(const std::filesystem::path& path) noexcept {
  // No allocation here (no absolute()): the path is matched as it was given.
  const char* given = path.c_str();
  std::lock_guard lock(g_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i].load(std::memory_order_relaxed) && std::strcmp(given, g_given[i]) == 0) {
      g_used[i].store(false, std::memory_order_release);
      return;
    }
  }
}

}  // namespace ctxheap::cli
