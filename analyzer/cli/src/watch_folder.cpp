#include "watch_folder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <regex>
#include <span>

#include "ctxheap/analyzer/readers.hpp"
#include "errors.hpp"

namespace ctxheap::cli {
namespace fs = std::filesystem;
namespace {

std::string default_name() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[64];
  std::strftime(text, sizeof text, "ctxheap-watch-%Y%m%d-%H%M%S", &local);
  return text;
}

std::string numbered(std::string_view kind, std::uint64_t round) {
  char number[32];
  std::snprintf(number, sizeof number, "%04llu", static_cast<unsigned long long>(round));
  return std::string(kind) + "." + number + ".pb.gz";
}

/// Writes `body` to a temporary file in `dir`; returns its path.
fs::path write_temp(const fs::path& dir, const std::string& name, std::string_view body) {
  std::string pattern = (dir / ("." + name + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw CliError((dir / name).string() + ": cannot create: " + std::strerror(errno));
  const fs::path temp = pattern;
  std::size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw CliError((dir / name).string() + ": cannot write: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::close(fd) != 0) {
    const int err = errno;
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw CliError((dir / name).string() + ": cannot write: " + std::strerror(err));
  }
  return temp;
}

}  // namespace

WatchFolder::WatchFolder(const std::string& dir) : dir_(dir.empty() ? default_name() : dir) {
  std::error_code ec;
  if (fs::exists(dir_, ec)) {
    if (!fs::is_directory(dir_, ec)) throw CliError(dir_.string() + ": not a directory");
    static const std::regex series(R"((heap|goroutine)\.\d+\.pb\.gz)");
    for (const auto& entry : fs::directory_iterator(dir_, ec))
      if (std::regex_match(entry.path().filename().string(), series))
        throw CliError(dir_.string() + ": already holds a watch series (" + entry.path().filename().string() +
                       "); one folder is one run, give another --out");
    if (ec) throw CliError(dir_.string() + ": cannot read: " + ec.message());
    return;
  }
  if (!fs::create_directories(dir_, ec) || ec) throw CliError(dir_.string() + ": cannot create: " + ec.message());
  created_ = true;
}

WatchFolder::~WatchFolder() {
  std::error_code ignored;
  if (created_ && !kept_ && fs::is_empty(dir_, ignored)) fs::remove(dir_, ignored);
}

void WatchFolder::check(std::string_view body, std::string_view kind, const std::string& url) {
  analyzer::ReadOptions o;
  o.name = url;
  o.symbolize = false;
  o.recognize_go_contexts = false;
  analyzer::Profile p;
  try {
    p = analyzer::read_profile_bytes(std::as_bytes(std::span(body.data(), body.size())), o);
  } catch (const analyzer::LoadError& e) {
    throw CliError(e.what());  // "URL: not a ctxheap snapshot, … (the formats tried)"
  }
  const bool goroutine = p.meta.source_kind == "goroutine";
  if (p.meta.source_format != analyzer::SourceFormat::Pprof || goroutine != (kind == "goroutine"))
    throw CliError(url + ": not a Go " + std::string(kind) + " profile");
}

WatchFolder::Round WatchFolder::keep(std::uint64_t round, std::string_view heap, std::string_view goroutine) {
  Round r;
  r.heap_name = numbered("heap", round);
  r.goroutine_name = numbered("goroutine", round);
  const fs::path heap_temp = write_temp(dir_, r.heap_name, heap);
  fs::path goroutine_temp;
  try {
    goroutine_temp = write_temp(dir_, r.goroutine_name, goroutine);
  } catch (...) {
    std::error_code ignored;
    fs::remove(heap_temp, ignored);
    throw;
  }
  std::error_code ec;
  fs::rename(heap_temp, dir_ / r.heap_name, ec);
  if (!ec) fs::rename(goroutine_temp, dir_ / r.goroutine_name, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(heap_temp, ignored);
    fs::remove(goroutine_temp, ignored);
    fs::remove(dir_ / r.heap_name, ignored);
    throw CliError((dir_ / r.heap_name).string() + ": cannot rename into place: " + ec.message());
  }
  kept_ = true;
  r.heap_path = (dir_ / r.heap_name).string();
  r.goroutine_path = (dir_ / r.goroutine_name).string();
  return r;
}

}  // namespace ctxheap::cli
