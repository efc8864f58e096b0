// Progress on stderr for long reads and analyses: only when stderr is a terminal, and
// only once an operation has run for half a second, so short runs and pipes stay quiet.
#pragma once

#include <chrono>
#include <string>

#include "ctxheap/analyzer/progress.hpp"

namespace ctxheap::cli {

class TerminalProgress {
 public:
  TerminalProgress();
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  /// What is being worked on, e.g. the file name.
  void set_subject(std::string subject);
  /// A callback for LoadOptions/RunControl; empty when stderr is not a terminal.
  analyzer::ProgressFn callback();
  /// Erases the progress line if one was drawn.
  void clear();

 private:
  void update(analyzer::Stage stage, std::uint64_t done, std::uint64_t total);

  bool enabled_ = false;
  bool drawn_ = false;
  int last_percent_ = -1;
  std::string subject_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ctxheap::cli
