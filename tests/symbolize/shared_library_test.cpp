// Addresses in shared objects: libc (no debug info needed) and a library
// dlopen'ed after the Symbolizer was created.
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace {

using ctxheap::symbolize::Symbolizer;
using symbolize_fixture::address_of;
using symbolize_fixture::file_name;

TEST(SharedLibrary, LibcFunctionResolvesToLibcAndASymbol) {
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(address_of(&::getpid), /*is_return_address=*/false);

  ASSERT_EQ(frames.size(), 1u);
  EXPECT_NE(frames.front().module.find("libc.so"), std::string::npos) << frames.front().module;
  // glibc exports it as getpid and __getpid; either is right.
  EXPECT_NE(frames.front().function.find("getpid"), std::string::npos) << frames.front().function;
  EXPECT_EQ(display_name(frames.front()), frames.front().function);
}

TEST(SharedLibrary, LibraryLoadedAfterCreationIsFound) {
  ASSERT_EQ(dlopen(CTXHEAP_DLOPEN_FIXTURE, RTLD_NOW | RTLD_NOLOAD), nullptr)
      << "fixture must not be loaded before the Symbolizer exists";
  auto symbolizer = Symbolizer::for_this_process();
  const auto modules_before = symbolizer.module_count();

  void* library = dlopen(CTXHEAP_DLOPEN_FIXTURE, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  using AddressGetter = std::uintptr_t (*)();
  const auto get_address =
      reinterpret_cast<AddressGetter>(dlsym(library, "ctxheap_dlopen_fixture_function"));
  ASSERT_NE(get_address, nullptr);

  const auto& frames = symbolizer.resolve(get_address(), /*is_return_address=*/false);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames.front().function, "dlopen_fixture::function_in_dlopened_library(int)");
  EXPECT_EQ(file_name(frames.front().file), "dlopen_fixture.cpp");
  EXPECT_EQ(file_name(frames.front().module), file_name(CTXHEAP_DLOPEN_FIXTURE));
  EXPECT_GT(symbolizer.module_count(), modules_before);
  dlclose(library);
}

// Reading a library's file through mmap (libdw does it for every ELF file it
// opens) puts another mapping of that path into /proc/self/maps. Layout
// readers that group maps lines by path would take it for part of the loaded
// library and misplace the library; the loader's own list does not.
TEST(SharedLibrary, AnotherMappingOfTheSameFileDoesNotMisplaceTheLibrary) {
  void* library = dlopen(CTXHEAP_DLOPEN_FIXTURE, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  using AddressGetter = std::uintptr_t (*)();
  const auto function_address = reinterpret_cast<AddressGetter>(
      dlsym(library, "ctxheap_dlopen_fixture_function"))();

  // Map the file again, read-only, right below the loaded library.
  std::uint64_t lowest = UINT64_MAX;
  for (const auto& mapping :
       ctxheap::symbolize::parse_proc_maps(symbolize_fixture::read_self_maps())) {
    if (mapping.path.ends_with(file_name(CTXHEAP_DLOPEN_FIXTURE))) {
      lowest = std::min(lowest, mapping.start);
    }
  }
  const int fd = open(CTXHEAP_DLOPEN_FIXTURE, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const auto length = static_cast<std::size_t>(lseek(fd, 0, SEEK_END) + 4095) & ~std::size_t{4095};
  void* copy = mmap(reinterpret_cast<void*>(lowest - length), length, PROT_READ,
                    MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
  close(fd);
  if (copy == MAP_FAILED) {
    dlclose(library);
    GTEST_SKIP() << "no free space right below the fixture library";
  }

  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(function_address, /*is_return_address=*/false);
  EXPECT_EQ(frames.back().function, "dlopen_fixture::function_in_dlopened_library(int)");
  EXPECT_EQ(file_name(frames.back().file), "dlopen_fixture.cpp");
  munmap(copy, length);
  dlclose(library);
}

}  // namespace
