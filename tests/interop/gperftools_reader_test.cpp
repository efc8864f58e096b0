// gperftools heap profiles: header variants, un-sampling, MAPPED_LIBRARIES, truncation,
// numbered series; and real dumps of gperf_workload under gperftools' heap profiler.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "interop_support.hpp"

namespace {

using namespace ctxheap::analyzer;
using interop_test::TempDir;

ReadOptions no_symbols() {
  ReadOptions o;
  o.name = "t.heap";
  o.symbolize = false;
  return o;
}

const char* kMaps =
    "MAPPED_LIBRARIES:\n"
    "55d000000000-55d000001000 r--p 00000000 08:01 100 /opt/app/bin/server\n"
    "55d000001000-55d000005000 r-xp 00001000 08:01 100 /opt/app/bin/server\n"
    "7f0000000000-7f0000100000 r-xp 00020000 08:01 200 /opt/app/lib/libwork.so\n";

TEST(GperftoolsReader, HeapprofileRecordsBecomeSitesWithExactCounts) {
  const std::string text = std::string("heap profile:     3:     1536 [    10:     4096] @ heapprofile\n") +
                           "     2:     1024 [     4:     2048] @ 0x55d000001234 0x7f0000000100\n"
                           "     1:      512 [     6:     2048] @ 0x55d000001300\n\n" + kMaps;
  const Profile p = read_gperftools_heap(text, no_symbols());
  EXPECT_EQ(p.meta.source_format, SourceFormat::GperftoolsHeap);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 1u);  // the heap profiler records every allocation
  ASSERT_EQ(p.sites.size(), 2u);
  EXPECT_EQ(p.sites[0].estimated.inuse_bytes, 1024u);
  EXPECT_EQ(p.sites[0].estimated.alloc_objects, 4u);
  EXPECT_EQ(p.sites[1].estimated.alloc_bytes, 2048u);
  EXPECT_EQ(p.totals.no_context.inuse_bytes(), 1536u);
  EXPECT_EQ(p.totals.no_context.alloc_bytes, 4096u);
  EXPECT_EQ(p.meta.program, "/opt/app/bin/server");
  EXPECT_TRUE(p.meta.notes.empty());
}

TEST(GperftoolsReader, UnsymbolizedFramesKeepModuleAndFileOffset) {
  const std::string text = std::string("heap profile: 1: 64 [ 1: 64] @ heapprofile\n") +
                           "1: 64 [ 1: 64] @ 0x55d000001234 0x7f0000000100 0x1234\n" + kMaps;
  const Profile p = read_gperftools_heap(text, no_symbols());
  const auto frames = p.stack_frames(p.sites.at(0).stack);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(p.str(frames[0].module), "/opt/app/bin/server");
  EXPECT_EQ(frames[0].module_offset, 0x1234u - 0x1000u + 0x1000u);
  EXPECT_EQ(p.str(frames[1].module), "/opt/app/lib/libwork.so");
  EXPECT_EQ(frames[1].module_offset, 0x100u + 0x20000u);
  EXPECT_EQ(frames[2].module, 0u);  // outside every mapping
  EXPECT_EQ(frames[2].address, 0x1234u);
}

TEST(GperftoolsReader, HeapV2IsUnsampledWithThePoissonFactor) {
  // One record of 4 objects averaging 256 KiB at a 512 KiB period: each object was
  // sampled with probability 1 - exp(-256/512).
  const std::string text = "heap profile: 4: 1048576 [ 4: 1048576] @ heap_v2/524288\n"
                           "4: 1048576 [ 4: 1048576] @ 0x1000\n";
  const Profile p = read_gperftools_heap(text, no_symbols());
  const double scale = 1 / (1 - std::exp(-0.5));
  ASSERT_EQ(p.sites.size(), 1u);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 524288u);
  EXPECT_EQ(p.meta.counters, CounterSource::SampledEstimate);
  EXPECT_EQ(p.sites[0].sampled.inuse_bytes, 1048576u);
  EXPECT_NEAR(static_cast<double>(p.sites[0].estimated.inuse_bytes), 1048576 * scale, 1.0);
  EXPECT_NEAR(static_cast<double>(p.sites[0].estimated.inuse_objects), 4 * scale, 1.0);
}

