#include <gtest/gtest.h>

#include "ctxheap/symbolize/frame.hpp"

namespace {

using ctxheap::symbolize::Frame;

TEST(DisplayName, PrefersFunctionThenModuleOffsetThenHex) {
  Frame frame;
  frame.address = 0x7f12345678;
  EXPECT_EQ(display_name(frame), "0x7f12345678");
  frame.module = "/usr/lib/x86_64-linux-gnu/libfoo.so.1";
  frame.module_offset = 0x1234;
  EXPECT_EQ(display_name(frame), "libfoo.so.1+0x1234");
  frame.function = "foo::bar(int)";
  EXPECT_EQ(display_name(frame), "foo::bar(int)");
}

TEST(DisplayName, ModuleWithoutDirectory) {
  Frame frame;
  frame.module = "[vdso]";
  EXPECT_EQ(display_name(frame), "[vdso]+0x0");
}

}  // namespace
