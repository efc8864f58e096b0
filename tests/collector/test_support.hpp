// Temporary directories and polling for the collector tests.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>
#include <thread>

namespace ctxheap_test {

inline void* volatile g_sink;
/// Publishes p through a volatile, so allocations cannot be optimised away.
template <class T>
T* keep(T* p) {
  g_sink = p;
  return p;
}

/// The directories temp_dir() made, removed when the test program exits (whether its
/// tests passed or not), by the process that made them: a forked child that exits leaves
/// its parent's directories alone.
class MadeDirectories {
 public:
  ~MadeDirectories() {
    if (getpid() != owner_) return;
    std::error_code ignored;
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void add(const std::filesystem::path& dir) { dirs_.push_back(dir); }

 private:
  pid_t owner_ = getpid();
  std::vector<std::filesystem::path> dirs_;
};

inline std::filesystem::path temp_dir(const std::string& name) {
  static MadeDirectories made;
  auto dir = std::filesystem::temp_directory_path() /
             ("ctxheap-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  made.add(dir);
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
