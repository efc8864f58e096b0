// A valid snapshot whose retention forest is one long chain: a server context, then
// `links` cancel contexts each derived from and registered under the previous one, every
// link's cancel dropped. Every link is a stale child entry in its own group (each has its
// own registrar), each retains the rest of the chain, so a report that lists every group,
// suspect or tree level grows with the depth while the file stays small (about 5 bytes a
// link). Streamed through the format module's SnapshotWriter: nothing is held per link.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctxheap/format/writer.hpp"

namespace ctxheap_test {

struct DeepChainFacts {
  std::uint64_t contexts = 0;  ///< background + server + links
  std::uint64_t stale = 0;     ///< every link
  std::uint64_t inuse_bytes = 0;
};

inline constexpr std::uint64_t kDeepChainLinkBytes = 256;

/// Writes the chain to `path`. Every `site_every`-th link also has a sampled allocation
/// site (0: none).
inline DeepChainFacts write_deep_chain_snapshot(const std::filesystem::path& path, std::uint64_t links,
                                                std::uint64_t site_every = 1'000) {
  namespace fmt = ctxheap::format;
  constexpr std::uint64_t second = 1'000'000'000ull;
  constexpr std::uint64_t now = 4'000 * second;
  fmt::SnapshotWriter writer(path);
  fmt::Metadata meta;
  meta.program = "deep_chain";
  meta.command_line = {"deep_chain", std::to_string(links)};
  meta.pid = 4242;
  meta.hostname = "test";
  meta.wall_time_ns = 1'764'000'000'000'000'000ull;
  meta.monotonic_time_ns = now;
  meta.sampling_interval_bytes = 1;
  meta.max_stack_depth = 8;
  meta.collector_version = "test";
  writer.write(meta);
  const std::vector<std::string> strings{"",
                                         "server",
                                         "middleware",
                                         "bin/deep_chain",
                                         "ctxheap::with_cancel(ctxheap::Context const&)",
                                         "factories.cpp",
                                         "main",
                                         "main.cpp",
                                         "wrap(ctxheap::Context const&)",
                                         "middleware.cpp",
                                         "make_buffer()",
                                         "generic.current_allocated_bytes"};
  writer.write_strings(strings);
  auto frame = [](std::uint64_t address, fmt::StringId function, fmt::StringId file, std::uint32_t line) {
    return fmt::Frame{.address = address, .function = function, .file = file, .line = line, .module = 3,
                      .module_offset = address};
  };
  writer.write(fmt::Stack{.id = 1, .frames = {frame(0x1000, 4, 5, 27), frame(0x2000, 6, 7, 12)}});
  writer.write(fmt::Stack{.id = 2, .frames = {frame(0x1000, 4, 5, 27), frame(0x3000, 8, 9, 40), frame(0x2100, 6, 7, 20)}});
  writer.write(fmt::Stack{.id = 3, .frames = {frame(0x4000, 10, 9, 44), frame(0x3010, 8, 9, 41), frame(0x2100, 6, 7, 20)}});

  DeepChainFacts facts;
  writer.write(fmt::ContextRecord({.id = 1, .kind = fmt::ContextKind::Background}));
  writer.write(fmt::ContextRecord({.id = 2, .kind = fmt::ContextKind::Cancel, .parent_id = 1, .name = 1,
                                  .created_ns = second, .last_alloc_ns = now - second}, 1, {.alloc_objects = 1, .alloc_bytes = kDeepChainLinkBytes}));
  facts.contexts = 2;
  facts.inuse_bytes = kDeepChainLinkBytes;
  std::uint64_t parent = 2;
  for (std::uint64_t k = 0; k < links; ++k) {
    const std::uint64_t id = 3 + k;
    writer.write(fmt::ContextRecord({.id = id, .kind = fmt::ContextKind::Cancel, .parent_id = parent,
                                    .registered_under_id = parent, .name = 2, .created_ns = 10 * second + k,
                                    .cancel_dropped = true,
                                    .last_alloc_ns = 10 * second + k}, 2, {.alloc_objects = 1, .alloc_bytes = kDeepChainLinkBytes}));
    parent = id;
  }
  facts.contexts += links;
  facts.stale = links;
  facts.inuse_bytes += links * kDeepChainLinkBytes;
  if (site_every != 0)
    for (std::uint64_t k = 0; k < links; k += site_every)
      writer.write(fmt::Site{.context_id = 3 + k, .stack_id = 3,
                             .sampled_alloc_objects = 1, .sampled_alloc_bytes = kDeepChainLinkBytes,
                             .sampled_inuse_objects = 1, .sampled_inuse_bytes = kDeepChainLinkBytes,
                             .estimated_alloc_objects = 1, .estimated_alloc_bytes = kDeepChainLinkBytes,
                             .estimated_inuse_objects = 1, .estimated_inuse_bytes = kDeepChainLinkBytes});
  fmt::Totals totals;
  totals.contexts_tracked = facts.contexts;
  totals.contexts_created = facts.contexts;
  totals.allocator = {fmt::AllocatorProperty{.name = 11, .value = facts.inuse_bytes}};
  writer.write(totals);
  writer.finish();
  return facts;
}

}  // namespace ctxheap_test
