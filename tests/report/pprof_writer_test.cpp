// pprof export: read back with the same messages, and by `go tool pprof` when Go is
// installed (Debian golang-go; skipped cleanly without it).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "pprof_profile.pb.h"
#include "report_test_support.hpp"

namespace {

using namespace ctxheap_test;

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[1 << 15];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

ctxheap::pprof::Profile read_back(const Analysis& a) {
  ctxheap::pprof::Profile p;
  EXPECT_TRUE(p.ParseFromString(gunzip(write(report::Format::Pprof, report::ReportSubject::of(a)))));
  return p;
}

TEST(PprofWriter, RoundTripsWithSampleTypesAndContextLabels) {
  const Analysis a = analyze(leak_profile());
  const auto p = read_back(a);
  ASSERT_GT(p.string_table_size(), 0);
  EXPECT_EQ(p.string_table(0), "");
  auto str = [&](std::int64_t i) { return p.string_table(static_cast<int>(i)); };
  ASSERT_EQ(p.sample_type_size(), 4);
  const char* types[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
  const char* units[] = {"count", "bytes", "count", "bytes"};
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(str(p.sample_type(t).type()), types[t]);
    EXPECT_EQ(str(p.sample_type(t).unit()), units[t]);
  }
  EXPECT_EQ(str(p.default_sample_type()), "inuse_space");
  EXPECT_EQ(p.period(), 512 * 1024);

  std::map<std::uint64_t, int> locations;
  for (const auto& l : p.location()) locations[l.id()] = l.line_size();
  std::uint64_t inuse = 0;
  int stale_true = 0;
  ASSERT_EQ(p.sample_size(), 151);
  for (const auto& s : p.sample()) {
    ASSERT_EQ(s.value_size(), 4);
    inuse += static_cast<std::uint64_t>(s.value(3));
    for (auto id : s.location_id()) EXPECT_TRUE(locations.count(id)) << id;
    std::map<std::string, std::string> labels;
    for (const auto& l : s.label()) labels[str(l.key())] = l.str() != 0 ? str(l.str()) : std::to_string(l.num());
    EXPECT_TRUE(labels.count("ctx_id"));
    if (labels["ctx_id"] == "0") continue;  // no context
    EXPECT_EQ(labels["ctx_parent"], "16");
    EXPECT_EQ(labels["ctx_site"], "handle_request(int) handler.cpp:86");
    EXPECT_EQ(labels["ctx_name"], "request.body");
    stale_true += labels["stale"] == "true";
  }
  EXPECT_EQ(inuse, 150 * kBody + 1000);
  EXPECT_EQ(stale_true, 0);  // the bodies are value contexts, not stale entries themselves
}

TEST(PprofWriter, InlinedFramesShareOneLocation) {
  const Analysis a = analyze(leak_profile());
  const auto p = read_back(a);
  const auto& s = p.sample(0);
  ASSERT_EQ(s.location_id_size(), 3);  // operator new, make_body inlined into handle_request, main
  int two_lines = 0;
  for (const auto& l : p.location()) two_lines += l.line_size() == 2;
  EXPECT_EQ(two_lines, 1);
}

TEST(PprofWriter, WithoutSampledSitesUsesExactCountersAtCreationStacks) {
  Profile profile = leak_profile();
  profile.sites.clear();
  const Analysis a = analyze(std::move(profile));
  const auto p = read_back(a);
  std::int64_t inuse = 0;
  for (const auto& s : p.sample()) inuse += s.value(3);
  EXPECT_EQ(static_cast<std::uint64_t>(inuse), a.summary.contexts_total.inuse_bytes());
}

TEST(PprofWriter, GoToolPprofReadsIt) {
  if (std::system("command -v go > /dev/null 2>&1") != 0) GTEST_SKIP() << "go is not installed";
  TempDir dir;
  const Analysis a = analyze(leak_profile());
  const auto path = dir / "leak.pb.gz";
  std::ofstream(path, std::ios::binary) << write(report::Format::Pprof, report::ReportSubject::of(a));
  const auto out = dir / "top.txt";
  const std::string cmd = "HOME=" + dir.path().string() + " go tool pprof -top -symbolize=none -sample_index=inuse_space " +
                          path.string() + " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string text = read_text(out);
  EXPECT_NE(text.find("Type: inuse_space"), std::string::npos) << text;
  EXPECT_NE(text.find("handle_request(int)"), std::string::npos) << text;
  EXPECT_NE(text.find("make_body(int)"), std::string::npos) << text;

  const std::string tags = "HOME=" + dir.path().string() + " go tool pprof -tags -symbolize=none " + path.string() +
                           " > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(tags.c_str()), 0);
  const std::string tag_text = read_text(out);
  for (const char* key : {"ctx_id", "ctx_parent", "ctx_site", "stale"})
    EXPECT_NE(tag_text.find(key), std::string::npos) << key << "\n" << tag_text;
}

}  // namespace
