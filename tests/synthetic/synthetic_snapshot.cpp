// The synthetic snapshot generator: ids are dense (Background is 1, the servers follow),
// every request context gets one sampled site, and every number is a pure function of the
// seed and the context's position, so nothing but the writer holds memory.
#include "synthetic_snapshot.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctxheap/format/writer.hpp"

namespace ctxheap_bench {
namespace {

namespace fmt = ctxheap::format;

constexpr std::uint64_t kSecond = 1'000'000'000ull;
constexpr std::uint64_t kNow = 4'000 * kSecond;  // snapshot time on the run's steady clock
constexpr std::uint32_t kFunctionPool = 512;

std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// String ids, fixed by the order write_strings_table() writes them in.
struct StringIds {
  fmt::StringId server_first = 0;  // server-0 .. server-(P-1)
  fmt::StringId request = 0;
  fmt::StringId link = 0;
  fmt::StringId module = 0;
  fmt::StringId runtime_file = 0;
  fmt::StringId with_cancel = 0;
  fmt::StringId with_timeout = 0;
  fmt::StringId with_value = 0;
  fmt::StringId allocator_property = 0;
  fmt::StringId function_first = 0;  // app::fn_0 .. app::fn_(kFunctionPool-1)
  fmt::StringId file_first = 0;      // src/file_0.cpp ..
  fmt::StringId leaf_first = 0;      // app::site_0 .. one per stack, so stacks are distinct
};

class Generator {
 public:
  Generator(const std::filesystem::path& path, const SyntheticShape& shape) : shape_(shape), writer_(path) {}

  SyntheticStats run() {
    write_header();
    write_contexts();
    fmt::Totals totals;
    totals.allocator.push_back({ids_.allocator_property, inuse_bytes_});
    totals.contexts_tracked = stats_.contexts;
    totals.contexts_created = stats_.contexts + stats_.contexts / 2;
    totals.no_context_alloc_objects = 1'000;
    totals.no_context_alloc_bytes = 64'000;
    writer_.write(totals);
    writer_.finish();
    stats_.file_bytes = std::filesystem::file_size(writer_.final_path());
    return stats_;
  }

 private:
  void write_header() {
    fmt::Metadata meta;
    meta.program = "synthetic";
    meta.command_line = {"synthetic", std::string(to_string(shape_.shape)), std::to_string(shape_.contexts)};
    meta.pid = 4242;
    meta.hostname = "bench";
    meta.wall_time_ns = 1'764'000'000'000'000'000ull;
    meta.monotonic_time_ns = kNow;
    meta.sampling_interval_bytes = 524'288;
    meta.max_stack_depth = shape_.stack_depth;
    meta.collector_version = "synthetic";
    writer_.write(meta);

    std::vector<std::string> s{""};
    auto add = [&](std::string text) {
      s.push_back(std::move(text));
      return static_cast<fmt::StringId>(s.size() - 1);
    };
    ids_.server_first = static_cast<fmt::StringId>(s.size());
    for (std::uint32_t p = 0; p < shape_.parents; ++p) add("server-" + std::to_string(p));
    ids_.request = add("request");
    ids_.link = add("middleware");
    ids_.module = add("bin/synthetic");
    ids_.runtime_file = add("collector/context/src/factories.cpp");
    ids_.with_cancel = add("ctxheap::with_cancel(ctxheap::Context const&)");
    ids_.with_timeout = add("ctxheap::with_timeout(ctxheap::Context const&, std::chrono::nanoseconds)");
    ids_.with_value = add("ctxheap::with_value(ctxheap::Context const&, ctxheap::Key, std::any)");
    ids_.allocator_property = add("generic.current_allocated_bytes");
    ids_.function_first = static_cast<fmt::StringId>(s.size());
    for (std::uint32_t f = 0; f < kFunctionPool; ++f) add("app::fn_" + std::to_string(f) + "()");
    ids_.file_first = static_cast<fmt::StringId>(s.size());
    for (std::uint32_t f = 0; f < kFunctionPool; ++f) add("src/file_" + std::to_string(f % 64) + ".cpp");
    ids_.leaf_first = static_cast<fmt::StringId>(s.size());
    const std::uint32_t stacks = 1 + shape_.creation_sites + shape_.alloc_stacks;
    for (std::uint32_t k = 0; k < stacks; ++k) add("app::site_" + std::to_string(k) + "()");
    writer_.write_strings(s);

    // Stack 1: the servers' creation; 2..1+creation_sites: request creation sites; the
    // rest: allocation stacks.
    for (std::uint32_t k = 0; k < stacks; ++k) {
      fmt::Stack stack;
      stack.id = k + 1;
      const bool creation = k <= shape_.creation_sites;
      const std::uint64_t base = 0x400000 + std::uint64_t{k} * 0x1000;
      if (creation) stack.frames.push_back(frame(base, k % 3 == 0 ? ids_.with_timeout : ids_.with_cancel, ids_.runtime_file, 120));
      stack.frames.push_back(frame(base + 0x10, ids_.leaf_first + k, ids_.file_first + k % kFunctionPool, 10 + k % 400));
      for (std::uint32_t d = stack.frames.size(); d < shape_.stack_depth; ++d) {
        const std::uint32_t f = static_cast<std::uint32_t>(mix(k * 131ull + d) % kFunctionPool);
        stack.frames.push_back(frame(base + 0x20 + d * 8, ids_.function_first + f, ids_.file_first + f, 20 + d));
      }
      writer_.write(stack);
    }
    stats_.stacks = stacks;
  }

