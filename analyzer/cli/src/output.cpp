#include "output.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cleanup_on_signal.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace {

namespace fs = std::filesystem;

std::string reason(int err) { return std::strerror(err); }

// The file a chain of symlinks ends at (which may not exist yet); the path itself when it
// is not a symlink.
fs::path final_target(const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) return p;
    fs::path next = fs::read_symlink(p, ec);
    if (ec) return p;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  throw CliError(path + ": too many levels of symbolic links");
}

bool same_file(const struct stat& a, const std::string& path) {
  struct stat b {};
  return ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

bool names_stdout(const std::string& path) {
  return path == "-" || path == "/dev/stdout" || path == "/dev/fd/1" || path == "/proc/self/fd/1";
}

Output::Output(const std::string& path, const std::vector<std::string>& inputs) {
  if (names_stdout(path)) return;
  if (path.empty()) throw CliError("-o: the output path is empty");
  target_ = final_target(path);
  struct stat existing {};
  const bool exists = ::stat(target_.c_str(), &existing) == 0;
  if (exists) {
    if (S_ISDIR(existing.st_mode)) throw CliError(path + ": is a directory");
    for (const std::string& input : inputs)
      if (input != "-" && same_file(existing, input))
        throw CliError(path + ": is also an input (" + input + "); write the output to another file");
    if (!S_ISREG(existing.st_mode)) {
      // A device, FIFO or socket: written in place (a FIFO blocks here until read).
      file_.open(target_, std::ios::binary | std::ios::out);
      if (!file_) throw CliError(path + ": cannot open for writing: " + reason(errno));
      return;
    }
  }
  const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::string pattern = (dir / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw CliError(path + ": cannot create: " + reason(errno));
  temp_ = pattern;
  remove_on_signal(temp_);
  if (exists) {
    // The replaced file's mode (and owner, where permitted) carry over.
    ::fchmod(fd, existing.st_mode & 07777);
    if (::fchown(fd, existing.st_uid, existing.st_gid) != 0) {
    }
  } else {
    // mkstemp makes the file 0600; a report is an ordinary file (0666 less the umask).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
  }
  ::close(fd);
  file_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!file_) {
    std::error_code ec;
    fs::remove(temp_, ec);
    forget_on_signal(temp_);
    throw CliError(path + ": cannot open for writing");
  }
}

Output::~Output() {
  if (!temp_.empty() && !committed_) {
    file_.close();
    std::error_code ignored;
    fs::remove(temp_, ignored);
    forget_on_signal(temp_);
  }
}

std::ostream& Output::stream() { return is_stdout() ? std::cout : file_; }

void Output::commit() {
  if (is_stdout()) {
    std::cout.flush();
    if (!std::cout) throw CliError("cannot write to standard output");
    committed_ = true;
    return;
  }
  file_.flush();
  const bool ok = static_cast<bool>(file_);
  file_.close();
  if (!ok || file_.fail()) throw CliError(target_.string() + ": write failed (disk full?)");
  if (temp_.empty()) {
    committed_ = true;
    return;
  }
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) throw CliError(target_.string() + ": cannot write: " + reason(errno));
  forget_on_signal(temp_);
  committed_ = true;
}

void write_file(const std::string& path, const std::string& text, const std::vector<std::string>& inputs) {
  Output out(path, inputs);
  out.stream() << text;
  out.commit();
}

}  // namespace ctxheap::cli
