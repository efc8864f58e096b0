// Memory bounded by the input: hostile compressed inputs made here (a snapshot padded
// with a zstd skippable frame, a frame declaring a huge content size, a zstd stream of
// repeated records, a gzip of zeros) end in exit 2 with one line, or in the right
// report, while the ctxheap process's peak RSS (wait4's rusage of that child) stays
// small. Files and standard input alike.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace {

using namespace ctxheap_test;

/// Far below what the inputs made the reader allocate before (0.7–3 GB), far above what
/// a small report needs (about 8 MB; the repeated records about 90 MB). Sanitizers'
/// shadow memory gets more room.
#ifdef CTXHEAP_SANITIZED_BUILD
constexpr long kMaxRssKiB = 1024 * 1024;
#else
constexpr long kMaxRssKiB = 256 * 1024;
#endif

struct MeasuredRun {
  int exit_code = -1;
  std::string err;
  long max_rss_kib = 0;
};

/// Runs ctxheap `args` in `dir` (stdin from `stdin_path` or /dev/null) and measures
/// that one process's peak resident set.
MeasuredRun run_measured(const TempDir& dir, std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
  const std::string err_path = (dir / ".stderr").string();
  args.insert(args.begin(), CTXHEAP_CLI);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int out = ::open("/dev/null", O_WRONLY);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::chdir(dir.path().c_str()) != 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  MeasuredRun run;
  int status = 0;
  struct rusage usage {};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_kib = usage.ru_maxrss;
  run.err = read_text(err_path);
  std::filesystem::remove(err_path);
  return run;
}

void expect_one_line_exit_two(const MeasuredRun& r, const std::string& what, const std::string& says) {
  EXPECT_EQ(r.exit_code, 2) << what << ": " << r.err;
  ASSERT_FALSE(r.err.empty()) << what;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << what << ": " << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << what << ": " << r.err;
  EXPECT_LT(r.max_rss_kib, kMaxRssKiB) << what;
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string skippable_frame_header(std::uint32_t declared) {
  std::string frame;
  put_le32(frame, 0x184D2A50);
  put_le32(frame, declared);
  return frame;
}

/// A real snapshot's parts: its 16-byte header and its decompressed body, split into
/// framed records.
struct SnapshotParts {
  std::string header;
  std::vector<std::string> records;  // each with its length varint
};

SnapshotParts real_snapshot() {
  const std::string file = read_text(std::filesystem::path(CTXHEAP_FORMAT_DATA) / "v1-small.ctxheap");
  SnapshotParts parts;
  parts.header = file.substr(0, 16);
  EXPECT_EQ(parts.header[12] & 1, 1) << "the fixture is zstd-compressed";
  const std::string frame = file.substr(16);
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  std::string body(size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ? (1u << 20) : size, '\0');
  const std::size_t got = ZSTD_decompress(body.data(), body.size(), frame.data(), frame.size());
  EXPECT_FALSE(ZSTD_isError(got));
  body.resize(ZSTD_isError(got) ? 0 : got);
  for (std::size_t at = 0; at < body.size();) {
    std::uint64_t length = 0;
    std::size_t p = at;
    for (int shift = 0; p < body.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(body[p++]);
      length |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    parts.records.push_back(body.substr(at, p - at + length));
    at = p + length;
  }
  return parts;
}

/// The record's kind: its payload's first tag (Record.site is field 5, End field 15).
int record_field(const std::string& framed) {
  std::size_t p = 0;
  while (static_cast<unsigned char>(framed[p]) & 0x80) ++p;
  return static_cast<unsigned char>(framed[p + 1]) >> 3;
}

std::string zstd_compress(const std::string& bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3));
  return out;
}

class InputMemory : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  TempDir dir_;
};

