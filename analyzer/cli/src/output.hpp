// Where a report goes (-o):
//   "-", /dev/stdout, /dev/fd/1, /proc/self/fd/1   standard output
//   a regular file (or none yet)                   a temporary file in the same directory,
//                                                  renamed over it on commit(), keeping the
//                                                  replaced file's mode: a failure never
//                                                  leaves a partial file under the final name
//   a symlink                                      its target is replaced, not the link
//   a character device, FIFO or socket             written in place (a FIFO waits for its
//                                                  reader)
// An output that is one of the command's inputs is refused.
#pragma once

#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <string>
#include <vector>

namespace ctxheap::cli {

class Output {
 public:
  /// Throws CliError when the target cannot be written, is a directory, or is the same
  /// file as one of `inputs` (paths as given on the command line; "-" is skipped).
  explicit Output(const std::string& path, const std::vector<std::string>& inputs = {});
  ~Output();  ///< removes the temporary file unless committed
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  std::ostream& stream();
  bool is_stdout() const noexcept { return target_.empty(); }
  /// Flushes and, for a file, renames it into place. Throws CliError on a write error.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;  ///< empty when writing in place
  std::ofstream file_;
  bool committed_ = false;
};

/// True for the names -o takes as standard output.
bool names_stdout(const std::string& path);

/// Writes `text` to `path` through an Output.
void write_file(const std::string& path, const std::string& text, const std::vector<std::string>& inputs = {});

}  // namespace ctxheap::cli