TEST(GperftoolsReader, HeapV1ScalesSmallAllocationsByHalfThePeriod) {
  // v1 headers show twice the mean interval: 1 MiB -> 512 KiB; 100-byte objects were
  // sampled at 100/512Ki, so counts scale by the inverse.
  const std::string text = "heap profile: 2: 200 [ 2: 200] @ heap/1048576\n"
                           "2: 200 [ 2: 200] @ 0x1000\n";
  const Profile p = read_gperftools_heap(text, no_symbols());
  const double ratio = 100.0 / 524288.0;
  EXPECT_NEAR(static_cast<double>(p.sites.at(0).estimated.inuse_bytes), 200 / ratio, 2.0);
  EXPECT_EQ(p.meta.sampling_interval_bytes, 524288u);
}

TEST(GperftoolsReader, BareHeapV2LineAndGrowthProfilesAreRead) {
  const Profile sample = read_gperftools_heap("heap_v2/262144\n 1: 300000 [ 1: 300000] @ 0x10 0x20\n", no_symbols());
  ASSERT_EQ(sample.sites.size(), 1u);
  EXPECT_GT(sample.sites[0].estimated.inuse_bytes, 300000u);
  const Profile growth =
      read_gperftools_heap("heap profile: 2: 2097152 [ 2: 2097152] @ growthz\n2: 2097152 [ 2: 2097152] @ 0x10\n", no_symbols());
  ASSERT_EQ(growth.meta.notes.size(), 1u);
  EXPECT_NE(growth.meta.notes[0].find("growth"), std::string::npos);
}

TEST(GperftoolsReader, MissingRecordsAreReportedAsTruncation) {
  const std::string text = "heap profile:   100:   100000 [   100:   100000] @ heapprofile\n"
                           "    10:    60000 [    10:    60000] @ 0x1000\n"
                           "     5:    15000 [     5:    15000] @ 0x2000\n";
  const Profile p = read_gperftools_heap(text, no_symbols());
  ASSERT_EQ(p.meta.notes.size(), 1u);
  const std::string& note = p.meta.notes[0];
  EXPECT_NE(note.find("Truncated"), std::string::npos) << note;
  EXPECT_NE(note.find("25 %"), std::string::npos) << note;  // 25,000 of 100,000 bytes
  EXPECT_NE(note.find("85 (85 %) of the in-use objects"), std::string::npos) << note;  // each total quantified
  // The header is the whole heap: shares are of it, not of the records left.
  EXPECT_EQ(p.totals.no_context.inuse_bytes(), 100000u);
}

TEST(GperftoolsReader, CompleteDumpIsNotFlagged) {
  const std::string text = "heap profile: 15: 75000 [ 15: 75000] @ heapprofile\n"
                           "10: 60000 [ 10: 60000] @ 0x1000\n5: 15000 [ 5: 15000] @ 0x2000\n";
  EXPECT_TRUE(read_gperftools_heap(text, no_symbols()).meta.notes.empty());
}

TEST(GperftoolsReader, NumberedDumpsLoadAsASeries) {
  TempDir dir;
  for (int i = 1; i <= 3; ++i) {
    const std::string body = "heap profile: " + std::to_string(i) + ": " + std::to_string(i * 1000) + " [ " +
                             std::to_string(i) + ": " + std::to_string(i * 1000) + "] @ heapprofile\n" +
                             std::to_string(i) + ": " + std::to_string(i * 1000) + " [ " + std::to_string(i) + ": " +
                             std::to_string(i * 1000) + "] @ 0x1000\n";
    interop_test::write_file(dir / ("app_4242.000" + std::to_string(i) + ".heap"), body);
  }
  const auto series = load_series({dir / "app_4242.0003.heap", dir / "app_4242.0001.heap", dir / "app_4242.0002.heap"});
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].meta.sequence, 1u);
  EXPECT_EQ(series[2].meta.sequence, 3u);
  EXPECT_EQ(series[0].meta.pid, 4242u);
  EXPECT_EQ(series[2].sites.at(0).estimated.inuse_bytes, 3000u);
}

