// Running the built ctxheap binary end to end, as a user or CI script would.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "report_test_support.hpp"

namespace ctxheap_test {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  /// stderr split into lines.
  std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < err.size()) {
      const std::size_t end = err.find('\n', start);
      lines.push_back(err.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return lines;
  }
};

/// 'text' quoted for /bin/sh.
inline std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `ctxheap <args>` in `dir` (args are shell words, already quoted), optionally
/// with standard input from a file.
inline CliRun run_ctxheap(const TempDir& dir, const std::string& args, const std::string& stdin_path = {}) {
  const auto out = dir / ".stdout";
  const auto err = dir / ".stderr";
  std::string cmd = "cd " + sh_quote(dir.path().string()) + " && " + sh_quote(CTXHEAP_CLI) + " " + args + " > " +
                    sh_quote(out.string()) + " 2> " + sh_quote(err.string());
  cmd += stdin_path.empty() ? " < /dev/null" : " < " + sh_quote(stdin_path);
  const int status = std::system(cmd.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_text(out);
  run.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

/// Names in `dir`, without the runner's own files.
inline std::vector<std::string> files_in(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ctxheap_test
