// Sampled allocation stacks reach the user's call through code without frame pointers:
// allocations that libc (strdup) and a library built like Debian's (-O2, no frame pointers)
// make for the user, through malloc and operator new. CTXHEAP_SAMPLE=1 (set by the test
// runner): every allocation is sampled. Runs in each dispatch and mode the suite runs in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "ctxheap/collector/collector.hpp"
#include "ctxheap/context/all.hpp"
#include "ctxheap/format/reader.hpp"
#include "nofp_library.hpp"
#include "test_support.hpp"

namespace {

namespace fmt = ctxheap::format;

[[gnu::noinline]] void* user_strdup_site() { return ctxheap_test::keep(strdup("a string the user keeps")); }
[[gnu::noinline]] void* user_nofp_malloc_site() { return ctxheap_test::keep(nofp_malloc(333)); }
[[gnu::noinline]] void* user_nofp_new_site() { return ctxheap_test::keep(nofp_new(444)); }

// The function names of each stack sampled in `ctx`, innermost first.
std::vector<std::vector<std::string>> sampled_stacks(const fmt::Snapshot& snap, ctxheap::ContextId ctx) {
  std::vector<std::vector<std::string>> out;
  for (const auto& site : snap.sites) {
    if (site.context_id != ctx || site.stack_id == 0) continue;
    std::vector<std::string> names;
    for (const auto& f : snap.stacks.at(site.stack_id - 1).frames) names.push_back(snap.strings.at(f.function));
    out.push_back(std::move(names));
  }
  return out;
}

// Whether some stack has a frame naming `library` directly followed by one naming `user`.
bool called_from(const std::vector<std::vector<std::string>>& stacks, const std::string& library,
                 const std::string& user) {
  for (const auto& s : stacks)
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
      if (s[i].find(library) != std::string::npos && s[i + 1].find(user) != std::string::npos) return true;
  return false;
}

std::string describe(const std::vector<std::vector<std::string>>& stacks) {
  std::string out;
  for (const auto& s : stacks) {
    out += "\n stack:";
    for (const auto& f : s) out += "\n  " + f;
  }
  return out;
}

}  // namespace

TEST(SampledStacks, ReachTheUsersCallThroughLibrariesWithoutFramePointers) {
  const auto dir = ctxheap_test::temp_dir("nofp-stacks");
  auto [ctx, cancel] = ctxheap::with_cancel(ctxheap::background(), "nofp");
  void* blocks[3];
  {
    ctxheap::CurrentScope scope(ctx);
    blocks[0] = user_strdup_site();
    blocks[1] = user_nofp_malloc_site();
    blocks[2] = user_nofp_new_site();
  }
  const auto path = dir / "nofp.ctxheap";
  ctxheap::collector::write_snapshot(path.string());
  const fmt::Snapshot snap = fmt::read_snapshot(path);
  std::free(blocks[0]);
  std::free(blocks[1]);
  ::operator delete(blocks[2]);
  cancel();
  std::filesystem::remove_all(dir);
  const auto stacks = sampled_stacks(snap, ctx.id());
  EXPECT_TRUE(called_from(stacks, "strdup", "user_strdup_site")) << describe(stacks);
  EXPECT_TRUE(called_from(stacks, "nofp_malloc", "user_nofp_malloc_site")) << describe(stacks);
  EXPECT_TRUE(called_from(stacks, "nofp_new", "user_nofp_new_site")) << describe(stacks);
}
