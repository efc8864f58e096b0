#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "ctxheap/report/visible_text.hpp"

namespace ctxheap::cli {

TerminalProgress::TerminalProgress()
    : enabled_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() { clear(); }

// The subject is a file name: shown escaped, like every name on the terminal.
void TerminalProgress::set_subject(std::string subject) { subject_ = report::visible_text(subject); }

analyzer::ProgressFn TerminalProgress::callback() {
  if (!enabled_) return {};
  return [this](analyzer::Stage stage, std::uint64_t done, std::uint64_t total) { update(stage, done, total); };
}

void TerminalProgress::update(analyzer::Stage stage, std::uint64_t done, std::uint64_t total) {
  using namespace std::chrono_literals;
  if (std::chrono::steady_clock::now() - start_ < 500ms) return;
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  if (percent == last_percent_ && drawn_) return;
  last_percent_ = percent;
  const std::string_view name = analyzer::to_string(stage);
  std::fprintf(stderr, "\r\033[Kctxheap: %.*s %s %3d %%", static_cast<int>(name.size()), name.data(), subject_.c_str(),
               percent);
  std::fflush(stderr);
  drawn_ = true;
}

void TerminalProgress::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ctxheap::cli
