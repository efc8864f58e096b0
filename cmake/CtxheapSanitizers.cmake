# Whole-build sanitizer switch, used by the asan, tsan and fuzz presets.
#   address: ASan + UBSan (GCC or Clang)
#   thread:  TSan
#   fuzzer:  Clang only: ASan + UBSan, and every object instrumented for libFuzzer's
#            coverage feedback; tests/fuzz links its targets with -fsanitize=fuzzer.
if(CTXHEAP_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(CTXHEAP_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  # Asio's thread pool fences (std_fenced_block); GCC warns that TSan does not model
  # fences. The suites run under TSan do not go through Asio's fences.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
  add_link_options(-fsanitize=thread)
elseif(CTXHEAP_SANITIZE STREQUAL "fuzzer")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CTXHEAP_SANITIZE=fuzzer needs Clang (the fuzz preset sets CMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(NOT CTXHEAP_SANITIZE STREQUAL "")
  message(FATAL_ERROR "CTXHEAP_SANITIZE must be empty, 'address', 'thread' or 'fuzzer', not '${CTXHEAP_SANITIZE}'")
endif()
