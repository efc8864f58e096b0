// Shared by the interop tests: data paths, running programs, temporary directories.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include "../support/temp_dir.hpp"

namespace interop_test {

inline std::filesystem::path data(const std::string& relative) {
  return std::filesystem::path(CTXHEAP_TEST_DATA_DIR) / relative;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

using ctxheap_test::TempDir;

inline std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs a shell command line with stdout and stderr captured.
inline Run run(const TempDir& dir, const std::string& command) {
  const auto out = dir / ".stdout";
  const auto err = dir / ".stderr";
  const std::string cmd = "cd " + sh_quote(dir.path().string()) + " && " + command + " > " + sh_quote(out.string()) +
                          " 2> " + sh_quote(err.string()) + " < /dev/null";
  const int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

inline Run ctxheap(const TempDir& dir, const std::string& args) { return run(dir, sh_quote(CTXHEAP_CLI) + " " + args); }

/// Numbered dumps "<prefix>.NNNN.heap" the workload wrote, in order.
inline std::vector<std::filesystem::path> dumps(const TempDir& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().starts_with(prefix + ".")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace interop_test
