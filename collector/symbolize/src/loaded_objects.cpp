#include "loaded_objects.hpp"

#include <link.h>

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace ctxheap::symbolize {
namespace {

struct RawObject {
  std::string name;
  std::uint64_t bias;
};

/// realpath(3), or empty if the file does not exist (e.g. "linux-vdso.so.1").
std::string canonical_path(const char* path) {
  const std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path, nullptr), &std::free);
  return resolved ? std::string(resolved.get()) : std::string();
}

}  // namespace

std::vector<LoadedObject> loaded_objects() {
  // The callback runs under the loader's lock: only copy, resolve paths after.
  std::vector<RawObject> raw;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        static_cast<std::vector<RawObject>*>(out)->push_back(
            {info->dlpi_name != nullptr ? info->dlpi_name : "", info->dlpi_addr});
        return 0;
      },
      &raw);

  std::vector<LoadedObject> objects;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    // The first entry is the main program, whose name the loader leaves empty.
    const bool main_program = i == 0 && raw[i].name.empty();
    std::string path = canonical_path(main_program ? "/proc/self/exe" : raw[i].name.c_str());
    if (!path.empty()) objects.push_back({std::move(path), raw[i].bias});
  }
  return objects;
}

std::uint64_t loader_generation() {
  std::uint64_t generation = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t size, void* out) -> int {
        if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
          *static_cast<std::uint64_t*>(out) = info->dlpi_adds + info->dlpi_subs;
        }
        return 1;  // the counters are global: the first object is enough
      },
      &generation);
  return generation;
}

}  // namespace ctxheap::symbolize
