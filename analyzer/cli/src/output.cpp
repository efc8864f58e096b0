#include "output.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "errors.hpp"

namespace ctxheap::cli {
namespace {

std::string reason(int err) { return std::strerror(err); }

}  // namespace

Output::Output(const std::string& path) {
  if (path == "-") return;
  if (path.empty()) throw CliError("-o: the output path is empty");
  target_ = path;
  std::error_code ec;
  if (std::filesystem::is_directory(target_, ec)) throw CliError(path + ": is a directory");
  const std::filesystem::path dir = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
  std::string pattern = (dir / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw CliError(path + ": cannot create: " + reason(errno));
  // mkstemp makes the file 0600; a report is an ordinary file (0666 less the umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temp_ = pattern;
  file_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!file_) {
    std::filesystem::remove(temp_, ec);
    throw CliError(path + ": cannot open for writing");
  }
}

Output::~Output() {
  if (!temp_.empty() && !committed_) {
    file_.close();
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
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
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) throw CliError(target_.string() + ": cannot write: " + reason(errno));
  committed_ = true;
}

void write_file(const std::string& path, const std::string& text) {
  Output out(path);
  out.stream() << text;
  out.commit();
}

}  // namespace ctxheap::cli
