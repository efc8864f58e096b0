#include "gate.hpp"

#include "ctxheap/report/selection.hpp"

namespace ctxheap::cli {
namespace {

enum class GroupFate : std::uint8_t { Counted, Suppressed, Baselined };

}  // namespace

Verdict GateResult::verdict() const noexcept {
  if (stale_failed || retained_failed) return Verdict::Fail;
  return stale_warned ? Verdict::Warn : Verdict::Pass;
}

GateResult evaluate_gate(const analyzer::Analysis& a, const GateOptions& options, const Suppressions& suppressions,
                         const Baseline& baseline) {
  GateResult r;
  std::vector<GroupFate> fate(a.stale_groups.size(), GroupFate::Counted);
  for (analyzer::Index g = 0; g < a.stale_groups.size(); ++g) {
    const auto& group = a.stale_groups[g];
    const auto& site = a.sites[group.site];
    if (!suppressions.empty() &&
        suppressions.matches(analyzer::describe_site(*a.profile, site), report::site_key(*a.profile, site))) {
      fate[g] = GroupFate::Suppressed;
    } else if (baseline.contains(a, group)) {
      fate[g] = GroupFate::Baselined;
    } else {
      r.groups.push_back(g);  // stale_groups are ranked, so this is too
    }
  }

  // An entry nested under another counted entry is freed with it: count its bytes once.
  std::vector<bool> counted(a.forest.size(), false);
  for (const auto& s : a.findings.stale)
    counted[s.context] = s.group == analyzer::kNoIndex || fate[s.group] == GroupFate::Counted;
  std::vector<bool> covered(a.forest.size(), false);
  for (const analyzer::Index i : a.forest.preorder()) {
    const analyzer::Index parent = a.node(i).parent;
    covered[i] = parent != analyzer::kNoIndex && (covered[parent] || counted[parent]);
  }
  for (const auto& s : a.findings.stale) {
    const GroupFate f = s.group == analyzer::kNoIndex ? GroupFate::Counted : fate[s.group];
    if (f == GroupFate::Suppressed) {
      r.suppressed += s.entries;
    } else if (f == GroupFate::Baselined) {
      r.baselined += s.entries;
    } else {
      r.stale += s.entries;
      if (!covered[s.context]) r.retained_bytes += s.retained.bytes;
    }
  }
  const std::uint64_t heap = a.summary.heap_inuse_bytes;
  r.retained_share = heap == 0 ? 0.0 : static_cast<double>(r.retained_bytes) / static_cast<double>(heap);

  r.stale_failed = options.max_stale != 0 && r.stale >= options.max_stale;
  r.stale_warned = !r.stale_failed && options.warn_stale != 0 && r.stale >= options.warn_stale;
  if (options.max_retained) {
    const auto& limit = *options.max_retained;
    r.retained_failed = limit.is_share ? r.retained_share > limit.share : r.retained_bytes > limit.bytes;
  }
  return r;
}

}  // namespace ctxheap::cli
