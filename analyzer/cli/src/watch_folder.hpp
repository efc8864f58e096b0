// The folder `ctxheap watch` keeps its series in: heap.0001.pb.gz + goroutine.0001.pb.gz
// for round 1, and so on (the series loader orders pprof profiles by their time and pairs
// a heap and a goroutine profile of one moment). Each body is checked to be the profile
// asked for before it is kept, written to a temporary file and renamed into place: a
// failure leaves no file under a final name and no temporary file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ctxheap::cli {

class WatchFolder {
 public:
  /// Creates `dir` (empty: ctxheap-watch-YYYYmmdd-HHMMSS in the current directory).
  /// Throws CliError when it cannot be made, is not a directory, or already holds a
  /// watch series (heap.NNNN.pb.gz): one folder is one run.
  explicit WatchFolder(const std::string& dir);
  /// Removes the folder again if this made it and nothing was kept in it.
  ~WatchFolder();
  WatchFolder(const WatchFolder&) = delete;
  WatchFolder& operator=(const WatchFolder&) = delete;

  const std::filesystem::path& path() const noexcept { return dir_; }

  struct Round {
    std::string heap_path, goroutine_path;  ///< as given to the series loader
    std::string heap_name, goroutine_name;  ///< file names, for the round's line
  };
  /// Throws CliError "URL: …" unless `body` is a Go pprof profile of `kind` ("heap" or
  /// "goroutine"), as the readers see it.
  static void check(std::string_view body, std::string_view kind, const std::string& url);
  /// Keeps one round's bodies (checked first). Throws CliError when a file cannot be written.
  Round keep(std::uint64_t round, std::string_view heap, std::string_view goroutine);

 private:
  std::filesystem::path dir_;
  bool created_ = false;
  bool kept_ = false;
};

}  // namespace ctxheap::cli
