// Progress reporting and cancellation for loading and analysis. Callbacks run on the
// thread doing the work (the GUI runs it off its UI thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <string_view>

namespace ctxheap::analyzer {

/// Pipeline stages, in order.
enum class Stage : std::uint8_t {
  Reading,      ///< done/total = file bytes consumed / file size
  Forest,       ///< done/total = contexts
  Findings,     ///< done/total = contexts
  Suspects,     ///< done/total = stale entries grouped
  Series,       ///< done/total = snapshots
  Diff,         ///< done/total = steps
};
std::string_view to_string(Stage stage) noexcept;

/// Called with (stage, done, total); done is non-decreasing within a stage and the last
/// call of a stage has done == total. Called at most a few hundred times per stage.
using ProgressFn = std::function<void(Stage stage, std::uint64_t done, std::uint64_t total)>;

struct RunControl {
  ProgressFn progress{};
  /// Polled between records and every few thousand contexts; when it becomes true the
  /// operation throws Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

/// The operation stopped because RunControl::cancel became true. Not an input error.
class Cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "analysis cancelled"; }
};

}  // namespace ctxheap::analyzer
