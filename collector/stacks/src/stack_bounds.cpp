// Finds the mapping that holds the stack pointer in /proc/self/maps, reading it in small
// chunks into a buffer on the stack (open/read/close system calls: no malloc, no stdio
// lock), and caches the last few per thread. The main thread's stack grows down: its low
// bound is its rlimit below the top, so growing deeper does not look the mapping up again.
#include "stack_bounds.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ctxheap::stacks {
namespace {

// The last few stacks this thread ran on (its own, an alternate signal stack, fibers'),
// most recent first; and whether /proc could not be read (then it is not retried).
constexpr int kKnownStacks = 4;
struct KnownStacks {
  StackBounds stacks[kKnownStacks];
  bool lookup_failed = false;
};
constinit thread_local KnownStacks t_known{};

struct MapsLine {
  std::uintptr_t start = 0, end = 0;
  bool readable = false;
  bool main_stack = false;
};

/// A streaming parser of "start-end perms offset dev inode path" lines.
class MapsParser {
 public:
  explicit MapsParser(std::uintptr_t sp) noexcept : sp_(sp) {}
  /// Feeds bytes; returns true once the line holding sp has been read completely.
  bool feed(const char* p, long n) noexcept {
    for (long i = 0; i < n; ++i) {
      if (take(p[i])) return true;
    }
    return false;
  }
  const MapsLine& found() const noexcept { return found_; }

 private:
  static int hex(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  bool take(char c) noexcept {
    if (c == '\n') {
      const bool hit = line_.start <= sp_ && sp_ < line_.end;
      if (hit) found_ = line_;
      line_ = MapsLine{};
      field_ = 0;
      column_ = 0;
      match_ = 0;
      return hit;
    }
    if (field_ == 0) {
      if (c == '-') field_ = 1;
      else if (hex(c) >= 0) line_.start = line_.start << 4 | static_cast<unsigned>(hex(c));
      return false;
    }
    if (field_ == 1) {
      if (c == ' ') field_ = 2;
      else if (hex(c) >= 0) line_.end = line_.end << 4 | static_cast<unsigned>(hex(c));
      return false;
    }
    if (field_ == 2) {
      if (column_++ == 0) line_.readable = c == 'r';
      if (c == ' ') field_ = 3;
      return false;
    }
    static constexpr char kStack[] = "[stack]";
    match_ = c == kStack[match_] ? match_ + 1 : (c == kStack[0] ? 1 : 0);
    if (match_ == sizeof kStack - 1) line_.main_stack = true;
    return false;
  }

  std::uintptr_t sp_;
  MapsLine line_{}, found_{};
  int field_ = 0, column_ = 0;
  unsigned match_ = 0;
};

StackBounds look_up(std::uintptr_t sp) noexcept {
  const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC));
  if (fd < 0) return {};
  MapsParser parser(sp);
  char buf[1024];
  bool found = false;
  for (;;) {
    const long n = syscall(SYS_read, fd, buf, sizeof buf);
    if (n <= 0) break;
    if (parser.feed(buf, n)) {
      found = true;
      break;
    }
  }
  syscall(SYS_close, fd);
  if (!found || !parser.found().readable) return {};
  const MapsLine& m = parser.found();
  StackBounds b{m.start, m.end};
  if (m.main_stack) {
    rlimit limit{};
    const std::uintptr_t reach =
        syscall(SYS_getrlimit, RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
            ? static_cast<std::uintptr_t>(limit.rlim_cur)
            : std::uintptr_t{1} << 30;
    b.low = m.end > reach ? m.end - reach : 0;
  }
  return b;
}

}  // namespace

StackBounds stack_bounds(std::uintptr_t sp) noexcept {
  KnownStacks& k = t_known;
  if (sp >= k.stacks[0].low && sp < k.stacks[0].high) return k.stacks[0];
  for (int i = 1; i < kKnownStacks; ++i) {
    if (sp >= k.stacks[i].low && sp < k.stacks[i].high) {
      const StackBounds b = k.stacks[i];
      for (int j = i; j > 0; --j) k.stacks[j] = k.stacks[j - 1];
      return k.stacks[0] = b;
    }
  }
  if (k.lookup_failed) return {};
  const StackBounds b = look_up(sp);
  if (b.high == 0) {
    k.lookup_failed = true;
    return b;
  }
  for (int j = kKnownStacks - 1; j > 0; --j) k.stacks[j] = k.stacks[j - 1];
  return k.stacks[0] = b;
}

}  // namespace ctxheap::stacks
