// The edge of the analyzer: every input — a file, standard input, bytes in memory —
// is sniffed once by content (input_format.hpp) and handed to its reader here. A new
// input format is one new reader file and one case in read_input.
#include <algorithm>
#include <istream>
#include <new>
#include <span>
#include <string>
#include <system_error>

#include "ctxheap/analyzer/input_format.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/analyzer/run_identity.hpp"
#include "ctxheap/format/error.hpp"
#include "load/formats_tried.hpp"
#include "load/input.hpp"
#include "load/snapshot_loader.hpp"

namespace ctxheap::analyzer {
namespace {

namespace fmt = ctxheap::format;

constexpr std::string_view kStdinName = "<stdin>";

/// One line: a multi-line message from below would break the CLI's contract.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string_view as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// Go's debug=1 heap text shares gperftools' first line; its "#" frame lines (or the
/// MemStats block that ends it) tell them apart.
bool is_go_heap_text(std::string_view text) {
  return text.find("\n#\t0x") != std::string_view::npos || text.find("\n# runtime.MemStats") != std::string_view::npos;
}

bool says_bad_magic(const std::exception& e) {
  return std::string_view(e.what()).find("bad magic") != std::string_view::npos;
}

Profile read_snapshot_input(detail::Input& input, const LoadOptions& options) {
  Profile profile = detail::load_ctxheap_snapshot(input, input.name(), options);
  check_context_graph(profile);
  return profile;
}

/// The one dispatch. A snapshot is streamed; the other formats are small next to the
/// limits and read whole (a gzipped one is inflated within ReaderLimits). Anything
/// unknown goes to the snapshot reader, which says precisely what is wrong ("empty
/// file", "truncated header"), and a wrong magic names every format tried.
Profile read_input(detail::Input& input, const ReadOptions& options) {
  const std::uint64_t limit = options.limits.max_inflated_bytes;
  switch (sniff_format(input.head(kSniffBytes))) {
    case InputFormat::CtxheapSnapshot: return read_snapshot_input(input, options.load);
    case InputFormat::HeapText: {
      const std::string_view text = as_text(input.all(limit));
      return is_go_heap_text(text) ? read_go_heap_text(text, options) : read_gperftools_heap(text, options);
    }
    case InputFormat::GoroutineText: return read_go_goroutine_text(as_text(input.all(limit)), options);
    case InputFormat::PprofGzip:
    case InputFormat::PprofRaw: return read_pprof(input.all(limit), options);
    case InputFormat::Unknown: break;
  }
  try {
    return read_snapshot_input(input, options.load);
  } catch (const LoadError& e) {
    if (!says_bad_magic(e)) throw;
  } catch (const fmt::FormatError& e) {
    if (!says_bad_magic(e)) throw;
  }
  throw LoadError(input.name() + ": " + std::string(detail::kFormatsTried));
}

/// Every entry point's errors become one LoadError line naming the input.
template <class OpenAndRead>
Profile guarded(const std::string& name, OpenAndRead&& open_and_read) {
  try {
    return open_and_read();
  } catch (const LoadError& e) {
    throw LoadError(one_line(e.what()));
  } catch (const std::bad_alloc&) {
    throw LoadError(name + ": out of memory while reading");
  } catch (const fmt::FormatError& e) {
    throw LoadError(one_line(e.what()));
  } catch (const fmt::ReadCancelled&) {
    throw Cancelled();
  } catch (const std::system_error& e) {
    throw LoadError(one_line(name + ": " + e.what()));
  }
}

}  // namespace

Profile load_profile(const std::filesystem::path& path, const LoadOptions& options) {
  ReadOptions read;
  read.load = options;
  if (path == "-" && options.standard_input != nullptr) {
    read.name = kStdinName;
    return guarded(read.name, [&] {
      detail::Input input(*options.standard_input, read.name);
      return read_input(input, read);
    });
  }
  read.name = path.string();
  return guarded(read.name, [&] {
    detail::Input input(path);
    return read_input(input, read);
  });
}

Profile read_profile_bytes(std::span<const std::byte> bytes, const ReadOptions& options) {
  return guarded(options.name, [&] {
    detail::Input input(bytes, options.name);
    return read_input(input, options);
  });
}

std::vector<Profile> load_series(const std::vector<std::filesystem::path>& paths, const LoadOptions& options) {
  if (paths.size() < 2) throw LoadError("a series needs at least two snapshots of one run");
  std::vector<std::uint64_t> sizes;
  std::uint64_t total = 0;
  for (const auto& p : paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(p, ec);
    sizes.push_back(ec ? 0 : static_cast<std::uint64_t>(size));
    total += sizes.back();
  }
  std::vector<Profile> profiles;
  std::uint64_t done = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    LoadOptions one = options;
    if (options.progress) {
      one.progress = [&options, done, total](Stage stage, std::uint64_t consumed, std::uint64_t) {
        options.progress(stage, std::min(total, done + consumed), total);
      };
    }
    profiles.push_back(load_profile(paths[i], one));
    done += sizes[i];
  }
  order_series(profiles);
  if (options.progress) options.progress(Stage::Reading, total, total);
  return profiles;
}

}  // namespace ctxheap::analyzer
