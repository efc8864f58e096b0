// A real snapshot file (written by the format module's writer) whose every text field
// holds hostile text: markup, quotes, backticks, NUL and other control bytes, invalid
// UTF-8, terminal escapes and 1 MB lengths. Its shape is handler_leak's: a server holds
// stale children (dropped cancels) under value contexts, so every report names the
// server, the children's creation site (function, file) and their allocation site.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ctxheap/format/snapshot.hpp"
#include "ctxheap/format/writer.hpp"

namespace ctxheap_test {

/// One hostile string per field, each distinct so a test can tell where it came from.
struct HostileText {
  std::string server_name;       ///< the registrar holding the stale children
  std::string child_name;        ///< every stale child
  std::string value_name;        ///< the value context above each child
  std::string creation_function; ///< the children's creation site
  std::string creation_file;
  std::string alloc_function;    ///< the sampled allocation site
  std::string alloc_file;
  std::string module;
  std::string program;
  std::string hostname;
  std::string cause;             ///< the cause of a cancelled, still-retaining context
};

inline std::string with_nul(std::string_view before, std::string_view after) {
  std::string s(before);
  s.push_back('\0');
  s.append(after);
  return s;
}

/// Text of `bytes` bytes that repeats `unit` (cut at a unit boundary, then padded with 'x').
inline std::string long_text(std::string_view unit, std::size_t bytes) {
  std::string s;
  s.reserve(bytes);
  while (s.size() + unit.size() <= bytes) s.append(unit);
  s.append(bytes - s.size(), 'x');
  return s;
}

inline HostileText hostile_text() {
  HostileText t;
  t.server_name = "<script>alert('server')</script>";
  t.child_name = "\"><img src=x onerror=alert(1)> `child` 'q' \x1b]0;title\x07 csi\xc2\x9b" "2J";
  t.value_name = "value\x1b[31mRED\x1b[0m\x07" "bell\x9b" "2J";
  t.creation_function = with_nul("handle`request`(<T>&)|col", "after-nul");
  // Invalid UTF-8, raw 8-bit C1 controls (CSI, OSC, ST) and a RIGHT-TO-LEFT OVERRIDE.
  t.creation_file = "/src/\xff\xfe-invalid-\xc3" "(utf8|<b>)\x9b\x9d\x9c-\xe2\x80\xae" "rlo.cpp";
  // 1 MB, itself full of markup and table separators.
  t.alloc_function = long_text("make_body<\"'`|&amp;>(", 1'000'000);
  t.alloc_file = "line1\nline2\r\n| --- | <!-- x -->.cpp";
  t.module = "/lib/<style>@import url(http://evil.example/x.css)</style>.so";
  t.program = "prog</title><script src=\"http://evil.example/x.js\"></script>";
  t.hostname = "host\"onload=\"alert(2)";
  t.cause = "cause `${jndi}` [link](http://evil.example) ![img](http://evil.example/i.png)";
  return t;
}

/// Writes the hostile snapshot to `path`: background (1), server (16), `children`
/// requests each a value context (1000 + i) and a stale cancel child (2000 + i) holding
/// 4 KiB, and one cancelled context (3000) that still retains memory, with a cause.
inline void write_hostile_snapshot(const std::filesystem::path& path, const HostileText& t, int children = 3) {
  namespace fmt = ctxheap::format;
  fmt::Snapshot s;
  s.meta.program = t.program;
  s.meta.command_line = {t.program, t.child_name};
  s.meta.pid = 4242;
  s.meta.hostname = t.hostname;
  s.meta.reason = fmt::SnapshotReason::Api;
  s.meta.wall_time_ns = 1'700'000'000'000'000'000ull;
  s.meta.monotonic_time_ns = 100'000'000'000ull;
  s.meta.sampling_interval_bytes = 1;
  s.meta.max_stack_depth = 64;
  s.meta.collector_version = "0.1.0";

  std::map<std::string, fmt::StringId> ids;
  auto id = [&](const std::string& text) {
    if (text.empty()) return fmt::StringId{0};
    auto [it, inserted] = ids.emplace(text, s.strings.size());
    if (inserted) s.strings.push_back(text);
    return it->second;
  };
  s.strings.push_back("");

  const fmt::StringId module = id(t.module);
  // Creation stack of the children: with_cancel <- creation site <- main.
  s.stacks.push_back(fmt::Stack{.id = 1, .frames = {
      fmt::Frame{.address = 0x1000, .function = id("ctxheap::with_cancel(ctxheap::Context const&)"), .file = id("factories.cpp"), .line = 27, .module = module, .module_offset = 0x1000},
      fmt::Frame{.address = 0x2000, .function = id(t.creation_function), .file = id(t.creation_file), .line = 25, .module = module, .module_offset = 0x2000},
      fmt::Frame{.address = 0x3000, .function = id("main"), .file = id("main.cpp"), .line = 10, .module = module, .module_offset = 0x3000}}});
  // Creation stack of the server.
  s.stacks.push_back(fmt::Stack{.id = 2, .frames = {
      fmt::Frame{.address = 0x1000, .function = id("ctxheap::with_cancel(ctxheap::Context const&)"), .file = id("factories.cpp"), .line = 27, .module = module, .module_offset = 0x1000},
      fmt::Frame{.address = 0x3100, .function = id("main"), .file = id("main.cpp"), .line = 37, .module = module, .module_offset = 0x3100}}});
  // Allocation stack of the request bodies.
  s.stacks.push_back(fmt::Stack{.id = 3, .frames = {
      fmt::Frame{.address = 0x4000, .function = id(t.alloc_function), .file = id(t.alloc_file), .line = 12, .module = module, .module_offset = 0x4000},
      fmt::Frame{.address = 0x2010, .function = id(t.creation_function), .file = id(t.creation_file), .line = 24, .module = module, .module_offset = 0x2010},
      fmt::Frame{.address = 0x3000, .function = id("main"), .file = id("main.cpp"), .line = 10, .module = module, .module_offset = 0x3000}}});

  const std::uint64_t second = 1'000'000'000ull;
  s.contexts.push_back(fmt::ContextRecord({.id = 1, .kind = fmt::ContextKind::Background, .name = id("background")}));
  s.contexts.push_back(fmt::ContextRecord({.id = 16, .kind = fmt::ContextKind::Cancel, .parent_id = 1,
                                          .name = id(t.server_name), .created_ns = 1 * second}, 2, {.alloc_objects = 1, .alloc_bytes = 256}));
  std::uint64_t inuse = 256;
  for (int i = 0; i < children; ++i) {
    const auto n = static_cast<std::uint64_t>(i);
    s.contexts.push_back(fmt::ContextRecord({.id = 1000 + n, .kind = fmt::ContextKind::Value, .parent_id = 16,
                                            .name = id(t.value_name), .created_ns = (10 + n) * second, .last_alloc_ns = (10 + n) * second}, 1, {.alloc_objects = 1, .alloc_bytes = 4096}));
    s.contexts.push_back(fmt::ContextRecord({.id = 2000 + n, .kind = fmt::ContextKind::Cancel, .parent_id = 1000 + n,
                                            .registered_under_id = 16, .name = id(t.child_name),
                                            .created_ns = (10 + n) * second, .cancel_dropped = true}, 1, {.alloc_objects = 1, .alloc_bytes = 128}));
    s.sites.push_back(fmt::Site{.context_id = 1000 + n, .stack_id = 3,
                                .sampled_alloc_objects = 1, .sampled_alloc_bytes = 4096,
                                .sampled_inuse_objects = 1, .sampled_inuse_bytes = 4096,
                                .estimated_alloc_objects = 1, .estimated_alloc_bytes = 4096,
                                .estimated_inuse_objects = 1, .estimated_inuse_bytes = 4096});
    inuse += 4096 + 128;
  }
  s.contexts.push_back(fmt::ContextRecord({.id = 3000, .kind = fmt::ContextKind::Cancel, .parent_id = 16,
                                          .name = id(t.child_name), .created_ns = 5 * second,
                                          .ended_ns = 6 * second, .state = fmt::ContextState::Cancelled,
                                          .err = fmt::ContextErr::Canceled, .cause = id(t.cause), .last_alloc_ns = 5 * second}, 1, {.alloc_objects = 2, .alloc_bytes = 1 << 20}));
  inuse += 1 << 20;
  s.totals.contexts_tracked = s.contexts.size();
  s.totals.contexts_created = s.contexts.size();
  s.totals.allocator = {fmt::AllocatorProperty{.name = id("generic.current_allocated_bytes"), .value = inuse}};
  fmt::write_snapshot(path, s);
}

}  // namespace ctxheap_test
