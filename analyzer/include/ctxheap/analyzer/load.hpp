// Turning input files into Profiles. The format is detected by content, never by name.
#pragma once

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <stdexcept>
#include <vector>

#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/progress.hpp"

namespace ctxheap::analyzer {

struct LoadOptions {
  /// Stage::Reading with (input bytes consumed, input size); the size is 0 when it is
  /// unknown (standard input).
  ProgressFn progress{};
  /// Polled between records; when it becomes true loading throws Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  /// When set, the path "-" reads this stream (the CLI's standard input) as it arrives,
  /// named "<stdin>" in messages and meta.source_path. Nothing is copied to a file.
  std::istream* standard_input = nullptr;
};

/// The input cannot be used: missing, unreadable, not a supported format, truncated,
/// corrupt, too new or over a limit. what() is one line starting with the file name,
/// e.g. "a.ctxheap: truncated: record 12 at body offset 4821 ends early (30 of 77 bytes)"
/// or "a.heap: gperftools heap profiles are not supported yet". The CLI prints it and
/// exits 2.
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Refuses a context graph no run can produce: a context that is its own parent or
/// registrar, a cycle of parents or of registrars, or a context not destroyed whose
/// parent or registrar is absent. Throws LoadError ("name: impossible context graph:
/// ..."). load_profile applies it to every ctxheap snapshot.
void check_context_graph(const Profile& profile);

/// Loads one profile: sniffs its format once by content (input_format.hpp) and hands it
/// to its reader. ctxheap snapshots are streamed through the format module
/// (ctxheap::format::SnapshotReader), from a file or standard input alike, so progress
/// and cancellation work on any size. Throws LoadError or Cancelled.
Profile load_profile(const std::filesystem::path& path, const LoadOptions& options = {});

/// Loads two or more snapshots of one run and returns them in run order, whatever the
/// order of `paths` (order_series in run_identity.hpp owns the rule). Throws LoadError
/// for fewer than two paths, for snapshots of different runs, for one snapshot given
/// twice, or for any file load_profile rejects. Progress is reported per file.
std::vector<Profile> load_series(const std::vector<std::filesystem::path>& paths, const LoadOptions& options = {});

}  // namespace ctxheap::analyzer
