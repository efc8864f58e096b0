// Naming the two sides of a diff's rows: the after side when present, else the before.
#pragma once

#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"

namespace ctxheap::report::detail {

/// The analysis and site a site delta names: after's when present, else before's
/// (nullptr when neither side has one).
struct SiteRef {
  const analyzer::Analysis* analysis = nullptr;
  analyzer::Index site = analyzer::kNoIndex;
};
SiteRef site_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::SiteDelta& delta);
/// describe_site of site_ref, or "an unknown site".
std::string site_text(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::SiteDelta& delta);

struct ContextRef {
  const analyzer::Analysis* analysis = nullptr;
  analyzer::Index context = analyzer::kNoIndex;
};
ContextRef parent_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ParentDelta& delta);
/// "#16 "server" created at main handler_leak.cpp:37".
std::string parent_text(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::ParentDelta& delta);

/// The group a stale-group delta names (after's when present) and its analysis.
struct GroupRef {
  const analyzer::Analysis* analysis = nullptr;
  const analyzer::StaleGroup* group = nullptr;
};
GroupRef group_ref(const analyzer::Analysis& before, const analyzer::Analysis& after, const analyzer::StaleGroupDelta& delta);

}  // namespace ctxheap::report::detail
