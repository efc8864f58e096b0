// Public API, installation and triggers (API call, signal, period, exit).
#include "ctxheap/collector/collector.hpp"

#include <gperftools/heap-profiler.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>

#include "context_table.hpp"
#include "dispatch.hpp"
#include "snapshot_builder.hpp"
#include "state.hpp"
#include "test_points.hpp"

namespace ctxheap::collector {
namespace detail {
bool install_tagging(State* state) noexcept;
}

namespace {

ContextTable* g_table = nullptr;

// Trigger state. The signal handler only posts a semaphore (async-signal-safe); the
// collector thread does the work.
//
// Shutdown order (the exit handler, registered when the thread starts): stop the collector
// thread (it finishes the snapshot it is writing, then acknowledges), then write the exit
// snapshot. So an exit snapshot and a triggered one never overlap, no snapshot is cut
// short by the process ending, and nothing the thread reads is destroyed while it runs:
// every object it touches (state, table, options, semaphores, mutexes) is never destroyed.
sem_t g_wake;
sem_t g_stopped;
std::atomic<bool> g_signal_pending{false};
std::atomic<bool> g_thread_started{false};
std::atomic<bool> g_stopping{false};
std::atomic<pid_t> g_thread_pid{0};  // the process the thread runs in (fork copies no threads)
std::mutex g_config_mutex;           // trivially destructible: usable during static destruction
// Never destroyed: the snapshot prefix is read by the collector thread and the exit handler
// while static destructors run. Function-local: install_at_load runs before this file's
// dynamic initializers.
Options& configured() {
  static Options* options = [] {
    InternalScope internal;
    return new Options();
  }();
  return *options;
}
std::atomic<std::uint64_t> g_sequence{0};
std::atomic<bool> g_exit_registered{false};
std::atomic<void (*)()> g_pause_for_test{nullptr};

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
  if (auto hold = g_pause_for_test.load()) hold();
  write_snapshot_file(*g_state, *g_table, {path, reason, seq});
  if (heap_profile && IsHeapProfilerRunning()) HeapProfilerDump(std::string(format::to_string(reason)).c_str());
  return path;
}

void report_failure(const char* what, const std::exception& e) {
  std::fprintf(stderr, "ctxheap: %s snapshot failed: %s\n", what, e.what());
}

// Refreshes the coarse clock the hooks stamp allocations with, and serves the signal
// and period triggers until the exit handler stops it.
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
    if (g_stopping.load()) break;
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
  // Stopped: acknowledge, then park until the process ends. Not returning keeps thread-exit
  // work (thread_local destructors, libunwind's per-thread cache) out of static destruction.
  sem_post(&g_stopped);
  for (;;) pause();
}

// Waits for the collector thread to finish what it is writing and stop. Only the process
// that started it waits: a forked child has no collector thread unless it configured anew.
void stop_thread() {
  if (!g_thread_started.load() || g_thread_pid.load() != getpid() || g_stopping.exchange(true)) return;
  sem_post(&g_wake);
  while (sem_wait(&g_stopped) != 0 && errno == EINTR) {
  }
}

void at_exit() {
  stop_thread();
  bool exit_snapshot;
  {
    std::lock_guard lock(g_config_mutex);
    exit_snapshot = configured().snapshot_at_exit && !configured().snapshot_prefix.empty();
  }
  if (!exit_snapshot) return;
  try {
    snapshot_numbered(format::SnapshotReason::Exit);
  } catch (const std::exception& e) {
    report_failure("exit", e);
  }
}

// fork(): the snapshot and configuration locks are held across it, so the child never
// inherits one taken by the parent's collector thread. A forked child starts without the
// collector thread; configure() in it starts a new one.
void before_fork() {
  hold_snapshots_for_fork();
  g_config_mutex.lock();
}
void after_fork_in_parent() {
  g_config_mutex.unlock();
  release_snapshots_after_fork();
}
void after_fork_in_child() {
  g_config_mutex.unlock();
  release_snapshots_after_fork();
  g_thread_started.store(false);
  g_thread_pid.store(0);
  g_stopping.store(false);
}

void start_thread_once() {
  if (g_thread_started.exchange(true)) return;
  if (!g_exit_registered.exchange(true)) {
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
    std::atexit(at_exit);
  }
  g_thread_pid.store(getpid());
  InternalScope internal;
  std::thread(collector_thread).detach();
}

// Signals that report a fault or cannot be caught: a snapshot on them would be written
// for a real crash (or never), so they are refused.
const char* refused_signal_name(int signo) {
  switch (signo) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGSTOP: return "SIGSTOP";
    default: return nullptr;
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
  if (const char* text = std::getenv("CTXHEAP_SIGNAL"); text != nullptr && *text != '\0') {
    const std::string refusal = signal_refusal(parse_u64(text, &v) && v < 65 ? static_cast<int>(v) : -1);
    if (refusal.empty()) o.signal = static_cast<int>(v);
    else std::fprintf(stderr, "ctxheap: CTXHEAP_SIGNAL=%s ignored: %s\n", text, refusal.c_str());
  }
  if (const char* p = std::getenv("CTXHEAP_PERIOD")) {
    char* end = nullptr;
    const double d = std::strtod(p, &end);
    if (end != p && *end == '\0' && d > 0) o.period_seconds = d;
  }
  if (parse_u64(std::getenv("CTXHEAP_SAMPLE"), &v)) o.sample_interval = v;
  if (const char* p = std::getenv("CTXHEAP_HEAPPROFILE")) o.heap_profile_prefix = p;
  return o;
}

std::string signal_refusal(int signo) {
  if (signo <= 0 || signo >= 65) return "not a signal number (1-64); use SIGUSR1 (10) or SIGUSR2 (12)";
  if (const char* name = refused_signal_name(signo))
    return std::string(name) + " (" + std::to_string(signo) +
           ") reports a fault or cannot be caught; use SIGUSR1 (10) or SIGUSR2 (12)";
  return {};
}

namespace detail {
void set_snapshot_pause_for_test(void (*pause)()) noexcept { g_pause_for_test.store(pause); }
}  // namespace detail

void install() noexcept {
  static std::once_flag once;
  // noexcept: a failure (no memory for the context table) leaves the collector uninstalled
  // and the program running unprofiled, never std::terminate.
  try {
    std::call_once(once, [] {
      // The state lives in mmap'd memory and is never destroyed: hooks may run during
      // static destruction and in threads that outlive main.
      void* mem = reserve_zeroed(sizeof(State));
      if (mem == nullptr) return;
      auto* state = ::new (mem) State();
      sem_init(&g_wake, 0, 0);
      sem_init(&g_stopped, 0, 0);
      {
        InternalScope internal;
        g_table = new ContextTable(state->slots);
      }
      add_observer(g_table);
      detail::install_tagging(state);
    });
  } catch (...) {
  }
}

bool installed() noexcept { return g_state != nullptr; }

std::string_view dispatch() noexcept {
  switch (dispatch_now()) {
    case Dispatch::Interposed: return "interposed";
    case Dispatch::Hooks: return "hooks";
    case Dispatch::None: break;
  }
  return "none";
}

void configure(const Options& options) {
  if (options.signal != 0) {
    if (const std::string refusal = signal_refusal(options.signal); !refusal.empty())
      throw std::invalid_argument("signal " + std::to_string(options.signal) + " refused: " + refusal);
  }
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
