// Where a report goes: standard output, or a file written to a temporary name in the
// same directory and renamed over the target on commit() — a failure never leaves a
// partial file under the final name.
#pragma once

#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <string>

namespace ctxheap::cli {

class Output {
 public:
  /// "-" is standard output. Throws CliError when the temporary file cannot be made.
  explicit Output(const std::string& path);
  ~Output();  ///< removes the temporary file unless committed
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  std::ostream& stream();
  bool is_stdout() const noexcept { return target_.empty(); }
  /// Flushes and, for a file, renames it into place. Throws CliError on a write error.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream file_;
  bool committed_ = false;
};

/// Writes `text` to `path` through an Output.
void write_file(const std::string& path, const std::string& text);

}  // namespace ctxheap::cli
