// Temporary directories and polling for the collector tests.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace ctxheap_test {

inline void* volatile g_sink;
/// Publishes p through a volatile, so allocations cannot be optimised away.
template <class T>
T* keep(T* p) {
  g_sink = p;
  return p;
}

inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ctxheap-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Waits (generously: this is synchronisation, not a timing assertion) for cond().
template <class Cond>
bool eventually(Cond&& cond, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace ctxheap_test
