// ctxheap-synth: writes a synthetic snapshot (for benchmarks and for trying the GUI or the
// CLI on a big input).  Usage: ctxheap-synth OUT CONTEXTS [wide|deep]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "synthetic_snapshot.hpp"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s OUT CONTEXTS [wide|deep]\n", argv[0]);
    return 2;
  }
  ctxheap_bench::SyntheticShape shape;
  char* end = nullptr;
  shape.contexts = std::strtoull(argv[2], &end, 10);
  if (end == argv[2] || *end != '\0') {
    std::fprintf(stderr, "ctxheap-synth: CONTEXTS must be a number, got '%s'\n", argv[2]);
    return 2;
  }
  const std::string_view kind = argc == 4 ? argv[3] : "wide";
  if (kind != "wide" && kind != "deep") {
    std::fprintf(stderr, "ctxheap-synth: shape must be wide or deep, got '%s'\n", argv[3]);
    return 2;
  }
  shape.shape = kind == "deep" ? ctxheap_bench::TreeShape::Deep : ctxheap_bench::TreeShape::Wide;
  try {
    const auto stats = ctxheap_bench::write_synthetic_snapshot(argv[1], shape);
    std::printf("%s: %llu contexts, %llu sites, %llu stale, depth %llu, %llu bytes\n", argv[1],
                static_cast<unsigned long long>(stats.contexts), static_cast<unsigned long long>(stats.sites),
                static_cast<unsigned long long>(stats.stale), static_cast<unsigned long long>(stats.max_depth),
                static_cast<unsigned long long>(stats.file_bytes));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ctxheap-synth: %s\n", e.what());
    return 2;
  }
  return 0;
}
