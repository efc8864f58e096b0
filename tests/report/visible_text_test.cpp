// The one escaped notation for text shown on a terminal, in Markdown and in error lines
// (ctxheap/report/visible_text.hpp).
#include <gtest/gtest.h>

#include "ctxheap/report/visible_text.hpp"

namespace {

using ctxheap::report::visible_text;

TEST(VisibleText, ValidTextPassesThroughUnchanged) {
  EXPECT_EQ(visible_text("handle_request(ctxheap::Context const&, int) grüße 日本 🙂"),
            "handle_request(ctxheap::Context const&, int) grüße 日本 🙂");
}

TEST(VisibleText, ControlCharactersAreShownAsBytesAndLineBreaksAsSpaces) {
  EXPECT_EQ(visible_text("a\x1b[31mb\x07" "c\x7f" "d"), "a\\x1B[31mb\\x07c\\x7Fd");
  EXPECT_EQ(visible_text("one\ntwo\r\tthree"), "one two  three");
  EXPECT_EQ(visible_text(std::string("nul\0here", 8)), "nul\\x00here");
}

TEST(VisibleText, RawC1BytesAndInvalidUtf8AreShownAsBytes) {
  EXPECT_EQ(visible_text("csi\x9b" "2J osc\x9d" "0;t\x9c"), "csi\\x9B2J osc\\x9D0;t\\x9C");
  EXPECT_EQ(visible_text("\xff\xfe"), "\\xFF\\xFE");
  EXPECT_EQ(visible_text("cut\xe2\x80"), "cut\\xE2\\x80");           // truncated sequence
  EXPECT_EQ(visible_text("\xc0\xaf"), "\\xC0\\xAF");                 // overlong '/'
  EXPECT_EQ(visible_text("\xed\xa0\x80"), "\\xED\\xA0\\x80");        // a surrogate
  EXPECT_EQ(visible_text("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST(VisibleText, C1AndBidiControlsAreShownAsCodePoints) {
  EXPECT_EQ(visible_text("csi\xc2\x9b" "2J"), "csi\\u{009B}2J");
  EXPECT_EQ(visible_text("abc\xe2\x80\xae" "fed"), "abc\\u{202E}fed");
  EXPECT_EQ(visible_text("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");
  EXPECT_EQ(visible_text("zero\xe2\x80\x8bwidth\xef\xbb\xbf"), "zero\\u{200B}width\\u{FEFF}");
}

}  // namespace
