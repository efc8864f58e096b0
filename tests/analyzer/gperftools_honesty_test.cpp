// gperftools dumps told honestly: truncation judged on all four header totals, each
// quantified. Dumps are written here in the heap profiler's text format.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_support.hpp"

namespace {

using namespace ctxheap_test;

Profile read_dump(const std::string& text, const std::string& name = "app.0001.heap") {
  ReadOptions o;
  o.name = name;
  return read_gperftools_heap(text, o);
}

TEST(GperftoolsHonesty, ADumpMissingOnlyAllocationHistoryIsTruncated) {
  // In-use totals match the records; 82 % of the allocated objects and 52 % of the
  // allocated bytes are missing from them.
  const Profile p = read_dump(
      "heap profile:    1:    64 [  1000: 90000] @ heapprofile\n"
      "     1:    64 [   180: 43200] @ 0x401010 0x401020\n");
  EXPECT_TRUE(p.meta.records_missing);
  ASSERT_FALSE(p.meta.notes.empty());
  const std::string& note = p.meta.notes.back();
  EXPECT_NE(note.find("Truncated dump"), std::string::npos) << note;
  EXPECT_NE(note.find("820 (82 %) of the allocated objects"), std::string::npos) << note;
  EXPECT_NE(note.find("(52 %) of the allocated bytes"), std::string::npos) << note;
  EXPECT_NE(note.find("0 B (0 %) of the in-use bytes"), std::string::npos) << note;
}

TEST(GperftoolsHonesty, ACompleteDumpIsNotFlagged) {
  const Profile p = read_dump(
      "heap profile:    1:    64 [   180: 43200] @ heapprofile\n"
      "     1:    64 [   180: 43200] @ 0x401010 0x401020\n");
  EXPECT_FALSE(p.meta.records_missing);
  EXPECT_TRUE(p.meta.notes.empty());
}

}  // namespace
