// The JSON report's building blocks (docs/report-schema.json, $defs), shared by the
// report and diff sections so one thing is always written one way.
#pragma once

#include <nlohmann/json.hpp>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/report/report.hpp"

namespace ctxheap::report::detail {

using Json = nlohmann::ordered_json;

/// $defs/counters: in-use and allocated objects and bytes, and the in-use ratio.
Json counters_json(const analyzer::Counters& counters);
/// $defs/site: description, function, file, line, module, key.
Json site_json(const analyzer::Profile& profile, const analyzer::CreationSite& site);
/// $defs/context: id, name, kind, state, site (description) and site_key.
Json context_json(const analyzer::Analysis& analysis, analyzer::Index context);
/// $defs/context, or {"id": id} alone when the context is absent from the profile.
Json context_or_id_json(const analyzer::Analysis& analysis, analyzer::Index context, analyzer::ContextId id);
/// $defs/source: the snapshot's metadata.
Json source_json(const analyzer::Profile& profile);
/// $defs/stale_group: a stale group with its evidence (and sentence when a suspect).
Json stale_group_json(const analyzer::Analysis& analysis, analyzer::Index group);

class JsonStream;
/// The "findings" object: each kind's count and its first items with evidence.
void write_findings_json(JsonStream& out, const analyzer::Analysis& analysis, const ReportOptions& options);
/// The "diff" object.
Json diff_json(const ReportSubject& subject, const ReportOptions& options);

// Allocation sites (json_alloc_sites.cpp).
Json allocation_sites_json(const analyzer::Analysis& analysis, std::size_t top);
Json call_tree_json(const analyzer::Analysis& analysis, std::size_t top, analyzer::FrameDetail frames);
/// null without a series.
Json allocation_site_growth_json(const ReportSubject& subject, std::size_t top);
Json allocation_site_diff_json(const analyzer::Analysis& before, const analyzer::Analysis& after, std::size_t top,
                               analyzer::FrameDetail frames);

}  // namespace ctxheap::report::detail
