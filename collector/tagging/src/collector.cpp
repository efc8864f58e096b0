// Public API, installation and triggers (API call, signal, period, exit).
#include "ctxheap/collector/collector.hpp"

#include <gperftools/heap-profiler.h>
#include <semaphore.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <thread>

#include "context_table.hpp"
#include "dispatch.hpp"
#include "snapshot_builder.hpp"
#include "state.hpp"

namespace ctxheap::collector {
namespace detail {
bool install_tagging(State* state) noexcept;
}

namespace {

ContextTable* g_table = nullptr;

// Trigger state. The signal handler only posts a semaphore (async-signal-safe); the
// collector thread does the work.
sem_t g_wake;
std::atomic<bool> g_signal_pending{false};
std::atomic<bool> g_thread_started{false};
std::mutex g_config_mutex;
// Function-local: install_at_load runs before this file's dynamic initializers.
Options& configured() {
  static Options options;
  return options;
}
std::atomic<std::uint64_t> g_sequence{0};
std::atomic<bool> g_exit_registered{false};

void on_signal(int) {
  g_signal_pending.store(true, std::memory_order_relaxed);
  sem_post(&g_wake);
}

std::string numbered_path(const std::string& prefix, std::uint64_t n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04llu.ctxheap", static_cast<unsigned long long>(n));
  return prefix + suffix;
}

std::string snapshot_numbered(format::SnapshotReason reason) {
  std::string prefix;
  bool heap_profile;
  {
    std::lock_guard lock(g_config_mutex);
    prefix = configured().snapshot_prefix;
    heap_profile = !configured().heap_profile_prefix.empty();
  }
  if (prefix.empty()) return {};
  const std::uint64_t seq = g_sequence.fetch_add(1);
  const std::string path = numbered_path(prefix, seq + 1);
  write_snapshot_file(*g_state, *g_table, {path, reason, seq});
  if (heap_profile && IsHeapProfilerRunning()) HeapProfilerDump(std::string(format::to_string(reason)).c_str());
  return path;
}

void report_failure(const char* what, const std::exception& e) {
  std::fprintf(stderr, "ctxheap: %s snapshot failed: %s\n", what, e.what());
}

// Refreshes the coarse clock the hooks stamp allocations with, and serves the signal
// and period triggers.
void collector_thread() {
  InternalScope internal;
  std::int64_t next_period = 0;
  for (;;) {
    timespec until{};
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 100'000'000;  // 100 ms: the resolution of last-allocation times
    if (until.tv_nsec >= 1'000'000'000) {
      until.tv_nsec -= 1'000'000'000;
      ++until.tv_sec;
    }
    while (sem_timedwait(&g_wake, &until) != 0 && errno == EINTR) {
    }
    const std::int64_t now = monotonic_ns();
    g_state->coarse_now_ns.store(now, std::memory_order_relaxed);
    g_table->fold_retired();
    double period;
    {
      std::lock_guard lock(g_config_mutex);
      period = configured().period_seconds;
    }
    try {
      if (g_signal_pending.exchange(false)) snapshot_numbered(format::SnapshotReason::Signal);
      if (period > 0) {
        const auto period_ns = static_cast<std::int64_t>(period * 1e9);
        if (next_period == 0) next_period = now + period_ns;
        if (now >= next_period) {
          snapshot_numbered(format::SnapshotReason::Period);
          next_period = now + period_ns;
        }
      }
    } catch (const std::exception& e) {
      report_failure("triggered", e);
    }
  }
}

void start_thread_once() {
  if (g_thread_started.exchange(true)) return;
  InternalScope internal;
  std::thread(collector_thread).detach();
}

void at_exit_snapshot() {
  try {
    snapshot_numbered(format::SnapshotReason::Exit);
  } catch (const std::exception& e) {
    report_failure("exit", e);
  }
}

bool parse_u64(const char* text, std::uint64_t* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

// Installs at load time, before main, so that every allocation of the program is seen.
[[gnu::constructor(101)]] void install_at_load() {
  install();
  try {
    configure(options_from_environment());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ctxheap: %s\n", e.what());
  }
}

}  // namespace

Options options_from_environment() {
  Options o;
  if (const char* p = std::getenv("CTXHEAP_SNAPSHOT")) o.snapshot_prefix = p;
  std::uint64_t v = 0;
  if (parse_u64(std::getenv("CTXHEAP_SIGNAL"), &v) && v > 0 && v < 65) o.signal = static_cast<int>(v);
  if (const char* p = std::getenv("CTXHEAP_PERIOD")) {
    char* end = nullptr;
    const double d = std::strtod(p, &end);
    if (end != p && *end == '\0' && d > 0) o.period_seconds = d;
  }
  if (parse_u64(std::getenv("CTXHEAP_SAMPLE"), &v)) o.sample_interval = v;
  if (const char* p = std::getenv("CTXHEAP_HEAPPROFILE")) o.heap_profile_prefix = p;
  return o;
}

void install() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    // The state lives in mmap'd memory and is never destroyed: hooks may run during
    // static destruction and in threads that outlive main.
    void* mem = reserve_zeroed(sizeof(State));
    if (mem == nullptr) return;
    auto* state = ::new (mem) State();
    sem_init(&g_wake, 0, 0);
    {
      InternalScope internal;
      g_table = new ContextTable(state->slots);
    }
    add_observer(g_table);
    detail::install_tagging(state);
  });
}

