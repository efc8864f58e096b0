// Goroutines parked on context waits in a Go goroutine profile (golang.hpp).
#include <algorithm>
#include <string>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/text.hpp"

namespace ctxheap::analyzer::golang {
namespace {

/// The runtime frames a goroutine parked on a channel receive or a select shows.
bool is_channel_wait(std::string_view f) {
  return f == "runtime.chanrecv" || f == "runtime.chanrecv1" || f == "runtime.chanrecv2" || f == "runtime.selectgo";
}

}  // namespace

std::vector<BlockedGoroutines> find_blocked_goroutines(const Profile& p) {
  std::vector<BlockedGoroutines> out;
  for (const Site& site : p.sites) {
    const auto frames = p.stack_frames(site.stack);
    if (frames.empty()) continue;
    std::size_t i = 1;
    if (frames[0].function == 0) {
      // A debug=1 text profile leaves out the leading runtime frames: the goroutine waits
      // inside the runtime, in a receive, select, sleep or lock the text does not name.
      while (i < frames.size() && frames[i].function == 0) ++i;
      if (i == frames.size() || p.str(frames[i].function).starts_with("runtime/")) continue;
    } else {
      if (p.str(frames[0].function) != "runtime.gopark") continue;
      bool channel = false;
      for (; i < frames.size() && p.str(frames[i].function).starts_with("runtime."); ++i)
        channel = channel || is_channel_wait(p.str(frames[i].function));
      if (!channel || i == frames.size()) continue;
    }
    BlockedGoroutines b;
    b.stack = site.stack;
    b.goroutines = site.estimated.inuse_objects;
    b.waiting_in = std::string(p.str(frames[i].function));
    b.waiting_frame = static_cast<std::uint32_t>(i);
    b.in_context_package = b.waiting_in.starts_with("context.");
    out.push_back(std::move(b));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.in_context_package != b.in_context_package) return a.in_context_package;
    return a.goroutines > b.goroutines;
  });
  return out;
}

std::vector<BlockedGoroutines> report_blocked_goroutines(Profile& p) {
  std::vector<BlockedGoroutines> out = find_blocked_goroutines(p);
  std::uint64_t total = 0;
  for (const Site& site : p.sites) total += site.estimated.inuse_objects;
  for (const BlockedGoroutines& b : out) {
    const std::string n = format_count(b.goroutines) + (b.goroutines == 1 ? " goroutine is" : " goroutines are");
    if (b.in_context_package) {
      p.meta.notes.push_back(n + " parked in " + b.waiting_in +
                             ": the context package's own watcher, waiting for a parent or child Done() (a parent "
                             "of a type it cannot see into); it ends only when one of them is cancelled.");
    } else {
      p.meta.notes.push_back(n + " parked on a channel receive or select in " + b.waiting_in +
                             " (how a wait on ctx.Done() shows; the profile does not name the channel).");
    }
  }
  if (!out.empty()) {
    std::uint64_t parked = 0;
    for (const auto& b : out) parked += b.goroutines;
    p.meta.notes.insert(p.meta.notes.begin(), "Goroutine profile: " + format_count(parked) + " of " +
                                                  format_count(total) +
                                                  " goroutines are parked on channel or context waits, by stack below.");
  }
  return out;
}

}  // namespace ctxheap::analyzer::golang
