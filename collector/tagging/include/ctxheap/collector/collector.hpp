// The collector: tags every allocation with the context that was current when it was
// made (its own malloc and operator new entry points over tcmalloc), keeps exact per-context counters and sampled stacks,
// and writes symbolized, versioned snapshots.
//
// Linking ctxheap::collector is enough: the hooks are installed while the program loads,
// before main, and the environment configures the triggers:
//   CTXHEAP_SNAPSHOT=<prefix>  write <prefix>.0001.ctxheap, .0002 ... (and one at exit)
//   CTXHEAP_SIGNAL=<signo>     write a snapshot when the signal arrives (SIGSEGV, SIGBUS,
//                              SIGFPE, SIGILL, SIGABRT, SIGKILL and SIGSTOP are refused)
//   CTXHEAP_PERIOD=<seconds>   write a snapshot every period
//   CTXHEAP_SAMPLE=<bytes>     mean sampling interval for allocation stacks (default
//                              524288; 0 = off, 1 = every allocation)
//   CTXHEAP_MODE=sampled       only sampled allocations are recorded (no exact counters),
//                              for production use at a fraction of the cost
//   CTXHEAP_DISPATCH=hooks     feed the collector through tcmalloc's malloc hooks instead
//                              of its own malloc/operator new entry points (the default)
//   CTXHEAP_EXACT_OWNER=table  exact mode keeps each block's owner in the address → owner
//                              side table instead of a 16-byte header in front of the block
//                              (the default with the collector's own entry points)
//   CTXHEAP_HEAPPROFILE=<prefix> also run gperftools' heap profiler (pprof .heap files)
//
// Allocations are charged to ctxheap::current_charge_id(): make a context current with
// ctxheap::CurrentScope or ctxheap::run_under (ctxheap/context/current.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ctxheap/context/types.hpp"

namespace ctxheap::collector {

struct Options {
  std::string snapshot_prefix;           ///< empty: no numbered snapshots
  int signal = 0;                        ///< 0: no signal trigger
  double period_seconds = 0;             ///< 0: no periodic snapshots
  std::uint64_t sample_interval = 512 * 1024;
  bool snapshot_at_exit = true;          ///< only with a prefix
  std::string heap_profile_prefix;       ///< gperftools HeapProfilerStart alongside
};

/// Reads the CTXHEAP_* variables above; unset ones keep their defaults. A CTXHEAP_SIGNAL
/// that is refused (see signal_refusal) is left at 0 with one line on stderr.
Options options_from_environment();

/// Why `signo` cannot trigger snapshots (a fault signal, an uncatchable one, not a signal
/// number), or an empty string when it can.
std::string signal_refusal(int signo);

/// Installs the hooks once (done automatically at load time; calling again is a no-op).
void install() noexcept;
bool installed() noexcept;
/// How allocations reach the collector: "interposed" (its own malloc and operator new call
/// tcmalloc directly; the default), "hooks" (tcmalloc's malloc hooks: CTXHEAP_DISPATCH=hooks,
/// sanitizer builds, or a link order where another malloc wins), or "none" before install.
std::string_view dispatch() noexcept;
/// Applies options: sampling interval, and starts the triggers they ask for. Throws
/// std::invalid_argument for a refused signal (signal_refusal), changing nothing.
///
/// At exit the collector thread is stopped first (a triggered snapshot being written is
/// finished), then the exit snapshot is written: the two never overlap.
void configure(const Options& options);

/// Writes a snapshot to `path` now (temporary file, fsync, rename). Throws on I/O errors.
void write_snapshot(const std::string& path, std::string_view reason = "api");
/// Writes the next numbered snapshot under the configured prefix; returns its path, or
/// an empty string when no prefix is configured.
std::string write_numbered_snapshot(std::string_view reason = "api");

/// Exact counters of one context (tests and tools); nullopt if it never allocated.
struct Counters {
  std::uint64_t alloc_objects = 0, alloc_bytes = 0, free_objects = 0, free_bytes = 0;
  std::uint64_t in_use_objects() const { return alloc_objects - free_objects; }
  std::uint64_t in_use_bytes() const { return alloc_bytes - free_bytes; }
};
std::optional<Counters> counters(ContextId id);

/// The collector's own view of the process.
struct Totals {
  Counters no_context;                 ///< bytes in tcmalloc's size-class units
  /// Live blocks in the side table (all tagged blocks with CTXHEAP_EXACT_OWNER=table or
  /// hook dispatch; with block headers only the blocks that have none).
  std::uint64_t tagged_live_blocks = 0;
  std::uint64_t side_table_bytes = 0;  ///< memory the address → owner table has touched
  std::uint64_t slots_in_use = 0;
  std::uint64_t hook_reentries = 0;    ///< allocations made inside the hook (must stay 0)
  std::uint64_t untracked_blocks = 0;  ///< tagged blocks the side table could not hold
};
Totals totals();

}  // namespace ctxheap::collector