// A complete skippable frame before the data is skipped (the zstd format's rule) and
// the snapshot reads; one declaring 400 MB that the input does not hold is a truncated
// body. Neither is buffered.
TEST_F(InputMemory, SkippableZstdFramesAreSkippedWithoutBuffering) {
  const SnapshotParts parts = real_snapshot();
  std::string body;
  for (const auto& r : parts.records) body += r;
  const std::string data = zstd_compress(body);
  write("padded-before.ctxheap", parts.header + skippable_frame_header(4u << 20) + std::string(4u << 20, 'p') + data);
  write("padded-after.ctxheap", parts.header + data + skippable_frame_header(400u << 20) + std::string(1u << 20, 'p'));

  const MeasuredRun before = run_measured(dir_, {"report", "padded-before.ctxheap"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_LT(before.max_rss_kib, kMaxRssKiB);
  for (const bool from_stdin : {false, true}) {
    const MeasuredRun after = from_stdin ? run_measured(dir_, {"report", "-"}, path("padded-after.ctxheap"))
                                         : run_measured(dir_, {"report", "padded-after.ctxheap"});
    expect_one_line_exit_two(after, from_stdin ? "stdin" : "file", "skippable zstd frame ends early");
  }
}

// The reported attack: a small zstd stream of one record repeated millions of times,
// padded with a skippable frame so that the file looks large. Only the data frame's
// bytes justify expansion: reading stops at the ratio limit, not after gigabytes.
TEST_F(InputMemory, RepeatedRecordsStopAtWhatTheDataFrameJustifies) {
  const SnapshotParts parts = real_snapshot();
  std::string site;
  for (const auto& r : parts.records)
    if (record_field(r) == 5) site = r;
  ASSERT_FALSE(site.empty()) << "the fixture has a Site record";
  // Records up to the End, then the site 8 million times, streamed through zstd.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string data;
  std::vector<char> out(ZSTD_CStreamOutSize());
  const auto feed = [&](const std::string& in, ZSTD_EndDirective mode) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    for (bool done = false; !done;) {
      ZSTD_outBuffer output{out.data(), out.size(), 0};
      const std::size_t left = ZSTD_compressStream2(cctx, &output, &input, mode);
      ASSERT_FALSE(ZSTD_isError(left));
      data.append(out.data(), output.pos);
      done = mode == ZSTD_e_end ? left == 0 : input.pos == input.size;
    }
  };
  for (const auto& r : parts.records)
    if (record_field(r) != 15) feed(r, ZSTD_e_continue);
  std::string many;
  for (int i = 0; i < 8192; ++i) many += site;
  for (int i = 0; i < 1000; ++i) feed(many, ZSTD_e_continue);
  feed(parts.records.back(), ZSTD_e_end);
  ZSTD_freeCCtx(cctx);
  ASSERT_LT(data.size(), 1u << 20);
  write("repeated.ctxheap", parts.header + skippable_frame_header(4u << 20) + std::string(4u << 20, 'p') + data);
  expect_one_line_exit_two(run_measured(dir_, {"report", "repeated.ctxheap"}), "file", "zstd bomb");
  expect_one_line_exit_two(run_measured(dir_, {"report", "-"}, path("repeated.ctxheap")), "stdin", "zstd bomb");
}

// A frame header declaring 1 TiB of content (then blocks that would produce it) is
// refused at the header: a file of a few bytes cannot justify it.
TEST_F(InputMemory, ZstdFrameDeclaringAHugeContentSizeIsRefused) {
  const SnapshotParts parts = real_snapshot();
  std::string frame = "\x28\xb5\x2f\xfd";
  frame += static_cast<char>(0xc0);  // 8-byte content size, not single-segment, no checksum
  frame += static_cast<char>(10 << 3);  // window 1 MiB
  put_le32(frame, 0);
  put_le32(frame, 1u << 8);  // 1 TiB
  for (int i = 0; i < 64; ++i) {
    std::string rle;
    put_le32(rle, (1u << 1) | ((128u << 10) << 3));  // an RLE block of 128 KiB
    frame += rle.substr(0, 3) + "\x08";
  }
  write("declares.ctxheap", parts.header + frame);
  expect_one_line_exit_two(run_measured(dir_, {"report", "declares.ctxheap"}), "file", "declares 1099511627776 bytes");
  expect_one_line_exit_two(run_measured(dir_, {"report", "-"}, path("declares.ctxheap")), "stdin", "declares 1099511627776 bytes");
}

// 4 MB of gzip holding 4 GiB of zeros (one member of 64 MiB, 64 times: concatenated
// members are one stream): not a profile.proto from its first inflated byte, so
// inflation stops there.
TEST_F(InputMemory, GzipOfZerosStopsAtItsFirstBytes) {
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  const std::string zeros(1u << 20, '\0');
  std::string member;
  std::vector<char> out(1u << 16);
  for (int i = 0; i <= 64; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = i < 64 ? static_cast<uInt>(zeros.size()) : 0;
    const int flush = i < 64 ? Z_NO_FLUSH : Z_FINISH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, flush);
      member.append(out.data(), out.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  std::string gz;
  for (int i = 0; i < 64; ++i) gz += member;
  ASSERT_GT(gz.size(), 3u << 20);
  write("zeros.pb.gz", gz);
  expect_one_line_exit_two(run_measured(dir_, {"report", "zeros.pb.gz"}), "file", "does not hold a pprof profile");
  expect_one_line_exit_two(run_measured(dir_, {"report", "-"}, path("zeros.pb.gz")), "stdin", "does not hold a pprof profile");
}

}  // namespace