  fmt::Frame frame(std::uint64_t address, fmt::StringId function, fmt::StringId file, std::uint32_t line) const {
    return fmt::Frame{address, function, file, line, ids_.module, address - 0x400000, false};
  }

  /// Request creation sites: the first two are the leaky handlers (every dropped cancel
  /// comes from one of them, as in a real leak); the rest are well-behaved.
  fmt::StackId creation_stack(std::uint64_t key, bool leaky) const {
    const std::uint32_t leaky_sites = std::min<std::uint32_t>(2, shape_.creation_sites);
    if (leaky || shape_.creation_sites == leaky_sites) return 2 + mix(key ^ shape_.seed) % leaky_sites;
    return 2 + leaky_sites + mix(key ^ shape_.seed) % (shape_.creation_sites - leaky_sites);
  }
  fmt::StackId alloc_stack(std::uint64_t id) const {
    return 2 + shape_.creation_sites + mix(id * 7 + shape_.seed) % shape_.alloc_stacks;
  }

  void emit(const fmt::ContextRecord& c, std::uint64_t depth) {
    writer_.write(c);
    ++stats_.contexts;
    stats_.max_depth = std::max(stats_.max_depth, depth);
    if (c.state == fmt::ContextState::Live && c.registered_under_id != 0 && c.cancel_dropped) ++stats_.stale;
    inuse_bytes_ += c.alloc_bytes - c.freed_bytes;
    if (c.kind == fmt::ContextKind::Background || c.alloc_objects == 0) return;
    // One sampled site per context: what the Poisson sampler would have kept of it.
    fmt::Site site;
    site.context_id = c.id;
    site.stack_id = alloc_stack(c.id);
    site.estimated_alloc_objects = c.alloc_objects;
    site.estimated_alloc_bytes = c.alloc_bytes;
    site.estimated_inuse_objects = c.alloc_objects - c.freed_objects;
    site.estimated_inuse_bytes = c.alloc_bytes - c.freed_bytes;
    site.sampled_alloc_objects = 1;
    site.sampled_alloc_bytes = c.alloc_bytes / std::max<std::uint64_t>(c.alloc_objects, 1);
    site.sampled_inuse_objects = site.estimated_inuse_objects != 0 ? 1 : 0;
    site.sampled_inuse_bytes = site.sampled_inuse_objects != 0 ? site.sampled_alloc_bytes : 0;
    writer_.write(site);
    ++stats_.sites;
  }

  std::uint64_t remaining() const { return shape_.contexts - stats_.contexts; }

