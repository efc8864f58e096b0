// The rule that picks the user's frame out of a creation or allocation stack.
#include <array>
#include <string_view>

#include "ctxheap/analyzer/sites.hpp"

namespace ctxheap::analyzer {
namespace {

/// The qualified name of a demangled function without its return type (templates are
/// demangled with one: "ctxheap::Context ctxheap::with_value<...>(...)") and without its
/// parameter list.
std::string_view qualified_name(std::string_view f) {
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '(' && depth == 0) {
      if (f.substr(i).starts_with("(anonymous namespace)")) {
        i += std::string_view("(anonymous namespace)").size() - 1;
        continue;
      }
      return f.substr(start, i - start);
    }
    if (c == '<' || c == '(' || c == '[') ++depth;
    if ((c == '>' || c == ')' || c == ']') && depth > 0) --depth;
    if (c == ' ' && depth == 0 && !f.substr(start, i - start).ends_with("operator")) start = i + 1;
  }
  return f.substr(start);
}

// The last five are Go's: its runtime (Go 1.24+ maps in internal/runtime/maps), and the
// context and time packages whose frames sit between a user's call and a context's
// allocations (docs/interop.md).
constexpr std::array<std::string_view, 22> kRuntimePrefixes = {
    "ctxheap::", "std::", "__gnu_cxx::", "__cxxabiv1::", "__cxa_", "tcmalloc::", "operator new",
    "operator delete", "__libc_", "__GI_", "_dl_", "tc_", "MallocHook", "MallocExtension", "__pthread",
    "__clone", "__interceptor_", "runtime.", "runtime/internal/", "internal/runtime/", "context.", "time."};

constexpr std::array<std::string_view, 14> kRuntimeFunctions = {
    "malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc", "memalign",
    "valloc", "pvalloc", "_start", "start_thread", "clone", "clone3", "execute_native_thread_routine"};

constexpr std::array<std::string_view, 5> kRuntimeFiles = {
    "/collector/context/", "/collector/tagging/", "/include/c++/", "/libstdc++", "/libsupc++/"};

constexpr std::array<std::string_view, 9> kRuntimeModules = {
    "libtcmalloc", "libstdc++", "libc.so", "libc-", "ld-linux", "libpthread", "libunwind", "libgcc_s", "libc++"};

bool starts_with_any(std::string_view text, auto const& prefixes) {
  for (std::string_view p : prefixes)
    if (text.starts_with(p)) return true;
  return false;
}

}  // namespace

std::string_view file_basename(std::string_view path) noexcept {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_runtime_frame(const Profile& profile, const Frame& frame) noexcept {
  const std::string_view function = profile.str(frame.function);
  if (!function.empty()) {
    if (starts_with_any(function, kRuntimePrefixes)) return true;
    const std::string_view name = qualified_name(function);
    if (starts_with_any(name, kRuntimePrefixes)) return true;
    const std::string_view bare = name.substr(0, name.find('@'));  // "__libc_start_main@@GLIBC_2.34"
    for (std::string_view f : kRuntimeFunctions)
      if (bare == f) return true;
  }
  const std::string_view file = profile.str(frame.file);
  if (file.starts_with("collector/context/") || file.starts_with("collector/tagging/")) return true;
  for (std::string_view f : kRuntimeFiles)
    if (file.find(f) != std::string_view::npos) return true;
  return starts_with_any(file_basename(profile.str(frame.module)), kRuntimeModules);
}

Index site_frame(const Profile& profile, std::span<const Frame> frames) noexcept {
  if (frames.empty()) return kNoIndex;
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (!is_runtime_frame(profile, frames[i])) return static_cast<Index>(i);
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (frames[i].function != 0 && !profile.str(frames[i].function).empty()) return static_cast<Index>(i);
  return 0;
}

}  // namespace ctxheap::analyzer
