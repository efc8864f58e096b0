// Hand-built profiles with known truth, and temporary directories.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "ctxheap/analyzer/all.hpp"
#include "../support/temp_dir.hpp"

namespace ctxheap_test {

using namespace ctxheap::analyzer;

inline constexpr std::uint64_t kSecond = 1'000'000'000ull;
/// The snapshot time of hand-built profiles.
inline constexpr std::uint64_t kNow = 10'000 * kSecond;

/// A context described fluently, e.g. Ctx(20, ContextKind::Cancel).from(19).under(16)
/// .named("request").at("handle_request", "handler.cpp", 25).inuse(1, 272).dropped().
struct Ctx {
  Context c{};
  std::string name_text{};
  std::string function{}, file{};
  std::uint32_t line = 0;

  Ctx(ContextId id, ContextKind kind) {
    c.id = id;
    c.kind = kind;
    c.created_ns = kNow - 5 * kSecond;
    c.last_alloc_ns = kNow - 5 * kSecond;
  }
  Ctx& from(ContextId parent) { return c.parent_id = parent, *this; }
  Ctx& under(ContextId registrar) { return c.registered_under_id = registrar, *this; }
  Ctx& named(std::string n) { return name_text = std::move(n), *this; }
  Ctx& at(std::string fn, std::string fl, std::uint32_t ln) {
    function = std::move(fn);
    file = std::move(fl);
    line = ln;
    return *this;
  }
  /// In use = allocated - freed; `freed` extra objects/bytes are allocated and freed.
  Ctx& inuse(std::uint64_t objects, std::uint64_t bytes, std::uint64_t freed_objects = 0, std::uint64_t freed_bytes = 0) {
    c.counters = {objects + freed_objects, bytes + freed_bytes, freed_objects, freed_bytes};
    return *this;
  }
  Ctx& dropped() { return c.cancel_dropped = true, *this; }
  Ctx& waiters(int n) { return c.waiters = n, *this; }
  Ctx& created(std::uint64_t ns) { return c.created_ns = ns, *this; }
  Ctx& last_alloc(std::uint64_t ns) { return c.last_alloc_ns = ns, *this; }
  Ctx& deadline(std::uint64_t ns) { return c.deadline_ns = ns, *this; }
  Ctx& ended(ContextState state, std::uint64_t at) {
    c.state = state;
    c.ended_ns = at;
    c.err = state == ContextState::Expired ? ContextErr::DeadlineExceeded : ContextErr::Canceled;
    return *this;
  }
  Ctx& destroyed() { return c.destroyed = true, *this; }
};

/// Builds a Profile from Ctx descriptions. Creation stacks are [ctxheap runtime frame,
/// the given user frame, main], so the site rule has something to skip.
class ProfileMaker {
 public:
  explicit ProfileMaker(std::uint64_t now = kNow, std::uint32_t pid = 42) {
    b_.meta().program = "test";
    b_.meta().pid = pid;
    b_.meta().host = "host";
    b_.meta().monotonic_time_ns = now;
    b_.meta().wall_time_ns = 1'700'000'000 * kSecond;
  }
  ProfileMaker& add(const Ctx& d) {
    Context c = d.c;
    c.name = b_.intern(d.name_text);
    if (!d.function.empty()) {
      const FrameText frames[] = {
          {"ctxheap::with_cancel(ctxheap::Context const&, std::string)", "/src/collector/context/src/factories.cpp", 27, "/bin/app", 0x1000, 0x1000, false},
          {d.function, d.file, d.line, "/bin/app", 0x2000 + d.line, 0x2000 + d.line, false},
          {"main", "main.cpp", 10, "/bin/app", 0x3000, 0x3000, false},
      };
      c.creation_stack = b_.add_stack(std::span<const FrameText>(frames));
    }
    b_.add_context(c);
    return *this;
  }
  ProfileBuilder& builder() { return b_; }
  ProfileMeta& meta() { return b_.meta(); }
  Profile profile() && { return std::move(b_).finish(); }
  Analysis analyze(const AnalysisOptions& options = {}) && {
    return ctxheap::analyzer::analyze(std::move(b_).finish(), options);
  }

 private:
  ProfileBuilder b_;
};

/// Background (1) and a long-lived "server" (16) registered nowhere, as in the samples.
inline ProfileMaker with_server(std::uint64_t now = kNow, std::uint32_t pid = 42) {
  ProfileMaker m(now, pid);
  m.add(Ctx(1, ContextKind::Background).named("background"));
  m.add(Ctx(16, ContextKind::Cancel).from(1).named("server").at("main", "server.cpp", 42).inuse(1, 264));
  return m;
}

/// Adds a request as handler_leak makes it: a value context holding the body under the
/// server, and a child derived from it, registered in the server's set.
inline void add_request(ProfileMaker& m, ContextId value_id, ContextId child_id, bool dropped = true,
                        std::uint64_t body_bytes = 4096, std::uint32_t line = 88) {
  m.add(Ctx(value_id, ContextKind::Value).from(16).named("request.body").at("handle_request", "handler.cpp", line - 2).inuse(2, body_bytes + 176));
  Ctx child = Ctx(child_id, ContextKind::Cancel).from(value_id).under(16).named("request").at("handle_request", "handler.cpp", line).inuse(1, 272, 2, 1538);
  if (dropped) child.dropped();
  m.add(child);
}

/// A bounded cache shaped like samples/cache_bounded: a long-lived "cache" context (16)
/// whose `entries` children keep their cancel (not dropped; the cache cancels on
/// eviction), each under a value context owning a 1 KiB entry. Created 300 s before the
/// snapshot at `seconds`, last touched `idle_seconds` before it.
inline Profile idle_cache(std::uint64_t sequence, std::uint64_t seconds, ContextId entries, std::uint64_t idle_seconds,
                          std::uint32_t pid = 42) {
  const std::uint64_t now = seconds * kSecond;
  ProfileMaker m(now, pid);
  m.meta().sequence = sequence;
  m.add(Ctx(1, ContextKind::Background).named("background"));
  m.add(Ctx(16, ContextKind::Cancel).from(1).named("cache").at("main", "cache_bounded.cpp", 30).inuse(1, 264).created(now - 400 * kSecond));
  for (ContextId k = 0; k < entries; ++k) {
    const ContextId value = 100 + 2 * k, child = 101 + 2 * k;
    m.add(Ctx(value, ContextKind::Value).from(16).named("entry").at("Cache::put", "cache_bounded.cpp", 18)
              .inuse(2, 1024 + 176).created(now - 300 * kSecond).last_alloc(now - idle_seconds * kSecond));
    m.add(Ctx(child, ContextKind::Cancel).from(value).under(16).named("entry.ctx").at("Cache::put", "cache_bounded.cpp", 20)
              .inuse(1, 272).created(now - 300 * kSecond).last_alloc(now - idle_seconds * kSecond));
  }
  return std::move(m).profile();
}

}  // namespace ctxheap_test
