#include "common/diff_sides.hpp"

namespace ctxheap::report::detail {

SiteRef site_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::SiteDelta& d) {
  if (d.after.site != analyzer::kNoIndex) return {&after, d.after.site};
  if (d.before.site != analyzer::kNoIndex) return {&before, d.before.site};
  return {};
}

std::string site_text(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::SiteDelta& d) {
  return analyzer::describe_site_delta(before, after, d);
}

ContextRef parent_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ParentDelta& d) {
  if (d.after.context != analyzer::kNoIndex) return {&after, d.after.context};
  if (d.before.context != analyzer::kNoIndex) return {&before, d.before.context};
  return {};
}

std::string parent_text(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ParentDelta& d) {
  const ContextRef ref = parent_ref(before, after, d);
  if (ref.analysis == nullptr) return "an unknown context";
  return analyzer::describe_context(*ref.analysis, ref.context) + " created at " +
         analyzer::describe_site(*ref.analysis->profile, ref.analysis->site_of(ref.context));
}

GroupRef group_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::StaleGroupDelta& d) {
  if (d.after != analyzer::kNoIndex) return {&after, &after.stale_groups[d.after]};
  if (d.before != analyzer::kNoIndex) return {&before, &before.stale_groups[d.before]};
  return {};
}

}  // namespace ctxheap::report::detail
