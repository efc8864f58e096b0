// Bad gperftools and pprof inputs through the CLI: exit 2 and one line naming the file
// and what is wrong; never a crash. And the limits of the readers themselves.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <string>

#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"
#include "pprof_profile.pb.h"

namespace {

using namespace ctxheap::analyzer;
using interop_test::TempDir;

std::string gzip(const std::string& raw) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, raw.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// Runs `ctxheap report` on `bytes` and expects exit 2 with one line holding `what`.
void expect_rejected(const std::string& bytes, const std::string& what) {
  TempDir dir;
  interop_test::write_file(dir / "in.prof", bytes);
  const auto r = interop_test::ctxheap(dir, "report in.prof");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("in.prof"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

ctxheap::pprof::Profile heap_message() {
  ctxheap::pprof::Profile p;
  for (const char* s : {"", "inuse_space", "bytes", "f"}) p.add_string_table(s);
  auto* t = p.add_sample_type();
  t->set_type(1);
  t->set_unit(2);
  auto* f = p.add_function();
  f->set_id(1);
  f->set_name(3);
  auto* l = p.add_location();
  l->set_id(1);
  l->add_line()->set_function_id(1);
  auto* s = p.add_sample();
  s->add_location_id(1);
  s->add_value(64);
  return p;
}

TEST(InteropBadInput, MalformedGperftoolsHeader) {
  expect_rejected("heap profile: 12 [ 3: 4] @ heapprofile\n", "malformed header counts");
}

TEST(InteropBadInput, NonNumericRecordField) {
  expect_rejected("heap profile: 1: 10 [ 1: 10] @ heapprofile\n  1: ten [ 1: 10] @ 0x10\n", "line 2: malformed record");
}

TEST(InteropBadInput, BadStackAddress) {
  expect_rejected("heap profile: 1: 10 [ 1: 10] @ heapprofile\n1: 10 [ 1: 10] @ 0x10 0xZZ\n", "malformed stack address");
}

TEST(InteropBadInput, OverlongLine) {
  std::string text = "heap profile: 1: 10 [ 1: 10] @ heapprofile\n1: 10 [ 1: 10] @";
  for (int i = 0; i < 90'000; ++i) text += " 0x1234567890";
  expect_rejected(text + "\n", "longer than the limit");
}

TEST(InteropBadInput, TruncatedGzip) {
  const std::string whole = gzip(heap_message().SerializeAsString() + std::string(4096, '\0'));
  expect_rejected(whole.substr(0, whole.size() / 2), "truncated gzip");
}

TEST(InteropBadInput, ProtoWithOutOfRangeStringIndex) {
  auto p = heap_message();
  p.mutable_function(0)->set_name(99);
  expect_rejected(gzip(p.SerializeAsString()), "refers to string 99 of 4");
}

TEST(InteropBadInput, ProtoWithMissingLocation) {
  auto p = heap_message();
  p.mutable_sample(0)->add_location_id(7);
  expect_rejected(p.SerializeAsString(), "refers to missing location 7");
}

TEST(InteropBadInput, ProtoWithTooFewValues) {
  auto p = heap_message();
  p.mutable_sample(0)->add_value(3);
  expect_rejected(gzip(p.SerializeAsString()), "has 2 values for 1 sample types");
}

TEST(InteropBadInput, GzipBombStopsAtTheLimit) {
  const std::string bomb = gzip(std::string(8u << 20, '\0'));  // 8 MiB of zeros in ~8 KiB
  ReaderLimits limits;
  limits.max_inflate_ratio = 100;
  try {
    gunzip(std::as_bytes(std::span<const char>(bomb)), "bomb.gz", limits);
    FAIL() << "inflated past the limit";
  } catch (const LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("bomb.gz: gzip data inflates beyond the limit"), std::string::npos) << e.what();
  }
  // Within the default ratio the same data inflates fully.
  EXPECT_EQ(gunzip(std::as_bytes(std::span<const char>(bomb)), "bomb.gz", {}).size(), 8u << 20);
}

TEST(InteropBadInput, ReaderLimitsOnRecordsAndFrames) {
  ReadOptions o;
  o.name = "x.heap";
  o.symbolize = false;
  o.limits.max_frames = 2;
  EXPECT_THROW(read_gperftools_heap("heap profile: 1: 1 [ 1: 1] @ heapprofile\n1: 1 [ 1: 1] @ 0x1 0x2 0x3\n", o), LoadError);
  o.limits.max_frames = 64;
  o.limits.max_records = 1;
  EXPECT_THROW(read_gperftools_heap("heap profile: 2: 2 [ 2: 2] @ heapprofile\n1: 1 [ 1: 1] @ 0x1\n1: 1 [ 1: 1] @ 0x2\n", o),
               LoadError);
}

TEST(InteropBadInput, EveryPrefixOfARealProfileIsRejectedOrReadNeverCrashes) {
  const std::string raw = gunzip(
      std::as_bytes(std::span<const char>(interop_test::read_file(interop_test::data("go/fixtures/fixed/heap.pb.gz")))),
      "fixed", {});
  for (std::size_t n = 0; n < raw.size(); n += 97) {
    try {
      read_pprof(std::as_bytes(std::span<const char>(raw.data(), n)));
    } catch (const LoadError&) {
    }
  }
  SUCCEED();
}

}  // namespace

namespace {

/// Deterministic byte mutations (flip, delete, duplicate, insert a digit or separator)
/// of a real input, read by `read`: every result is a profile or a LoadError.
template <class Read>
void mutate_and_read(const std::string& seed, Read read, int rounds) {
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  static constexpr char kNoise[] = "0123456789:[]@x \n-";
  for (int r = 0; r < rounds; ++r) {
    std::string input = seed;
    for (int k = 0; k < 1 + static_cast<int>(next() % 8) && !input.empty(); ++k) {
      const std::size_t at = next() % input.size();
      switch (next() % 4) {
        case 0: input[at] = static_cast<char>(next()); break;
        case 1: input.erase(at, 1 + next() % 16); break;
        case 2: input.insert(at, input.substr(at, 1 + next() % 64)); break;
        default: input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), kNoise[next() % (sizeof kNoise - 1)]); break;
      }
    }
    try {
      read(input);
    } catch (const LoadError&) {
    }
  }
}

TEST(InteropBadInput, MutatedGperftoolsDumpsAreReadOrRejected) {
  const std::string seed = "heap profile:   100:   100000 [   300:   400000] @ heap_v2/524288\n"
                           "    10:    60000 [    10:    60000] @ 0x55d000001234 0x7f0000000100\n"
                           "     5:    15000 [    20:    90000] @ 0x55d000001300 0x1\n"
                           "MAPPED_LIBRARIES:\n"
                           "55d000001000-55d000005000 r-xp 00001000 08:01 100 /opt/app/bin/server\n"
                           "7f0000000000-7f0000100000 r-xp 00020000 08:01 200 /dev/zero\n";
  ReadOptions o;
  o.name = "mutated.heap";
  mutate_and_read(seed, [&](const std::string& text) { read_gperftools_heap(text, o); }, 3000);
  SUCCEED();
}

TEST(InteropBadInput, MutatedGoProfilesAreReadOrRejected) {
  const std::string raw = gunzip(
      std::as_bytes(std::span<const char>(interop_test::read_file(interop_test::data("go/fixtures/fixed/heap.pb.gz")))),
      "fixed", {});
  mutate_and_read(raw, [](const std::string& bytes) { read_pprof(std::as_bytes(std::span<const char>(bytes))); }, 1500);
  SUCCEED();
}

TEST(InteropBadInput, MappedDevicesAndFifosAreNeverOpened) {
  TempDir dir;
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opening the FIFO for reading would block this test forever.
  const std::string text = "heap profile: 1: 8 [ 1: 8] @ heapprofile\n1: 8 [ 1: 8] @ 0x1010\n"
                           "MAPPED_LIBRARIES:\n1000-2000 r-xp 00000000 00:00 1 " + fifo + "\n";
  const Profile p = read_gperftools_heap(text);
  const auto frames = p.stack_frames(p.sites.at(0).stack);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(p.str(frames[0].module), fifo);
  EXPECT_EQ(frames[0].module_offset, 0x10u);
}

}  // namespace
