// The edge of the analyzer: detect the input's format by content and hand it to its
// reader. A new input format is one new reader file and one case here.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <system_error>

#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/analyzer/run_identity.hpp"
#include "ctxheap/format/detect.hpp"
#include "ctxheap/format/error.hpp"
#include "load/snapshot_loader.hpp"

namespace ctxheap::analyzer {
namespace {

namespace fmt = ctxheap::format;

/// One line: a multi-line message from below would break the CLI's contract.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

/// The whole file, for the readers of other tools' formats (their files are small next
/// to the limits; the inflated size of a gzipped one is bounded by ReaderLimits).
std::string read_whole_file(const std::filesystem::path& path, const ReaderLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(path.string() + ": cannot open: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw LoadError(path.string() + ": cannot read its size");
  if (static_cast<std::uint64_t>(size) > limits.max_inflated_bytes)
    throw LoadError(path.string() + ": larger than the limit of " + std::to_string(limits.max_inflated_bytes) + " bytes");
  in.seekg(0);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) throw LoadError(path.string() + ": read error");
  return bytes;
}

Profile load_foreign(const std::filesystem::path& path, const LoadOptions& options) {
  ReadOptions read;
  read.name = path.string();
  read.load = options;
  const std::string bytes = read_whole_file(path, read.limits);
  return read_profile_bytes(std::as_bytes(std::span<const char>(bytes)), read);
}

Profile load_by_format(const std::filesystem::path& path, const LoadOptions& options) {
  switch (fmt::detect_file_format(path)) {
    case fmt::InputFormat::GperftoolsHeapText:
    case fmt::InputFormat::PprofGzip:
    case fmt::InputFormat::PprofRaw: return load_foreign(path, options);
    case fmt::InputFormat::CtxheapSnapshot:
    case fmt::InputFormat::Unknown: {
      // Unknown content goes to the snapshot reader too: it says precisely what is wrong
      // ("empty file", "bad magic", "truncated header").
      Profile profile = detail::load_ctxheap_snapshot(path, options);
      check_context_graph(profile);
      return profile;
    }
  }
  return detail::load_ctxheap_snapshot(path, options);
}

}  // namespace

Profile load_profile(const std::filesystem::path& path, const LoadOptions& options) {
  try {
    return load_by_format(path, options);
  } catch (const LoadError& e) {
    throw LoadError(one_line(e.what()));
  } catch (const std::bad_alloc&) {
    throw LoadError(path.string() + ": out of memory while reading");
  } catch (const fmt::FormatError& e) {
    throw LoadError(one_line(e.what()));
  } catch (const fmt::ReadCancelled&) {
    throw Cancelled();
  } catch (const std::system_error& e) {
    throw LoadError(one_line(path.string() + ": " + e.what()));
  }
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
