// Test-only hooks into the collector's timing, so that tests can hold a race open
// deterministically instead of hoping to hit it.
#pragma once

namespace ctxheap::collector::detail {

/// Called by every numbered snapshot (signal, period, exit, API) after its number is
/// taken and before it is written; nullptr (the default) for none.
void set_snapshot_pause_for_test(void (*pause)()) noexcept;

}  // namespace ctxheap::collector::detail
