// Bytes in memory to a Profile: detect the format by content, hand it to its reader.
#include <string>

#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/format/detect.hpp"
#include "load/formats_tried.hpp"

namespace ctxheap::analyzer {

namespace {

/// Go's debug=1 heap text shares gperftools' first line; its "#" frame lines (or the
/// MemStats block that ends it) tell them apart.
bool is_go_heap_text(std::string_view text) {
  return text.starts_with("heap profile:") &&
         (text.find("\n#\t0x") != std::string_view::npos || text.find("\n# runtime.MemStats") != std::string_view::npos);
}

}  // namespace

Profile read_profile_bytes(std::span<const std::byte> bytes, const ReadOptions& options) {
  namespace fmt = ctxheap::format;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.starts_with("goroutine profile:")) return read_go_goroutine_text(text, options);
  switch (fmt::detect_format(bytes)) {
    case fmt::InputFormat::GperftoolsHeapText:
      if (is_go_heap_text(text)) return read_go_heap_text(text, options);
      return read_gperftools_heap(text, options);
    case fmt::InputFormat::PprofGzip:
    case fmt::InputFormat::PprofRaw: return read_pprof(bytes, options);
    case fmt::InputFormat::CtxheapSnapshot:
      throw LoadError(options.name + ": ctxheap snapshots are read from files (load_profile)");
    case fmt::InputFormat::Unknown: break;
  }
  throw LoadError(options.name + (bytes.empty() ? ": empty input" : std::string(": ") + std::string(detail::kFormatsTried)));
}

}  // namespace ctxheap::analyzer
