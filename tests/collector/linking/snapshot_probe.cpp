// A program that uses contexts but calls nothing from the collector: linked with the static
// collector archive alone (no --whole-archive), it must still write its exit snapshot.
#include <cstdlib>
#include <string>
#include <vector>

#include "ctxheap/context/all.hpp"

int main() {
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "request");
  std::vector<std::string> kept;
  ctxheap::run_under(ctx, [&] {
    for (int i = 0; i < 100; ++i) kept.emplace_back(1000, 'x');
  });
  cancel();
  return kept.size() == 100 ? 0 : 1;
}
