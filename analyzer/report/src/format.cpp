// Format and sample-index names, and the format a file name implies.
#include <array>
#include <utility>

#include "ctxheap/report/report.hpp"

namespace ctxheap::report {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) noexcept {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view to_string(Format format) noexcept {
  switch (format) {
    case Format::Text: return "text";
    case Format::Json: return "json";
    case Format::Markdown: return "md";
    case Format::Html: return "html";
    case Format::Folded: return "folded";
    case Format::Pprof: return "pprof";
  }
  return "text";
}

std::optional<Format> parse_format(std::string_view name) noexcept {
  static constexpr std::array<std::pair<std::string_view, Format>, 8> kNames{{
      {"text", Format::Text}, {"txt", Format::Text}, {"json", Format::Json}, {"md", Format::Markdown},
      {"markdown", Format::Markdown}, {"html", Format::Html}, {"folded", Format::Folded}, {"pprof", Format::Pprof},
  }};
  for (const auto& [text, format] : kNames)
    if (text == name) return format;
  return std::nullopt;
}

std::optional<Format> format_for_path(std::string_view path) noexcept {
  if (ends_with(path, ".txt")) return Format::Text;
  if (ends_with(path, ".json")) return Format::Json;
  if (ends_with(path, ".md")) return Format::Markdown;
  if (ends_with(path, ".html") || ends_with(path, ".htm")) return Format::Html;
  if (ends_with(path, ".folded")) return Format::Folded;
  if (ends_with(path, ".pb.gz") || ends_with(path, ".pprof")) return Format::Pprof;
  return std::nullopt;
}

bool is_binary(Format format) noexcept { return format == Format::Pprof; }

std::string_view to_string(SampleIndex index) noexcept {
  switch (index) {
    case SampleIndex::InuseSpace: return "inuse_space";
    case SampleIndex::InuseObjects: return "inuse_objects";
    case SampleIndex::AllocSpace: return "alloc_space";
    case SampleIndex::AllocObjects: return "alloc_objects";
  }
  return "inuse_space";
}

std::optional<SampleIndex> parse_sample_index(std::string_view name) noexcept {
  for (SampleIndex index : {SampleIndex::InuseSpace, SampleIndex::InuseObjects, SampleIndex::AllocSpace,
                            SampleIndex::AllocObjects})
    if (to_string(index) == name) return index;
  return std::nullopt;
}

}  // namespace ctxheap::report
