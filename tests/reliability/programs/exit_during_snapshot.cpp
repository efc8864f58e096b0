// Exits while the collector is busy with triggered snapshots; run by shutdown_test.cpp
// with CTXHEAP_SNAPSHOT and CTXHEAP_SIGNAL=10 (SIGUSR1) set.
//
//   exit_during_snapshot pause   raises SIGUSR1 and returns from main while the collector
//                                thread is held inside that snapshot (the collector's test
//                                pause point): the exit snapshot must wait for it
//   exit_during_snapshot storm   writes one byte to stdout when the collector is configured
//                                (the test then sends SIGUSR1 every 0.3-2 ms), builds a
//                                context tree for a while and returns from main
//
// Both set snapshot_at_exit, so the last snapshot is the exit one.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "test_points.hpp"

namespace {

std::atomic<int> g_pauses{0};

// Holds the first snapshot (the triggered one) open long enough for main to return and
// the exit handler to start; later snapshots pass.
void hold_first_snapshot() {
  if (g_pauses.fetch_add(1) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

}  // namespace

int main(int argc, char** argv) {
  const bool storm = argc > 1 && std::strcmp(argv[1], "storm") == 0;
  auto [server, stop_server] = ctxheap::with_cancel(ctxheap::background(), "server");
  if (!storm) {
    ctxheap::collector::detail::set_snapshot_pause_for_test(hold_first_snapshot);
    raise(SIGUSR1);
    while (g_pauses.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 0;  // exit while the triggered snapshot is being written
  }
  const char ready = 'r';
  if (write(1, &ready, 1) != 1) return 3;
  std::vector<ctxheap::CancelableContext> requests;
  std::vector<std::unique_ptr<char[]>> bodies;
  for (int i = 0; i < 6000; ++i) {
    requests.push_back(ctxheap::with_cancel(server, "request"));
    ctxheap::CurrentScope scope(requests.back().ctx);
    bodies.emplace_back(new char[256]);
  }
  return 0;  // exit during the storm: statics destroyed while signals keep coming
}
