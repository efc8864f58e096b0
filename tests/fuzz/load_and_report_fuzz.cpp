// Fuzzes what `ctxheap report` does with a file: detect the format by content, load it
// into a Profile (analyzer/src/load), analyze it, and write the text, JSON, Markdown
// and HTML reports. Any input must end in reports or a LoadError; nothing else may
// escape, and the writers must cope with whatever the loader accepted.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/report/report.hpp"
#include "memory_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ctxheap::fuzz::MemoryFile file;
  const std::string& path = file.hold(data, size);
  ctxheap::analyzer::Profile profile;
  try {
    profile = ctxheap::analyzer::load_profile(path);
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
