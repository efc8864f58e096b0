// ctxheap::stacks: the cached-unwind-rule walk gives the stacks libunwind gives, through code
// with and without frame pointers, on threads and in signal handlers, stops at the depth it
// is asked for, and never faults on a garbage frame pointer. Built in every build (the
// sanitizers' too): it needs no particular allocator.
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ctxheap/stacks/stack_walk.hpp"
#include "nofp_library.hpp"

using ctxheap::stacks::capture_stack_with;
using ctxheap::stacks::Unwinder;

using Stack = std::vector<void*>;

// What the functions below captured, with each unwinder, from the same frame.
struct Captured {
  Stack rules, libunwind;
};

namespace {

constexpr int kDepth = 64;

[[gnu::noinline]] Stack capture(Unwinder u) {
  void* frames[kDepth];
  const int n = capture_stack_with(u, frames, kDepth);
  return Stack(frames, frames + n);
}

/// Both captures: frame 0 is in capture(), frame 1 in capture_both() (where the two calls
/// return to differs), frame 2 in capture_both's caller.
[[gnu::noinline]] Captured capture_both() {
  Captured c{capture(Unwinder::FrameRules), capture(Unwinder::Libunwind)};
  asm volatile("" ::: "memory");
  return c;
}

std::string symbol(void* pc) {
  Dl_info info{};
  if (dladdr(static_cast<char*>(pc) - 1, &info) == 0 || info.dli_sname == nullptr) return "?";
  return info.dli_sname;
}

std::string describe(const Stack& s) {
  std::string out;
  for (void* pc : s) out += "\n  " + symbol(pc);
  return out;
}

/// Index of the first frame in a function whose symbol contains `name`, or -1.
int find(const Stack& s, const std::string& name) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (symbol(s[i]).find(name) != std::string::npos) return static_cast<int>(i);
  return -1;
}

void expect_same_stacks(const Captured& c) {
  ASSERT_GE(c.rules.size(), 3u);
  ASSERT_GE(c.libunwind.size(), 3u);
  // From capture_both's caller on, the two must agree.
  const Stack rules(c.rules.begin() + 2, c.rules.end());
  const Stack unw(c.libunwind.begin() + 2, c.libunwind.end());
  EXPECT_EQ(rules, unw) << "frame rules:" << describe(rules) << "\nlibunwind:" << describe(unw);
}

}  // namespace

// The test's own functions have external names, so dladdr finds them (ENABLE_EXPORTS).
extern "C" {

[[gnu::noinline]] int stack_test_callback(void* out) {
  *static_cast<Captured*>(out) = capture_both();
  return 1;
}

[[gnu::noinline]] int stack_test_compare(const void* a, const void* b) {
  static Captured* sink = nullptr;
  if (a == nullptr) sink = static_cast<Captured*>(const_cast<void*>(b));
  else if (sink != nullptr && sink->rules.empty()) *sink = capture_both();
  return 0;
}

[[gnu::noinline]] int stack_test_recurse(int depth, Captured* out) {
  if (depth == 0) {
    *out = capture_both();
    return 0;
  }
  const int r = stack_test_recurse(depth - 1, out);
  asm volatile("" ::"r"(r) : "memory");
  return r + 1;
}

}  // extern "C"

[[gnu::noinline]] Captured stack_test_user_site() {
  Captured c;
  const int r = nofp_call(stack_test_callback, &c, 3);
  asm volatile("" ::"r"(r) : "memory");
  return c;
}

// Two copies of one function (same code, same frame size) that call the same helper: the
// helper's frame is the same in both, the frames above it are not.
volatile int g_path_taken = 0;
template <int Which>
[[gnu::noinline]] Stack stack_test_path() {
  g_path_taken = Which;  // different code, so the compiler cannot fold the two copies into one
  Stack s = capture_both().rules;
  asm volatile("" ::: "memory");
  return s;
}

TEST(StackCapture, FrameRulesGiveLibunwindsStackThroughALibraryWithoutFramePointers) {
  const Captured c = stack_test_user_site();
  expect_same_stacks(c);
  const int lib = find(c.rules, "nofp_call");
  const int user = find(c.rules, "stack_test_user_site");
  ASSERT_GE(lib, 0) << describe(c.rules);
  EXPECT_EQ(user, lib + 1) << "the library's caller is the next frame:" << describe(c.rules);
  EXPECT_EQ(find(c.rules, "stack_test_callback"), lib - 1) << describe(c.rules);
}

TEST(StackCapture, FrameRulesGiveLibunwindsStackThroughLibcCallingBackIntoTheProgram) {
  // qsort (Debian's libc: no frame pointers) calls the comparator, which captures.
  Captured c;
  stack_test_compare(nullptr, &c);
  int values[] = {3, 1, 2};
  std::qsort(values, 3, sizeof(int), stack_test_compare);
  expect_same_stacks(c);
  EXPECT_GE(find(c.rules, "stack_test_compare"), 0) << describe(c.rules);
  EXPECT_GT(find(c.rules, "TestBody"), find(c.rules, "stack_test_compare")) << describe(c.rules);
}

