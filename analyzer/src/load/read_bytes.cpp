// Bytes in memory to a Profile: detect the format by content, hand it to its reader.
#include <string>

#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/format/detect.hpp"

namespace ctxheap::analyzer {

Profile read_profile_bytes(std::span<const std::byte> bytes, const ReadOptions& options) {
  namespace fmt = ctxheap::format;
  switch (fmt::detect_format(bytes)) {
    case fmt::InputFormat::GperftoolsHeapText:
      return read_gperftools_heap(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), options);
    case fmt::InputFormat::PprofGzip:
    case fmt::InputFormat::PprofRaw: return read_pprof(bytes, options);
    case fmt::InputFormat::CtxheapSnapshot:
      throw LoadError(options.name + ": ctxheap snapshots are read from files (load_profile)");
    case fmt::InputFormat::Unknown: break;
  }
  throw LoadError(options.name + (bytes.empty() ? ": empty input" : ": not a ctxheap snapshot, gperftools heap profile or pprof profile"));
}

}  // namespace ctxheap::analyzer
