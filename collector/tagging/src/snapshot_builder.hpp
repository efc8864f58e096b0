// Turns the collector's state into one snapshot file: symbolizes stacks, converts the
// records to the format module's structs and streams them through SnapshotWriter.
// Runs on whichever thread asked for the snapshot, never in a hook.
#pragma once

#include <cstdint>
#include <filesystem>

#include "ctxheap/format/snapshot.hpp"
#include "context_table.hpp"
#include "state.hpp"

namespace ctxheap::collector {

struct SnapshotRequest {
  std::filesystem::path path;
  format::SnapshotReason reason = format::SnapshotReason::Api;
  std::uint64_t sequence = 0;
};

/// Writes one snapshot; throws std::system_error / std::invalid_argument from the writer.
void write_snapshot_file(State& state, ContextTable& table, const SnapshotRequest& request);

/// Held across fork() (pthread_atfork): a child never inherits the snapshot lock taken by a
/// snapshot that was being written in the parent, which would block its exit snapshot.
void hold_snapshots_for_fork() noexcept;
void release_snapshots_after_fork() noexcept;

/// tcmalloc-style un-sampling: the expected number of allocations one sample of average
/// size `avg_bytes` stands for, at mean interval `interval` bytes.
double unsampling_scale(double avg_bytes, double interval);

}  // namespace ctxheap::collector