bool installed() noexcept { return g_state != nullptr; }

std::string_view dispatch() noexcept {
  switch (g_dispatch) {
    case Dispatch::Interposed: return "interposed";
    case Dispatch::Hooks: return "hooks";
    case Dispatch::None: break;
  }
  return "none";
}

void configure(const Options& options) {
  install();
  if (!installed()) return;
  {
    std::lock_guard lock(g_config_mutex);
    configured() = options;
  }
  g_state->sampler.set_interval(options.sample_interval);
  if (options.signal > 0) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(options.signal, &sa, nullptr);
  }
  if (!options.heap_profile_prefix.empty() && !IsHeapProfilerRunning())
    HeapProfilerStart(options.heap_profile_prefix.c_str());
  if (!options.snapshot_prefix.empty() && options.snapshot_at_exit && !g_exit_registered.exchange(true))
    std::atexit(at_exit_snapshot);
  start_thread_once();
}

void write_snapshot(const std::string& path, std::string_view reason) {
  install();
  if (!installed()) throw std::runtime_error("ctxheap collector is not installed");
  format::SnapshotReason r = format::SnapshotReason::Api;
  if (reason == "signal") r = format::SnapshotReason::Signal;
  else if (reason == "period") r = format::SnapshotReason::Period;
  else if (reason == "exit") r = format::SnapshotReason::Exit;
  write_snapshot_file(*g_state, *g_table, {path, r, g_sequence.fetch_add(1)});
}

std::string write_numbered_snapshot(std::string_view) {
  install();
  if (!installed()) return {};
  return snapshot_numbered(format::SnapshotReason::Api);
}

std::optional<Counters> counters(ContextId id) {
  if (!installed()) return std::nullopt;
  g_table->fold_retired();
  for (const ContextInfo& info : [] { InternalScope i; return g_table->copy(); }()) {
    if (info.id != id) continue;
    CounterValues v = info.final;
    if (!info.retired) {
      const std::uint32_t slot = g_state->slots.find(id);
      if (slot == SlotTable::kNoSlot || slot == SlotTable::kOverflowSlot) return std::nullopt;
      v = g_state->slots.read(slot);
    }
    return Counters{v.alloc_objects, v.alloc_bytes, v.free_objects, v.free_bytes};
  }
  const std::uint32_t slot = g_state->slots.find(id);
  if (slot == SlotTable::kNoSlot || slot == SlotTable::kOverflowSlot) return std::nullopt;
  const CounterValues v = g_state->slots.read(slot);
  return Counters{v.alloc_objects, v.alloc_bytes, v.free_objects, v.free_bytes};
}

Totals totals() {
  Totals t;
  if (!installed()) return t;
  for (const NoContextStripe& n : g_state->no_context) {
    t.no_context.alloc_objects += n.alloc_objects.load(std::memory_order_relaxed);
    t.no_context.alloc_bytes += n.alloc_bytes.load(std::memory_order_relaxed);
    t.no_context.free_objects += n.free_objects.load(std::memory_order_relaxed);
    t.no_context.free_bytes += n.free_bytes.load(std::memory_order_relaxed);
  }
  t.tagged_live_blocks = g_state->side.live_entries();
  t.side_table_bytes = g_state->side.committed_bytes();
  t.slots_in_use = g_state->slots.slots_in_use();
  t.hook_reentries = g_state->hook_reentries.load(std::memory_order_relaxed);
  t.untracked_blocks = g_state->untracked.load(std::memory_order_relaxed);
  return t;
}

}  // namespace ctxheap::collector
