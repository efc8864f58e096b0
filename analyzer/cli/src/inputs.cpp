#include "inputs.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cleanup_on_signal.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

constexpr std::string_view kStdinName = "<stdin>";

void replace_all(std::string& text, const std::string& from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

/// Copies standard input into a new temporary file.
std::filesystem::path copy_stdin() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ctxheap-stdin-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw CliError("cannot create a temporary file for standard input: " + std::string(std::strerror(errno)));
  remove_on_signal(pattern);
  char buffer[1 << 16];
  for (;;) {
    std::cin.read(buffer, sizeof buffer);
    const std::streamsize n = std::cin.gcount();
    if (n <= 0) break;
    for (std::streamsize written = 0; written < n;) {
      const ssize_t w = ::write(fd, buffer + written, static_cast<std::size_t>(n - written));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(pattern.c_str());
        forget_on_signal(pattern);
        throw CliError("cannot copy standard input: " + std::string(std::strerror(err)));
      }
      written += w;
    }
  }
  ::close(fd);
  return pattern;
}

}  // namespace

Inputs::~Inputs() {
  if (!stdin_copy_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(stdin_copy_, ignored);
    forget_on_signal(stdin_copy_);
  }
}

std::filesystem::path Inputs::local_path(const std::string& path) {
  if (path != "-") return path;
  if (stdin_copy_.empty()) {
    std::ios::sync_with_stdio(false);
    stdin_copy_ = copy_stdin();
  }
  return stdin_copy_;
}

std::string Inputs::user_message(std::string message) const {
  replace_all(message, stdin_copy_.string(), kStdinName);
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  return message;
}

analyzer::Profile Inputs::load(const std::string& path, TerminalProgress& progress) {
  if (path.empty()) throw CliError("an input path is empty");
  try {
    progress.set_subject(path == "-" ? std::string(kStdinName) : path);
    analyzer::LoadOptions options;
    options.progress = progress.callback();
    analyzer::Profile profile = analyzer::load_profile(local_path(path), options);
    if (path == "-") profile.meta.source_path = kStdinName;
    return profile;
  } catch (const analyzer::LoadError& e) {
    throw CliError(user_message(e.what()));
  }
}

std::vector<analyzer::Profile> Inputs::load_all(const std::vector<std::string>& paths, TerminalProgress& progress) {
  if (paths.size() == 1) {
    std::vector<analyzer::Profile> one;
    one.push_back(load(paths.front(), progress));
    return one;
  }
  std::vector<std::filesystem::path> local;
  for (const auto& p : paths) {
    if (p.empty()) throw CliError("an input path is empty");
    local.push_back(local_path(p));
  }
  try {
    progress.set_subject(std::to_string(paths.size()) + " snapshots");
    analyzer::LoadOptions options;
    options.progress = progress.callback();
    auto profiles = analyzer::load_series(local, options);
    for (auto& profile : profiles)
      if (!stdin_copy_.empty() && profile.meta.source_path == stdin_copy_.string()) profile.meta.source_path = kStdinName;
    return profiles;
  } catch (const analyzer::LoadError& e) {
    throw CliError(user_message(e.what()));
  }
}

analyzer::SeriesAnalysis load_and_analyze(Inputs& inputs, const std::vector<std::string>& paths,
                                          const analyzer::AnalysisOptions& options, TerminalProgress& progress) {
  auto profiles = inputs.load_all(paths, progress);
  analyzer::RunControl control;
  control.progress = progress.callback();
  auto series = analyzer::analyze_series(std::move(profiles), options, control);
  progress.clear();
  return series;
}

}  // namespace ctxheap::cli
