# Every third-party dependency is found here, from Debian's packages (scripts/setup.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# Stack capture for creation stacks and sampled allocation stacks.
pkg_check_modules(LIBUNWIND REQUIRED IMPORTED_TARGET libunwind)
# The allocator the collector hooks: full tcmalloc (with MallocHook and MallocExtension).
pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc)
# Snapshot format: protobuf messages in a zstd stream.
find_package(Protobuf REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(ZLIB REQUIRED)
# Symbolization at snapshot time.
pkg_check_modules(LIBDW REQUIRED IMPORTED_TARGET libdw)
# Reports and the CLI.
find_package(nlohmann_json 3 REQUIRED)
if(CTXHEAP_BUILD_CLI)
  find_package(CLI11 CONFIG REQUIRED)
  # `ctxheap watch` fetches a Go service's /debug/pprof profiles over HTTP.
  find_package(CURL REQUIRED)
endif()

if(CTXHEAP_BUILD_GUI)
  find_package(Qt6 REQUIRED COMPONENTS Widgets Charts Test Concurrent)
endif()
if(CTXHEAP_BUILD_TESTS OR CTXHEAP_BUILD_SAMPLES)
  # Standalone Asio (header-only): thread pool, coroutines and cancellation slots for the
  # thread/bridge tests and the pool_leak sample; ctxheap's libraries do not need it.
  find_path(CTXHEAP_ASIO_INCLUDE_DIR asio.hpp REQUIRED)
endif()
if(CTXHEAP_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CTXHEAP_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
