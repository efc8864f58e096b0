// One writer per output format. write_report() in report.hpp picks one by Format; these
// are for callers that know which they want. Each takes the subject and options only.
#pragma once

#include <iosfwd>

#include "ctxheap/report/report.hpp"

namespace ctxheap::report {

/// Aligned terminal text; the diff alone when the subject has one (ctxheap diff).
void write_text(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// The versioned JSON report (kJsonSchema, docs/report-schema.json).
void write_json(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// GitHub-flavoured Markdown; tables line up in the source.
void write_markdown(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// One self-contained HTML page: inline CSS, JS and SVG, no external reference, every
/// string escaped.
void write_html(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// Folded stacks ("root;...;leaf value" per line) of the sampled allocation sites, the
/// context's name as the root frame, for flamegraph.pl, inferno or speedscope.
void write_folded(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);
/// A gzipped pprof profile.proto: sample types alloc_objects, alloc_space,
/// inuse_objects, inuse_space; labels ctx_id, ctx_parent, ctx_site, stale (and ctx_name).
void write_pprof(std::ostream& out, const ReportSubject& subject, const ReportOptions& options);

}  // namespace ctxheap::report