TEST(StackCapture, ADeepRecursionIsCappedAtTheRequestedDepth) {
  Captured c;
  stack_test_recurse(300, &c);
  ASSERT_EQ(c.rules.size(), static_cast<std::size_t>(kDepth));
  expect_same_stacks(c);
  for (int i = 2; i < kDepth; ++i) EXPECT_EQ(symbol(c.rules[i]), "stack_test_recurse") << "frame " << i;
  void* three[3];
  EXPECT_EQ(capture_stack_with(Unwinder::FrameRules, three, 3), 3);
  EXPECT_EQ(capture_stack_with(Unwinder::FrameRules, three, 0), 0);
}

TEST(StackCapture, AStackThatChangesAboveAnUnchangedFrameIsWalkedAgain) {
  // Each walk remembers the last one and reuses the frames above a frame that is the same
  // and whose stack words still hold: alternating callers must still come out right.
  for (int round = 0; round < 4; ++round) {
    const Stack one = stack_test_path<1>();
    const Stack two = stack_test_path<2>();
    EXPECT_GE(find(one, "stack_test_pathILi1E"), 0) << describe(one);
    EXPECT_EQ(find(one, "stack_test_pathILi2E"), -1) << describe(one);
    EXPECT_GE(find(two, "stack_test_pathILi2E"), 0) << describe(two);
    EXPECT_EQ(find(two, "stack_test_pathILi1E"), -1) << describe(two);
  }
}

TEST(StackCapture, OtherThreadsGetLibunwindsStacks) {
  Captured c;
  std::thread t([&c] { c = stack_test_user_site(); });
  t.join();
  expect_same_stacks(c);
  EXPECT_GE(find(c.rules, "stack_test_user_site"), 0) << describe(c.rules);
}

TEST(StackCapture, ThreadsCapturingAtOnceShareTheRuleCache) {
  // The rule cache is filled by whichever thread sees an address first, without a lock.
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &mismatches] {
      for (int i = 0; i < 200; ++i) {
        Captured c;
        if ((i + t) % 2 == 0) c = stack_test_user_site();
        else stack_test_recurse(i % 7, &c);
        if (c.rules.size() < 3 || c.libunwind.size() < 3 ||
            !std::equal(c.rules.begin() + 2, c.rules.end(), c.libunwind.begin() + 2, c.libunwind.end()))
          ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

namespace {
// The handler captures into fixed arrays: nothing in a signal handler may allocate.
void* g_handler_frames[2][kDepth];
int g_handler_depth[2];
unsigned long g_fallbacks_in_handler = 0;
[[gnu::noinline]] void capture_in_handler() {
  g_handler_depth[0] = capture_stack_with(Unwinder::FrameRules, g_handler_frames[0], kDepth);
  g_handler_depth[1] = capture_stack_with(Unwinder::Libunwind, g_handler_frames[1], kDepth);
  asm volatile("" ::: "memory");
}
extern "C" void stack_test_handler(int) {
  capture_in_handler();
  g_fallbacks_in_handler = ctxheap::stacks::fallbacks_on_this_thread();
}
}  // namespace

TEST(StackCapture, ASignalFrameHandsTheWalkToLibunwind) {
  // The fallback's first call may load its unwinder (glibc's backtrace() under TSan dlopens
  // libgcc_s, which allocates): make it outside the handler.
  capture_in_handler();
  struct sigaction action{}, previous{};
  action.sa_handler = stack_test_handler;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR2, &action, &previous), 0);
  const unsigned long before = ctxheap::stacks::fallbacks_on_this_thread();
  pthread_kill(pthread_self(), SIGUSR2);
  sigaction(SIGUSR2, &previous, nullptr);
  // Frame 0 is in capture_in_handler (two call sites); from its caller on they agree.
  const Stack rules(g_handler_frames[0] + 1, g_handler_frames[0] + g_handler_depth[0]);
  const Stack unw(g_handler_frames[1] + 1, g_handler_frames[1] + g_handler_depth[1]);
  EXPECT_EQ(rules, unw) << "frame rules:" << describe(rules) << "\nlibunwind:" << describe(unw);
  EXPECT_GE(find(rules, "TestBody"), 0) << describe(rules);
#if !defined(__SANITIZE_THREAD__)
  // The signal trampoline has no rule the walk follows: that capture fell back. (TSan runs
  // handlers itself, from an ordinary call, not from the kernel's trampoline.)
  EXPECT_GT(g_fallbacks_in_handler, before);
#else
  (void)before;
#endif
}

