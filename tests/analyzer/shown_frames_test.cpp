// How stacks are shown (shown_frames.hpp): standard-library, allocator and runtime frames
// folded away by default, template arguments shortened, everything on request; the call
// tree follows the same rule.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"
#include "../support/pool_growth_stack.hpp"

namespace {

using namespace ctxheap::analyzer;

// A 4 KiB request body pushed into a std::vector under tcmalloc, leaf first, as the
// collector symbolizes it (libstdc++ headers, tcmalloc's throwing new, libc's start-up).
const std::vector<FrameText> kRequestBody = {
    {"tcmalloc::allocate_full_cpp_throw_oom(unsigned long)", "", 0, "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", 0x1010, 0x1010},
    {"operator new(unsigned long)", "", 0, "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", 0x1020, 0x1020},
    {"std::__new_allocator<char>::allocate(unsigned long, void const*)", "/usr/include/c++/12/bits/new_allocator.h", 137, "app", 0x2010, 0x2010},
    {"std::allocator_traits<std::allocator<char> >::allocate(std::allocator<char>&, unsigned long)",
     "/usr/include/c++/12/bits/alloc_traits.h", 464, "app", 0x2020, 0x2020},
    {"std::_Vector_base<char, std::allocator<char> >::_M_allocate(unsigned long)", "/usr/include/c++/12/bits/stl_vector.h", 378, "app", 0x2030, 0x2030},
    {"void std::vector<char, std::allocator<char> >::_M_realloc_insert<char const&>(__gnu_cxx::__normal_iterator<char*, "
     "std::vector<char, std::allocator<char> > >, char const&)",
     "/usr/include/c++/12/bits/vector.tcc", 453, "app", 0x2040, 0x2040},
    {"make_body(std::vector<char, std::allocator<char> >&, unsigned long)", "/src/app/handler.cpp", 18, "app", 0x3010, 0x3010},
    {"handle_request(ctxheap::Context const&, int)", "/src/app/handler.cpp", 25, "app", 0x3020, 0x3020},
    {"main", "/src/app/handler.cpp", 40, "app", 0x3030, 0x3030},
    {"__libc_start_main", "", 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x4010, 0x4010},
    {"_start", "", 0, "app", 0x5010, 0x5010},
};

Profile profile_of(const std::vector<std::vector<FrameText>>& stacks) {
  ProfileBuilder b;
  for (const auto& frames : stacks) {
    Site site;
    site.stack = b.add_stack(std::span<const FrameText>(frames));
    site.estimated = {1, 4096, 1, 4096};
    b.add_site(site);
  }
  return std::move(b).finish();
}

std::vector<std::string> functions(const Profile& p, Index stack, FrameDetail detail) {
  const auto frames = p.stack_frames(stack);
  std::vector<std::string> out;
  for (std::uint32_t i : shown_frames(p, frames, detail)) out.push_back(shown_function(p.str(frames[i].function), detail));
  return out;
}

TEST(ShownFrames, FoldsStandardLibraryAndAllocatorFramesByDefault) {
  const Profile p = profile_of({kRequestBody});
  const auto shown = functions(p, p.sites[0].stack, FrameDetail::Folded);
  EXPECT_EQ(shown, (std::vector<std::string>{"make_body(std::vector<…>&, unsigned long)",
                                             "handle_request(ctxheap::Context const&, int)", "main"}));
  EXPECT_EQ(folded_frame_count(p, p.stack_frames(p.sites[0].stack), FrameDetail::Folded), 8u);
}

TEST(ShownFrames, AllShowsEveryFrameWithItsFullName) {
  const Profile p = profile_of({kRequestBody});
  const auto shown = functions(p, p.sites[0].stack, FrameDetail::All);
  ASSERT_EQ(shown.size(), kRequestBody.size());
  EXPECT_EQ(shown.front(), "tcmalloc::allocate_full_cpp_throw_oom(unsigned long)");
  EXPECT_EQ(shown[6], "make_body(std::vector<char, std::allocator<char> >&, unsigned long)");
  EXPECT_EQ(folded_frame_count(p, p.stack_frames(p.sites[0].stack), FrameDetail::All), 0u);
}

TEST(ShownFrames, AStackOfRuntimeFramesOnlyKeepsItsSiteFrame) {
  const std::vector<FrameText> runtime_only(kRequestBody.begin(), kRequestBody.begin() + 3);
  const Profile p = profile_of({runtime_only});
  EXPECT_EQ(shown_frames(p, p.stack_frames(p.sites[0].stack), FrameDetail::Folded).size(), 1u);
}

TEST(ShownFrames, GoRuntimeFramesFoldToo) {
  const Profile p = profile_of({{{"runtime.mallocgc", "malloc.go", 1, "", 0x10, 0},
                                 {"runtime.makeslice", "slice.go", 2, "", 0x20, 0},
                                 {"main.handle", "main.go", 30, "", 0x30, 0},
                                 {"main.main", "main.go", 50, "", 0x40, 0},
                                 {"runtime.main", "proc.go", 3, "", 0x50, 0}}});
  EXPECT_EQ(functions(p, p.sites[0].stack, FrameDetail::Folded), (std::vector<std::string>{"main.handle", "main.main"}));
}

TEST(ShownFrames, ShorteningKeepsOperatorsThatLookLikeTemplates) {
  EXPECT_EQ(shorten_template_arguments("std::map<int, std::string>::find(int const&)"), "std::map<…>::find(int const&)");
  EXPECT_EQ(shorten_template_arguments("std::ostream& std::operator<< <std::char_traits<char> >(std::ostream&, char const*)"),
            "std::ostream& std::operator<< <…>(std::ostream&, char const*)");
  EXPECT_EQ(shorten_template_arguments("bool operator<(Key const&, Key const&)"), "bool operator<(Key const&, Key const&)");
  EXPECT_EQ(shorten_template_arguments("Ptr::operator->() const"), "Ptr::operator->() const");
  EXPECT_EQ(shorten_template_arguments("auto operator<=>(A const&, A const&)"), "auto operator<=>(A const&, A const&)");
  EXPECT_EQ(shorten_template_arguments("broken<name"), "broken<name");  // unbalanced: as recorded
}

TEST(ShownFrames, CallTreeHasNoRuntimeNodesUnlessAskedForAll) {
  const Profile p = profile_of({kRequestBody});
  const auto folded = call_tree(p);
  ASSERT_EQ(folded.size(), 4u);  // root > main > handle_request > make_body
  EXPECT_EQ(p.str(folded[1].function), "main");
  EXPECT_EQ(folded[3].depth, 3u);
  EXPECT_EQ(folded[3].self.inuse_bytes, 4096u);
  const auto all = call_tree(p, 0, FrameDetail::All);
  EXPECT_EQ(all.size(), kRequestBody.size() + 1);
  EXPECT_EQ(p.str(all.back().function), "tcmalloc::allocate_full_cpp_throw_oom(unsigned long)");
}

// Sessions kept by a pool whose small-object instantiation forwards to its large one.
const std::vector<FrameText>& kPoolGrowth = ctxheap_test::pool_growth_stack();
// The same pool grown through its other instantiation only, and a pool that really recurses.
const std::vector<FrameText> kPoolDirect = {
    {"operator new(unsigned long)", "", 0, "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", 0x1020, 0x1020},
    {"std::vector<Session, std::allocator<Session> >::_M_default_append(unsigned long)", "/usr/include/c++/12/bits/vector.tcc", 640, "app", 0x2130, 0x2130},
    {"Pool<Session, SmallBlocks>::grow(unsigned long)", "/src/app/pool.hpp", 31, "app", 0x3120, 0x3120},
    {"Pool<Session, SmallBlocks>::grow(unsigned long)", "/src/app/pool.hpp", 31, "app", 0x3120, 0x3120},
    {"open_session(int)", "/src/app/sessions.cpp", 12, "app", 0x3130, 0x3130},
    {"main", "/src/app/main.cpp", 40, "app", 0x3030, 0x3030},
};

std::vector<std::string> calls(const Profile& p, Index stack, FrameDetail detail) {
  const auto frames = p.stack_frames(stack);
  std::vector<std::string> out;
  for (std::uint32_t i : shown_calls(p, frames, detail)) out.push_back(shown_function(p.str(frames[i].function), detail));
  return out;
}

TEST(ShownCalls, NeighbouringInstantiationsOfOneTemplateAreOneCall) {
  const Profile p = profile_of({kPoolGrowth, kPoolDirect});
  EXPECT_EQ(calls(p, p.sites[0].stack, FrameDetail::Folded),
            (std::vector<std::string>{"Pool<…>::grow(unsigned long)", "open_session(int)", "main"}));
  // A frame calling itself again is recursion, not two instantiations: it stays.
  EXPECT_EQ(calls(p, p.sites[1].stack, FrameDetail::Folded),
            (std::vector<std::string>{"Pool<…>::grow(unsigned long)", "Pool<…>::grow(unsigned long)", "open_session(int)", "main"}));
  // All frames: full names differ, so every frame is its own call.
  EXPECT_EQ(calls(p, p.sites[0].stack, FrameDetail::All).size(), kPoolGrowth.size());
}

TEST(ShownCalls, TheCallTreeFoldsInstantiationsAsTheAllocationViewsDo) {
  const Profile p = profile_of({kPoolGrowth, kPoolDirect});
  const auto tree = call_tree(p);
  // root > main > open_session > Pool<…>::grow (both stacks) > Pool<…>::grow (the recursion)
  ASSERT_EQ(tree.size(), 5u);
  EXPECT_EQ(tree[3].name, "Pool<…>::grow(unsigned long)");
  EXPECT_EQ(tree[3].cumulative.inuse_bytes, 2 * 4096u);
  EXPECT_EQ(tree[3].self.inuse_bytes, 4096u);
  EXPECT_EQ(tree[4].name, "Pool<…>::grow(unsigned long)");
  EXPECT_EQ(tree[4].parent, 3u);
  EXPECT_EQ(tree[4].self.inuse_bytes, 4096u);
  for (const CallTreeNode& n : tree) EXPECT_EQ(n.name.find("std::"), std::string::npos) << n.name;
}

}  // namespace
