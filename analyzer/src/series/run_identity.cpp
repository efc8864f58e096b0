// Run identity (docs/analysis.md, "Run identity"): the one rule deciding which inputs are
// snapshots of one run, and their order.
#include "ctxheap/analyzer/run_identity.hpp"

#include <algorithm>
#include <regex>
#include <string>
#include <tuple>

#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/sites.hpp"

namespace ctxheap::analyzer {
namespace {

// Fetching /debug/pprof/heap forces a GC first, so the goroutine profile fetched after it
// comes seconds later (2-4 s on the field programs in tests/data/go/field).
constexpr std::uint64_t kSameMomentNs = 30'000'000'000ull;

/// ctxheap snapshots (and profiles built in memory) carry the collector's own identity:
/// pid, host, program and a count of contexts created that never falls within a run.
bool has_collector_identity(const ProfileMeta& m) noexcept {
  return m.pid != 0 &&
         (m.source_format == SourceFormat::CtxheapSnapshot || m.source_format == SourceFormat::Synthetic);
}

bool is_goroutine_profile(const ProfileMeta& m) noexcept { return m.source_kind == "goroutine"; }

/// "app.0003.heap", "app.0003.sample.heap", "app_1234.0003.heap" -> "app": the prefix
/// gperftools was started with; dumps of one run share it. Empty when not such a name.
std::string dump_prefix(const ProfileMeta& m) {
  if (m.source_format != SourceFormat::GperftoolsHeap) return {};
  static const std::regex numbered(R"(^(.*?)(?:_\d{1,9})?\.\d{1,9}(?:\.sample)?\.heap$)");
  const std::string base(file_basename(m.source_path));
  std::smatch match;
  return std::regex_match(base, match, numbered) ? match[1].str() : std::string{};
}

/// Both known and different.
bool differ(const std::string& a, const std::string& b) noexcept { return !a.empty() && !b.empty() && a != b; }

/// The order of snapshots by what they were numbered and stamped with.
auto run_position(const Profile& p) noexcept {
  const Counters c = cumulative_allocations(p);
  return std::make_tuple(p.meta.sequence, p.meta.monotonic_time_ns, p.meta.wall_time_ns, c.alloc_objects, c.alloc_bytes);
}

/// Later snapshot of one run never saw less than the earlier one.
bool never_falls(const Profile& earlier, const Profile& later) noexcept {
  const ProfileMeta& e = earlier.meta;
  const ProfileMeta& l = later.meta;
  if (e.monotonic_time_ns != 0 && l.monotonic_time_ns != 0 && l.monotonic_time_ns < e.monotonic_time_ns) return false;
  if (e.wall_time_ns != 0 && l.wall_time_ns != 0 && l.wall_time_ns < e.wall_time_ns) return false;
  if (has_collector_identity(e)) {
    const std::uint64_t ce = earlier.totals.contexts_created, cl = later.totals.contexts_created;
    return ce == 0 || cl == 0 || cl >= ce;
  }
  if (is_goroutine_profile(e) || is_goroutine_profile(l)) return true;  // goroutines come and go
  const Counters ce = cumulative_allocations(earlier), cl = cumulative_allocations(later);
  return cl.alloc_objects >= ce.alloc_objects && cl.alloc_bytes >= ce.alloc_bytes;
}

std::string name_of(const Profile& p) {
  return p.meta.source_path.empty() ? std::string("a profile") : p.meta.source_path;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

/// The same snapshot given twice: same numbering and the same allocations.
bool same_snapshot(const Profile& a, const Profile& b) noexcept {
  if (!same_run(a, b) || a.meta.source_kind != b.meta.source_kind) return false;
  return run_position(a) == run_position(b);
}

}  // namespace

Counters cumulative_allocations(const Profile& profile) noexcept {
  Counters total = profile.totals.no_context;
  for (const Context& c : profile.contexts) total += c.counters;
  return total;
}

bool taken_before(const Profile& a, const Profile& b) noexcept { return run_position(a) < run_position(b); }

bool same_moment(const Profile& a, const Profile& b) noexcept {
  const ProfileMeta& x = a.meta;
  const ProfileMeta& y = b.meta;
  if (x.source_format != SourceFormat::Pprof || y.source_format != SourceFormat::Pprof) return false;
  if (is_goroutine_profile(x) == is_goroutine_profile(y)) return false;
  if (differ(x.program, y.program) || x.wall_time_ns == 0 || y.wall_time_ns == 0) return false;
  const std::uint64_t gap = x.wall_time_ns > y.wall_time_ns ? x.wall_time_ns - y.wall_time_ns : y.wall_time_ns - x.wall_time_ns;
  return gap <= kSameMomentNs;
}

bool same_run(const Profile& a, const Profile& b) noexcept {
  const ProfileMeta& x = a.meta;
  const ProfileMeta& y = b.meta;
  if (has_collector_identity(x) != has_collector_identity(y)) return false;
  if (x.pid != y.pid || differ(x.program, y.program) || differ(x.host, y.host)) return false;
  if (has_collector_identity(x) && (x.program != y.program || x.host != y.host)) return false;
  if (x.source_format != y.source_format) return false;
  if (dump_prefix(x) != dump_prefix(y)) return false;
  if (same_moment(a, b)) return true;
  return taken_before(b, a) ? never_falls(b, a) : never_falls(a, b);
}

void order_series(std::vector<Profile>& profiles) {
  // Fold each goroutine profile into the heap profile of its moment.
  for (std::size_t g = 0; g < profiles.size();) {
    std::size_t heap = profiles.size();
    if (is_goroutine_profile(profiles[g].meta)) {
      const auto gap = [&](std::size_t h) {
        const std::uint64_t a = profiles[h].meta.wall_time_ns, b = profiles[g].meta.wall_time_ns;
        return a > b ? a - b : b - a;
      };
      for (std::size_t h = 0; h < profiles.size(); ++h)  // the nearest heap profile of its moment
        if (h != g && same_moment(profiles[h], profiles[g]) && (heap == profiles.size() || gap(h) < gap(heap))) heap = h;
    }
    if (heap == profiles.size()) {
      ++g;
      continue;
    }
    profiles[heap].meta.notes.push_back("Paired with the goroutine profile " + name_of(profiles[g]) + " of the same moment.");
    golang::use_goroutine_profile(profiles[heap], std::move(profiles[g]));
    profiles.erase(profiles.begin() + static_cast<std::ptrdiff_t>(g));
  }
  for (std::size_t i = 1; i < profiles.size(); ++i) {
    if (!same_run(profiles[0], profiles[i]))
      throw LoadError(one_line(name_of(profiles[i]) + ": not from the same run as " + name_of(profiles[0]) + " (" +
                               profiles[i].meta.program + " pid " + std::to_string(profiles[i].meta.pid) + " vs " +
                               profiles[0].meta.program + " pid " + std::to_string(profiles[0].meta.pid) +
                               "); a series is the snapshots of one run"));
  }
  std::stable_sort(profiles.begin(), profiles.end(), taken_before);
  for (std::size_t i = 1; i < profiles.size(); ++i) {
    if (same_snapshot(profiles[i - 1], profiles[i]))
      throw LoadError(one_line(name_of(profiles[i]) + ": the same snapshot (sequence " +
                               std::to_string(profiles[i].meta.sequence) + ") as " + name_of(profiles[i - 1])));
    // Pairwise with the first is not enough: every neighbour must follow on.
    if (!same_run(profiles[i - 1], profiles[i]))
      throw LoadError(one_line(name_of(profiles[i]) + ": not from the same run as " + name_of(profiles[i - 1]) +
                               " (its allocation totals or times fall); a series is the snapshots of one run"));
  }
}

InputsShape shape_of_inputs(std::span<const Profile> profiles) {
  if (profiles.size() == 2 && !same_run(profiles[0], profiles[1])) return InputsShape::TwoRuns;
  std::vector<Profile> copy;  // order_series checks; a copy of the metadata is enough
  copy.reserve(profiles.size());
  for (const Profile& p : profiles) {
    Profile meta_only;
    meta_only.meta = p.meta;
    meta_only.totals = p.totals;
    meta_only.totals.no_context = cumulative_allocations(p);
    copy.push_back(std::move(meta_only));
  }
  order_series(copy);
  return InputsShape::OneRun;
}

}  // namespace ctxheap::analyzer
