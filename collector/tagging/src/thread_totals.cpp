#include "thread_totals.hpp"

#include <cstring>
#include <fstream>
#include <string>

namespace ctxheap::collector {
namespace {

void add_counts(format::ThreadTotals& out, const NoContextStripe& n) {
  out.alloc_objects += n.alloc_objects.load(std::memory_order_relaxed);
  out.alloc_bytes += n.alloc_bytes.load(std::memory_order_relaxed);
  out.freed_objects += n.free_objects.load(std::memory_order_relaxed);
  out.freed_bytes += n.free_bytes.load(std::memory_order_relaxed);
}

// The thread's name now, if it still runs in this process (/proc/self/task/TID/comm).
bool current_name(std::int32_t tid, std::string& name) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  if (!comm) return false;
  std::getline(comm, name);
  return true;
}

}  // namespace

std::vector<format::ThreadTotals> thread_totals(const State& state, format::StringInterner& strings) {
  std::vector<format::ThreadTotals> out;
  format::ThreadTotals others;
  for (int k = 0; k < kNamedStripes; ++k) {
    const NoContextStripe& n = state.no_context[k];
    const std::int32_t tid = n.tid.load(std::memory_order_acquire);
    if (tid == 0) {
      add_counts(others, n);  // counts of a thread still taking its stripe: not lost from the totals
      continue;
    }
    format::ThreadTotals t;
    t.tid = static_cast<std::uint64_t>(tid);
    std::string name;
    t.exited = !current_name(tid, name);
    if (t.exited) name = std::string(n.name, strnlen(n.name, sizeof n.name));
    t.name = strings.intern(name);
    add_counts(t, n);
    out.push_back(t);
  }
  for (int k = kNamedStripes; k < kStripeCount; ++k) add_counts(others, state.no_context[k]);
  if (others != format::ThreadTotals{}) out.push_back(others);
  return out;
}

}  // namespace ctxheap::collector
