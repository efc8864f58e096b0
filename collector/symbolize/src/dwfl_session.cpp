#include "dwfl_session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <string>

#include "load_bias.hpp"

namespace ctxheap::symbolize {
namespace {

// libdwfl keeps a pointer to the callbacks for the session's lifetime. Every
// module is reported with its file already open, so find_elf is a formality.
const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

bool is_file_path(const std::string& path) { return !path.empty() && path.front() == '/'; }

/// Reports the ELF file open on `fd` at load bias `bias`; consumes fd.
void report_elf(Dwfl* dwfl, const std::string& path, int fd, std::uint64_t bias) {
  // dwfl_report_elf owns fd on success only.
  if (dwfl_report_elf(dwfl, path.c_str(), path.c_str(), fd, bias, /*add_p_vaddr=*/true) ==
      nullptr) {
    close(fd);
  }
}

}  // namespace

DwflSession begin_session() {
  DwflSession session(dwfl_begin(&kCallbacks));
  if (!session) {
    throw std::runtime_error(std::string("ctxheap::symbolize: dwfl_begin failed: ") +
                             dwfl_errmsg(-1));
  }
  return session;
}

void report_loaded_objects(Dwfl* dwfl, const std::vector<LoadedObject>& objects) {
  dwfl_report_begin(dwfl);
  for (const auto& object : objects) {
    const int fd = open(object.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) report_elf(dwfl, object.path, fd, object.bias);
  }
  dwfl_report_end(dwfl, nullptr, nullptr);
}

void report_mapped_files(Dwfl* dwfl, const std::vector<Mapping>& mappings) {
  std::map<std::string, std::vector<const Mapping*>> by_file;
  for (const auto& mapping : mappings) {
    if (is_file_path(mapping.path)) by_file[mapping.path].push_back(&mapping);
  }

  dwfl_report_begin(dwfl);
  for (const auto& [path, file_mappings] : by_file) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (const auto bias = load_bias(fd, file_mappings)) {
      report_elf(dwfl, path, fd, *bias);
    } else {
      close(fd);
    }
  }
  dwfl_report_end(dwfl, nullptr, nullptr);
}

}  // namespace ctxheap::symbolize