// ---- Real dumps: gperf_workload under gperftools' heap profiler. ----

bool have_workload() { return std::string(CTXHEAP_GPERF_WORKLOAD).size() > 0; }

TEST(GperftoolsRealDump, FramesAreSymbolizedFromTheMappedBinary) {
  if (!have_workload()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " series app").exit_code, 0);
  const auto files = interop_test::dumps(dir, "app");
  ASSERT_EQ(files.size(), 3u);
  const Profile p = load_profile(files.back());
  EXPECT_EQ(p.meta.source_format, SourceFormat::GperftoolsHeap);
  EXPECT_TRUE(p.meta.notes.empty()) << p.meta.notes.front();
  // grow_cache allocated 200, 400 and 600 pages of 4 KiB before the dumps and never
  // freed them; fixed_pool 64 KiB once. Each is its allocations' site.
  std::uint64_t cache = 0, pool = 0;
  for (const AllocSite& s : allocation_sites(p)) {
    const std::string site = describe_alloc_site(p, s);
    if (site.find("grow_cache") != std::string::npos) cache += s.totals.inuse_bytes;
    if (site.find("fixed_pool") != std::string::npos) pool += s.totals.inuse_bytes;
  }
  const bool found = cache != 0;
  EXPECT_EQ(cache, 1200u * 4096u);
  EXPECT_EQ(pool, 64u * 1024u);
  EXPECT_TRUE(found) << "no site in grow_cache: frames were not symbolized";
}

TEST(GperftoolsRealDump, NumberedDumpsAreASeriesWithAGrowingAndAFlatSite) {
  if (!have_workload()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " series app").exit_code, 0);
  std::string args = "report --format json -o r.json";
  for (const auto& f : interop_test::dumps(dir, "app")) args += " " + interop_test::sh_quote(f.filename().string());
  const auto r = interop_test::ctxheap(dir, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string json = interop_test::read_file(dir / "r.json");
  // Trends as the analysis states them: the cache grew in every dump, the pool never did.
  const auto trend_of = [&](std::string_view function) {
    const std::size_t at = json.find(std::string("\"site\": \"(anonymous namespace)::") + std::string(function),
                                     json.find("\"allocation_site_growth\""));
    if (at == std::string::npos) return std::string("absent");
    const std::size_t t = json.find("\"trend\": \"", at);
    return json.substr(t + 10, json.find('"', t + 10) - t - 10);
  };
  EXPECT_EQ(trend_of("grow_cache"), "growing") << json.substr(json.find("allocation_site_growth"), 600);
  EXPECT_EQ(trend_of("fixed_pool"), "stable");
}

TEST(GperftoolsRealDump, DumpOverOneMebibyteIsFlaggedAsTruncated) {
  if (!have_workload()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " wide big 13").exit_code, 0);
  const auto files = interop_test::dumps(dir, "big");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_LE(std::filesystem::file_size(files[0]), std::uintmax_t{1} << 20);
  const Profile p = load_profile(files[0]);
  ASSERT_FALSE(p.meta.notes.empty());
  EXPECT_NE(p.meta.notes[0].find("Truncated dump"), std::string::npos) << p.meta.notes[0];
  const Analysis a = analyze(p);
  EXPECT_NE(a.warnings.back().find("missing"), std::string::npos);

  // A smaller run of the same program fits and is not flagged.
  TempDir small;
  ASSERT_EQ(interop_test::run(small, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " wide small 8").exit_code, 0);
  EXPECT_TRUE(load_profile(interop_test::dumps(small, "small").at(0)).meta.notes.empty());
}

}  // namespace
