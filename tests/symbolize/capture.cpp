#include "capture.hpp"

#include <fstream>
#include <sstream>

namespace symbolize_fixture {

std::uint64_t return_address_in_caller() {
  const auto address = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  asm volatile("" ::: "memory");  // keep this a real call with its own frame
  return address;
}

std::string_view file_name(std::string_view path) {
  if (const auto slash = path.rfind('/'); slash != std::string_view::npos) {
    path.remove_prefix(slash + 1);
  }
  return path;
}

std::string read_self_maps() {
  std::ifstream in("/proc/self/maps");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace symbolize_fixture
