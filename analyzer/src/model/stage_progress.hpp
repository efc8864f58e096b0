// Progress and cancellation inside a pipeline stage: cheap enough to call per element.
#pragma once

#include <atomic>
#include <cstdint>

#include "ctxheap/analyzer/progress.hpp"

namespace ctxheap::analyzer::detail {

class StageProgress {
 public:
  StageProgress(const RunControl& control, Stage stage, std::uint64_t total)
      : control_(control), stage_(stage), total_(total), step_(total / 256 + 1) {
    check();
  }
  /// Call with the number of elements done; checks cancellation every 4096 elements and
  /// reports about 256 times per stage.
  void tick(std::uint64_t done) {
    if ((done & 4095) == 0) check();
    if (control_.progress && done >= next_) {
      next_ = done + step_;
      control_.progress(stage_, done, total_);
    }
  }
  void finish() {
    check();
    if (control_.progress) control_.progress(stage_, total_, total_);
  }
  void check() const {
    if (control_.cancel != nullptr && control_.cancel->load(std::memory_order_relaxed)) throw Cancelled();
  }

 private:
  const RunControl& control_;
  Stage stage_;
  std::uint64_t total_;
  std::uint64_t step_;
  std::uint64_t next_ = 0;
};

}  // namespace ctxheap::analyzer::detail