  /// A request: a value context holding its payload, and a cancelable child derived from it
  /// (registered under the server). 40 % are still live, half of those with the cancel dropped.
  void request(std::uint64_t n, std::uint64_t server) {
    const std::uint64_t r = mix(n ^ (shape_.seed << 20));
    const std::uint64_t created = kNow - (60 + r % 3'000) * kSecond;
    const bool live = r % 10 < 4;
    const bool dropped = live && (r >> 8) % 2 == 0;
    fmt::ContextRecord value;
    value.id = next_id_++;
    value.kind = fmt::ContextKind::Value;
    value.parent_id = server;
    value.name = ids_.request;
    value.created_ns = created;
    value.creation_stack_id = creation_stack(n, dropped);
    value.alloc_objects = 1;
    value.alloc_bytes = 1'024;
    value.last_alloc_ns = created;
    if (!live) {
      value.freed_objects = 1;
      value.freed_bytes = 1'024;
      value.destroyed = true;
    }
    emit(value, 2);
    if (remaining() == 0) return;

    fmt::ContextRecord child;
    child.id = next_id_++;
    child.kind = r % 5 == 0 ? fmt::ContextKind::Deadline : fmt::ContextKind::Cancel;
    child.parent_id = value.id;
    child.name = ids_.request;
    child.created_ns = created;
    child.creation_stack_id = creation_stack(n, dropped);
    if (child.kind == fmt::ContextKind::Deadline) child.deadline_ns = created + 3'600 * kSecond * 2;
    child.alloc_objects = 3 + r % 5;
    child.alloc_bytes = 96 * child.alloc_objects + (r >> 16) % 4'096;
    child.last_alloc_ns = dropped ? created : kNow - (r >> 24) % kSecond;
    if (live) {
      child.registered_under_id = server;
      child.cancel_dropped = dropped;
      if (!dropped) child.freed_objects = 1, child.freed_bytes = 96;
    } else {
      child.state = fmt::ContextState::Cancelled;
      child.err = fmt::ContextErr::Canceled;
      child.ended_ns = created + (r >> 32) % kSecond;
      child.freed_objects = child.alloc_objects;
      child.freed_bytes = child.alloc_bytes;
      child.destroyed = true;
    }
    emit(child, 3);
  }

  /// A chain of middleware links, each a live cancel child registered under the previous
  /// link and allocating now and then; the innermost link's cancel was dropped.
  void chain(std::uint64_t n, std::uint64_t server) {
    const std::uint64_t length = std::min<std::uint64_t>(shape_.chain_length, remaining());
    std::uint64_t parent = server;
    const std::uint64_t created = kNow - (100 + mix(n) % 1'000) * kSecond;
    for (std::uint64_t depth = 0; depth < length; ++depth) {
      fmt::ContextRecord link;
      link.id = next_id_++;
      link.kind = fmt::ContextKind::Cancel;
      link.parent_id = parent;
      link.registered_under_id = parent;
      link.name = ids_.link;
      link.created_ns = created + depth;
      link.creation_stack_id = creation_stack(n * 977 + depth % 8, depth + 1 == length);
      link.alloc_objects = 2;
      link.alloc_bytes = 256;
      link.cancel_dropped = depth + 1 == length;
      link.last_alloc_ns = link.cancel_dropped ? link.created_ns : kNow - kSecond;
      emit(link, depth + 2);
      parent = link.id;
    }
  }

  void write_contexts() {
    if (shape_.parents == 0 || shape_.contexts < shape_.parents + 2ull)
      throw std::invalid_argument("a synthetic snapshot needs at least parents + 2 contexts");
    if (shape_.creation_sites == 0 || shape_.alloc_stacks == 0 || shape_.stack_depth < 2)
      throw std::invalid_argument("a synthetic snapshot needs creation sites, allocation stacks and depth >= 2");
    fmt::ContextRecord bg;
    bg.id = next_id_++;
    bg.kind = fmt::ContextKind::Background;
    emit(bg, 0);
    for (std::uint32_t p = 0; p < shape_.parents; ++p) {
      fmt::ContextRecord server;
      server.id = next_id_++;
      server.kind = fmt::ContextKind::Cancel;
      server.parent_id = bg.id;
      server.name = ids_.server_first + p;
      server.created_ns = kSecond;
      server.creation_stack_id = 1;
      server.alloc_objects = 10;
      server.alloc_bytes = 4'096;
      server.last_alloc_ns = kNow - kSecond;
      emit(server, 1);
    }
    for (std::uint64_t n = 0; remaining() > 0; ++n) {
      const std::uint64_t server = 2 + n % shape_.parents;
      // Deep trees: one work item in four is a chain; the rest are requests.
      if (shape_.shape == TreeShape::Deep && n % 4 == 3)
        chain(n, server);
      else
        request(n, server);
    }
  }

  SyntheticShape shape_;
  fmt::SnapshotWriter writer_;
  StringIds ids_{};
  SyntheticStats stats_{};
  std::uint64_t next_id_ = 1;
  std::uint64_t inuse_bytes_ = 0;
};

}  // namespace

std::string_view to_string(TreeShape shape) noexcept {
  return shape == TreeShape::Wide ? "wide" : "deep";
}

SyntheticStats write_synthetic_snapshot(const std::filesystem::path& path, const SyntheticShape& shape) {
  return Generator(path, shape).run();
}

}  // namespace ctxheap_bench
