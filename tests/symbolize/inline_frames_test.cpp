// An always_inline function inside a noinline one, compiled with -O2 -g (see
// CMakeLists.txt): the inlined callee is reported first, marked inlined, at the
// line inside it; the containing function follows at the line of the call.
#include <gtest/gtest.h>

#include "capture.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"

namespace symbolize_fixture {

struct InlineCapture {
  std::uint64_t return_address = 0;
  int line_in_callee = 0;
  int line_in_caller = 0;
};
volatile int inline_sink = 0;

__attribute__((always_inline)) inline InlineCapture inlined_callee() {
  InlineCapture captured;
  captured.return_address = return_address_in_caller(); captured.line_in_callee = __LINE__;
  inline_sink = captured.line_in_callee;  // the call above is not in tail position
  return captured;
}

[[gnu::noinline]] InlineCapture caller_of_inlined() {
  InlineCapture captured = inlined_callee(); captured.line_in_caller = __LINE__;
  inline_sink = captured.line_in_caller;
  return captured;
}

}  // namespace symbolize_fixture

namespace {

using ctxheap::symbolize::Symbolizer;
using namespace symbolize_fixture;

TEST(InlineFrames, InlinedCalleeComesFirstThenTheContainingFunction) {
  const InlineCapture captured = caller_of_inlined();
  auto symbolizer = Symbolizer::for_this_process();
  const auto& frames = symbolizer.resolve(captured.return_address);

  ASSERT_EQ(frames.size(), 2u);
  const auto& callee = frames[0];
  EXPECT_TRUE(callee.inlined);
  EXPECT_EQ(callee.function, "symbolize_fixture::inlined_callee()");
  EXPECT_EQ(file_name(callee.file), file_name(__FILE__));
  EXPECT_EQ(callee.line, static_cast<std::uint32_t>(captured.line_in_callee));

  const auto& caller = frames[1];
  EXPECT_FALSE(caller.inlined);
  EXPECT_EQ(caller.function, "symbolize_fixture::caller_of_inlined()");
  EXPECT_EQ(file_name(caller.file), file_name(__FILE__));
  EXPECT_EQ(caller.line, static_cast<std::uint32_t>(captured.line_in_caller));

  // Both frames describe the same machine address.
  EXPECT_EQ(callee.address, caller.address);
  EXPECT_EQ(callee.module, caller.module);
  EXPECT_EQ(callee.module_offset, caller.module_offset);
}

}  // namespace