// Calls fn with rbp holding `garbage`: fn's own frame saves it, and the walk must check it
// against the stack before following it (this frame's unwind rule says CFA = rbp + 16).
[[gnu::noinline]] int call_with_frame_pointer(std::uintptr_t garbage, int (*fn)()) {
  int n;
  asm volatile(
      "push %%rbp\n\t"
      "mov %%rsp, %%rbx\n\t"
      "sub $256, %%rsp\n\t"  // past the red zone
      "and $-16, %%rsp\n\t"
      "mov %[bad], %%rbp\n\t"
      "call *%[fn]\n\t"
      "mov %%rbx, %%rsp\n\t"
      "pop %%rbp"
      : "=a"(n)
      : [bad] "r"(garbage), [fn] "r"(fn)
      : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2",
        "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
        "xmm15");
  return n;
}

namespace {
int g_walked = 0;
[[gnu::noinline]] int walk_under_garbage() {
  void* frames[kDepth];
  g_walked = capture_stack_with(Unwinder::FrameRules, frames, kDepth);
  return g_walked;
}
}  // namespace

TEST(StackCapture, AGarbageFramePointerEndsTheWalkInsteadOfFaulting) {
  int local = 0;
  const auto here = reinterpret_cast<std::uintptr_t>(&local);
  for (std::uintptr_t garbage : {std::uintptr_t{0}, std::uintptr_t{8}, here - 4096, here + (std::uintptr_t{1} << 40),
                                 std::uintptr_t{0xffff800000000000}, ~std::uintptr_t{0} - 15}) {
    const int n = call_with_frame_pointer(garbage, walk_under_garbage);
    // walk_under_garbage, then call_with_frame_pointer, whose caller cannot be found.
    EXPECT_EQ(n, 2) << "rbp = " << std::hex << garbage;
  }
}

// --- unloaded code ----------------------------------------------------------------------
// The plugin is nofp_library.cpp again, built as a module the test loads and unloads: the
// rules cached for its code must not outlive it (a library mapped later at its addresses
// would be walked by them).
namespace {

struct PluginCapture {
  void* frames[kDepth];
  int n = 0;
};

int capture_into(void* out) {
  auto* c = static_cast<PluginCapture*>(out);
  c->n = ctxheap::stacks::capture_stack(c->frames, kDepth);
  return c->n;
}

/// Loads the plugin, captures a stack through it, and returns the return address inside
/// the plugin that the walk stepped from (nullptr if none), with the plugin still loaded.
void* capture_through_plugin(void*& handle) {
  handle = dlopen(CTXHEAP_NOFP_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return nullptr;
  using Call = int (*)(int (*)(void*), void*, int);
  auto call = reinterpret_cast<Call>(dlsym(handle, "nofp_call"));
  if (call == nullptr) return nullptr;
  Dl_info plugin{};
  if (dladdr(reinterpret_cast<void*>(call), &plugin) == 0) return nullptr;
  PluginCapture c;
  call(capture_into, &c, 1);
  for (int i = 0; i < c.n; ++i) {
    Dl_info at{};
    if (dladdr(static_cast<char*>(c.frames[i]) - 1, &at) != 0 && at.dli_fbase == plugin.dli_fbase) return c.frames[i];
  }
  return nullptr;
}

}  // namespace

TEST(StackCapture, RulesOfAnUnloadedLibraryAreForgotten) {
  void* handle = nullptr;
  void* in_plugin = capture_through_plugin(handle);
  ASSERT_NE(handle, nullptr) << dlerror();
  ASSERT_NE(in_plugin, nullptr) << "no frame of the plugin in the stack";
  EXPECT_TRUE(ctxheap::stacks::has_cached_rule(in_plugin));
  ASSERT_EQ(dlclose(handle), 0);
  ctxheap::stacks::forget_unloaded_code();
  EXPECT_FALSE(ctxheap::stacks::has_cached_rule(in_plugin));
}

TEST(StackCapture, CapturesForgetAnUnloadedLibraryOnTheirOwn) {
  void* handle = nullptr;
  void* in_plugin = capture_through_plugin(handle);
  ASSERT_NE(handle, nullptr) << dlerror();
  ASSERT_NE(in_plugin, nullptr) << "no frame of the plugin in the stack";
  ASSERT_TRUE(ctxheap::stacks::has_cached_rule(in_plugin));
  ASSERT_EQ(dlclose(handle), 0);
  void* frames[kDepth];
  int total = 0;
  for (unsigned i = 0; i < ctxheap::stacks::kCapturesBetweenUnloadChecks; ++i)
    total += ctxheap::stacks::capture_stack(frames, kDepth);
  EXPECT_GT(total, 0);
  EXPECT_FALSE(ctxheap::stacks::has_cached_rule(in_plugin));
}
