// Fuzzes what `ctxheap report` does with an input: sniff the format by content, load it
// into a Profile through the analyzer's one input edge (read_profile_bytes: the same
// dispatch as files and standard input, snapshots included), analyze it, and write the
// text, JSON, Markdown and HTML reports. Any input must end in reports or a LoadError; nothing else may
// escape, and the writers must cope with whatever the loader accepted.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/report/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ctxheap::analyzer::Profile profile;
  try {
    ctxheap::analyzer::ReadOptions options;
    options.name = "input";
    profile = ctxheap::analyzer::read_profile_bytes(
        std::as_bytes(std::span<const std::uint8_t>(data, size)), options);
  } catch (const ctxheap::analyzer::LoadError&) {
    return 0;  // rejected with one line: the expected outcome for most inputs
  }
  const ctxheap::analyzer::Analysis analysis = ctxheap::analyzer::analyze(std::move(profile));
  const auto subject = ctxheap::report::ReportSubject::of(analysis);
  using ctxheap::report::Format;
  for (const Format format : {Format::Text, Format::Json, Format::Markdown, Format::Html, Format::Folded}) {
    std::ostringstream out;
    ctxheap::report::write_report(out, format, subject);
  }
  return 0;
}
