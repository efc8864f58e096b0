// A pool whose small-block instantiation forwards to its large-block one, under std::vector
// and allocator frames of two instantiations of their own, leaf first: once templates are
// shortened, `Pool<…>::grow` must read as one call. Shared by the analyzer tests
// (shown_frames_test.cpp) and the report tests (report_test_support.hpp).
#pragma once

#include <vector>

#include "ctxheap/analyzer/profile_builder.hpp"

namespace ctxheap_test {

inline const std::vector<ctxheap::analyzer::FrameText>& pool_growth_stack() {
  static const std::vector<ctxheap::analyzer::FrameText> frames = {
      {"operator new(unsigned long)", "", 0, "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", 0x1020, 0x1020},
      {"std::__new_allocator<Session>::allocate(unsigned long, void const*)", "/usr/include/c++/12/bits/new_allocator.h", 137, "app", 0x2110, 0x2110},
      {"std::vector<Session, std::allocator<Session> >::reserve(unsigned long)", "/usr/include/c++/12/bits/vector.tcc", 66, "app", 0x2120, 0x2120},
      {"Pool<Session, LargeBlocks>::grow(unsigned long)", "/src/app/pool.hpp", 31, "app", 0x3110, 0x3110},
      {"Pool<Session, SmallBlocks>::grow(unsigned long)", "/src/app/pool.hpp", 31, "app", 0x3120, 0x3120},
      {"open_session(int)", "/src/app/sessions.cpp", 12, "app", 0x3130, 0x3130},
      {"main", "/src/app/main.cpp", 40, "app", 0x3030, 0x3030},
  };
  return frames;
}

}  // namespace ctxheap_test
