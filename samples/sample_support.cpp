#include "sample_support.hpp"

#include <cstdio>
#include <exception>
#include <cstring>
#include <map>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/format/reader.hpp"

namespace samples {
namespace {

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

void print_summary(const std::string& path) {
  const auto snap = ctxheap::format::read_snapshot(path);
  std::size_t live = 0;
  std::uint64_t in_use = 0, allocated = 0;
  std::map<std::uint64_t, std::pair<std::size_t, std::size_t>> registered;  // parent → (children, dropped)
  for (const auto& c : snap.contexts) {
    live += c.state == ctxheap::format::ContextState::Live ? 1 : 0;
    in_use += c.alloc_bytes - c.freed_bytes;
    allocated += c.alloc_bytes;
    if (c.registered_under_id != 0) {
      auto& r = registered[c.registered_under_id];
      ++r.first;
      r.second += c.cancel_dropped ? 1 : 0;
    }
  }
  std::printf("%s: %zu contexts (%zu live), %s in use of %s allocated under contexts\n", path.c_str(),
              snap.contexts.size(), live, mib(in_use).c_str(), mib(allocated).c_str());
  const auto top = std::max_element(registered.begin(), registered.end(),
                                    [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
  if (top == registered.end()) return;
  std::string name;
  for (const auto& c : snap.contexts)
    if (c.id == top->first) name = snap.strings.at(c.name);
  std::printf("  largest children set: context #%llu \"%s\" holds %zu registered children (%zu with cancel dropped)\n",
              static_cast<unsigned long long>(top->first), name.c_str(), top->second.first, top->second.second);
}

}  // namespace

void start(const char* name, int argc, char** argv) {
  ctxheap::collector::Options options = ctxheap::collector::options_from_environment();
  options.snapshot_prefix = name;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--out") == 0) options.snapshot_prefix = argv[i + 1];
  options.snapshot_at_exit = false;  // samples snapshot at chosen moments
  ctxheap::collector::configure(options);
}

std::string snapshot() {
  // A snapshot that cannot be written (read-only or full directory) is one line on stderr;
  // the program goes on, as a server under the collector would.
  try {
    const std::string path = ctxheap::collector::write_numbered_snapshot();
    print_summary(path);
    return path;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ctxheap: snapshot failed: %s\n", e.what());
    return {};
  }
}

}  // namespace samples
