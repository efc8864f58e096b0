// A plain (not inlined) function of this binary: by entry address and by a
// return address captured inside it.
#include <gtest/gtest.h>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace symbolize_fixture {

struct Captured {
  std::uint64_t return_address;
  int call_line;
};
volatile int named_sink = 0;

constexpr int kNamedFunctionLine = __LINE__ + 1;
[[gnu::noinline]] Captured capture_in_named_function(int tag) {
  const Captured captured{return_address_in_caller(), __LINE__};
  named_sink = tag;
  return captured;
}

// A call to a noreturn function is the last instruction of its caller, so the
// return address lies past the caller's end: only address - 1 is inside it.
[[noreturn, gnu::noinline]] void throw_return_address() {
  throw static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}
[[gnu::noinline]] void ends_in_noreturn_call() { throw_return_address(); }

// A lambda's body is its own function (a member of a local closure type).
[[gnu::noinline]] Captured capture_in_lambda() {
  const auto lambda = [](int tag) __attribute__((noinline)) {
    const Captured captured{return_address_in_caller(), __LINE__};
    named_sink = tag;
    return captured;
  };
  return lambda(3);
}

}  // namespace symbolize_fixture

namespace {

using ctxheap::symbolize::Symbolizer;
using namespace symbolize_fixture;

TEST(NamedFunction, ReturnAddressResolvesToTheCallLine) {
  const Captured captured = capture_in_named_function(1);
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(captured.return_address);

  ASSERT_EQ(frames.size(), 1u);
  const auto& frame = frames.front();
  EXPECT_EQ(frame.function, "symbolize_fixture::capture_in_named_function(int)");
  EXPECT_EQ(file_name(frame.file), file_name(__FILE__));
  EXPECT_EQ(frame.line, static_cast<std::uint32_t>(captured.call_line));
  EXPECT_FALSE(frame.inlined);
  EXPECT_EQ(frame.address, captured.return_address);
  EXPECT_FALSE(frame.module.empty());
}

TEST(NamedFunction, EntryAddressResolvesToTheDefinition) {
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames =
      symbolizer.resolve(address_of(&capture_in_named_function), /*is_return_address=*/false);

  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames.front().function, "symbolize_fixture::capture_in_named_function(int)");
  EXPECT_EQ(file_name(frames.front().file), file_name(__FILE__));
  EXPECT_NEAR(static_cast<int>(frames.front().line), kNamedFunctionLine, 3);
}

TEST(NamedFunction, ReturnAddressAfterNoreturnCallStaysInTheCaller) {
  std::uint64_t return_address = 0;
  try {
    ends_in_noreturn_call();
  } catch (std::uint64_t thrown) {
    return_address = thrown;
  }
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(return_address);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().function, "symbolize_fixture::ends_in_noreturn_call()");
}

TEST(NamedFunction, LambdaBodyIsNamedAfterItsEnclosingFunction) {
  const Captured captured = capture_in_lambda();
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(captured.return_address);

  ASSERT_EQ(frames.size(), 1u);
  // The closure's name is the compiler's: "{lambda(int)#1}" (GCC), "$_0" (clang).
  const std::string& function = frames.front().function;
  EXPECT_TRUE(function.starts_with("symbolize_fixture::capture_in_lambda()::")) << function;
  EXPECT_TRUE(function.ends_with("::operator()(int) const")) << function;
  EXPECT_EQ(frames.front().line, static_cast<std::uint32_t>(captured.call_line));
}

TEST(NamedFunction, ModuleOffsetIsRelativeToTheLoadBias) {
  const Captured captured = capture_in_named_function(2);
  auto symbolizer = Symbolizer::for_this_process();
  const auto& at_return = symbolizer.resolve(captured.return_address).front();
  const auto& at_entry =
      symbolizer.resolve(address_of(&capture_in_named_function), false).front();
  EXPECT_EQ(at_return.module, at_entry.module);
  EXPECT_EQ(at_return.module_offset - at_entry.module_offset,
            captured.return_address - address_of(&capture_in_named_function));
  // GNU ld places code at virtual address == file offset, so the bias-relative
  // offset equals the mapping-relative file offset that pprof would compute.
  for (const auto& mapping : ctxheap::symbolize::parse_proc_maps(read_self_maps())) {
    if (mapping.start <= at_entry.address && at_entry.address < mapping.end) {
      EXPECT_EQ(at_entry.module_offset, at_entry.address - mapping.start + mapping.file_offset);
      EXPECT_EQ(at_entry.module, mapping.path);
    }
  }
}

}  // namespace
