// Exports from the new inputs: pprof (read back with the shared profile.proto, and by
// the real `go tool pprof`) and folded stacks.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/report/report.hpp"
#include "interop_support.hpp"
#include "pprof_profile.pb.h"

namespace {

using namespace ctxheap::analyzer;
namespace pb = ctxheap::pprof;
namespace report = ctxheap::report;
using interop_test::TempDir;

std::string export_as(const Analysis& a, report::Format format) {
  std::ostringstream out;
  report::ReportSubject subject;
  subject.analysis = &a;
  report::write_report(out, format, subject, {});
  return out.str();
}

pb::Profile read_back(const std::string& gz) {
  const std::string raw = gunzip(std::as_bytes(std::span<const char>(gz)), "export", {});
  pb::Profile p;
  EXPECT_TRUE(p.ParseFromString(raw));
  return p;
}

std::int64_t value_of(const pb::Profile& p, const std::string& type, const pb::Sample& s) {
  for (int i = 0; i < p.sample_type_size(); ++i)
    if (p.string_table(static_cast<int>(p.sample_type(i).type())) == type) return s.value(i);
  ADD_FAILURE() << "no sample type " << type;
  return 0;
}

/// `go tool pprof -top file`; a missing Go toolchain is a failure (scripts/setup.sh installs it).
interop_test::Run go_pprof_top(const TempDir& dir, const std::string& file) {
  const auto version = interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GO_TOOL) + " version");
  EXPECT_EQ(version.exit_code, 0) << "the Go toolchain (" << CTXHEAP_GO_TOOL
                                  << ") is needed to check pprof exports: install golang-go (scripts/setup.sh)";
  return interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GO_TOOL) + " tool pprof -top " + interop_test::sh_quote(file));
}

TEST(Export, GoLeakAsPprofKeepsBytesAndLabelsTheInferredChildren) {
  const Analysis a = analyze(load_profile(interop_test::data("go/fixtures/leak/heap.pb.gz")));
  const pb::Profile out = read_back(export_as(a, report::Format::Pprof));
  std::uint64_t sites_inuse = 0;
  for (const Site& s : a.profile->sites) sites_inuse += s.estimated.inuse_bytes;
  std::uint64_t exported = 0, labelled = 0;
  const ContextId child = a.context(a.stale_groups.at(0).first_entry).id;
  for (const auto& s : out.sample()) {
    const auto bytes = static_cast<std::uint64_t>(value_of(out, "inuse_space", s));
    exported += bytes;
    for (const auto& l : s.label())
      if (out.string_table(static_cast<int>(l.key())) == "ctx_id" && static_cast<ContextId>(l.num()) == child)
        labelled += bytes;
  }
  EXPECT_EQ(exported, sites_inuse);
  EXPECT_EQ(labelled, a.stale_groups[0].retained.bytes);
}

TEST(Export, GoToolPprofReadsTheExportOfAGoProfile) {
  TempDir dir;
  const Analysis a = analyze(load_profile(interop_test::data("go/fixtures/leak/heap.pb.gz")));
  interop_test::write_file(dir / "leak.pb.gz", export_as(a, report::Format::Pprof));
  const auto r = go_pprof_top(dir, (dir / "leak.pb.gz").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("main.handleRequestLeaky"), std::string::npos) << r.out;
}

TEST(Export, GoToolPprofReadsTheExportOfAGperftoolsDump) {
  TempDir dir;
  std::string text = "heap profile: 3: 3072 [ 5: 5120] @ heapprofile\n"
                     "2: 2048 [ 3: 3072] @ 0x55d000001234 0x55d000001300\n"
                     "1: 1024 [ 2: 2048] @ 0x55d000001300\n"
                     "MAPPED_LIBRARIES:\n55d000001000-55d000005000 r-xp 00001000 08:01 100 /opt/app/bin/server\n";
  ReadOptions o;
  o.symbolize = false;
  const Analysis a = analyze(read_gperftools_heap(text, o));
  interop_test::write_file(dir / "dump.pb.gz", export_as(a, report::Format::Pprof));
  const auto r = go_pprof_top(dir, (dir / "dump.pb.gz").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("3kB"), std::string::npos) << r.out;  // the 3,072 bytes in use
  const pb::Profile back = read_back(interop_test::read_file(dir / "dump.pb.gz"));
  EXPECT_EQ(back.sample_size(), 2);
}

TEST(Export, RealGperftoolsDumpExportsSymbolizedForGoToolPprof) {
  if (std::string(CTXHEAP_GPERF_WORKLOAD).empty()) GTEST_SKIP() << "tcmalloc workload is not built under sanitizers";
  TempDir dir;
  ASSERT_EQ(interop_test::run(dir, interop_test::sh_quote(CTXHEAP_GPERF_WORKLOAD) + " series app").exit_code, 0);
  const auto files = interop_test::dumps(dir, "app");
  ASSERT_FALSE(files.empty());
  const auto convert = interop_test::ctxheap(dir, "report --format pprof -o out.pb.gz " + interop_test::sh_quote(files.back().string()));
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  const auto r = go_pprof_top(dir, (dir / "out.pb.gz").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("grow_cache"), std::string::npos) << r.out;
}

TEST(Export, FoldedStacksOfAGperftoolsDumpSumToTheRecords) {
  std::string text = "heap profile: 3: 3072 [ 3: 3072] @ heapprofile\n"
                     "2: 2048 [ 2: 2048] @ 0x10 0x20\n"
                     "1: 1024 [ 1: 1024] @ 0x30 0x20\n";
  ReadOptions o;
  o.symbolize = false;
  const Analysis a = analyze(read_gperftools_heap(text, o));
  const std::string folded = export_as(a, report::Format::Folded);
  std::istringstream lines(folded);
  std::string line;
  std::uint64_t total = 0;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++count;
    total += std::stoull(line.substr(line.rfind(' ') + 1));
    EXPECT_NE(line.find("0x20;"), std::string::npos) << "root-first frames: " << line;
  }
  EXPECT_EQ(count, 2);
  EXPECT_EQ(total, 3072u);
}

}  // namespace
