#include "test_support.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>

namespace ctxheap::format::test {

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("ctxheap-format-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
           "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

Snapshot make_full_snapshot() {
  constexpr auto kMax64 = std::numeric_limits<std::uint64_t>::max();
  Snapshot s;
  s.strings = {"",
               "main",
               "worker::run(std::stop_token)",
               "src/worker.cc",
               "/usr/lib/libworker.so.1",
               "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",  // héllo ✓ 日本語
               "",                                                              // a second empty string
               "\xff\xfe not utf-8",
               "generic.heap_size",
               "tcmalloc.pageheap_free_bytes",
               "context canceled: shutdown",
               "request-handler"};

  s.meta.format_version = 1;
  s.meta.program = "demo-\xe2\x9c\x93";
  s.meta.command_line = {"./demo-\xe2\x9c\x93", "", "--threads=8"};
  s.meta.pid = 0xFFFFFFF0u;
  s.meta.hostname = "build-host.example";
  s.meta.sequence = kMax64;
  s.meta.reason = SnapshotReason::Signal;
  s.meta.wall_time_ns = 1'700'000'000'123'456'789ull;
  s.meta.monotonic_time_ns = 987'654'321'012ull;
  s.meta.sampling_interval_bytes = 524'288;
  s.meta.max_stack_depth = 64;
  s.meta.collector_version = "0.1.0-test";

  s.stacks.push_back(Stack{.id = 1,
                           .frames = {
                               Frame{.address = 0x7f00'0000'1234ull, .function = 2, .file = 3, .line = 42,
                                     .module = 4, .module_offset = 0x1234, .inlined = true},
                               Frame{.address = 0x7f00'0000'1234ull, .function = 1, .file = 3, .line = 7,
                                     .module = 4, .module_offset = 0x1235, .inlined = false},
                               Frame{.address = 0x55'0000'0010ull, .function = 5, .file = 0, .line = 0,
                                     .module = 7, .module_offset = 0x10, .inlined = false},
                           }});
  s.stacks.push_back(Stack{.id = 2, .frames = {}});  // a stack with no frames
  s.stacks.push_back(Stack{.id = 3,
                           .frames = {Frame{.address = kMax64, .function = 11, .file = 6,
                                            .line = std::numeric_limits<std::uint32_t>::max(), .module = 4,
                                            .module_offset = kMax64 - 1, .inlined = true}}});

  // Every field distinct from every other and from its default.
  s.contexts.push_back(ContextRecord({.id = kMax64,
                                     .kind = ContextKind::AfterFunc,
                                     .parent_id = kMax64 - 1,
                                     .registered_under_id = kMax64 - 2,
                                     .name = 11,
                                     .created_ns = 1'000'001,
                                     .ended_ns = 1'000'002,
                                     .state = ContextState::Expired,
                                     .err = ContextErr::DeadlineExceeded,
                                     .cause = 10,
                                     .cancel_dropped = true,
                                     .deadline_ns = 1'000'003,
                                     .waiters = std::numeric_limits<std::int32_t>::max(),
                                     .last_alloc_ns = 1'000'004,
                                     .destroyed = true}, 3, {.alloc_objects = 1'000'005, .alloc_bytes = 1ull << 63, .freed_objects = 1'000'006, .freed_bytes = (1ull << 63) - 7}));
  s.contexts.push_back(ContextRecord({.id = 1, .kind = ContextKind::Background}));
  s.contexts.push_back(ContextRecord({.id = 2, .kind = ContextKind::Todo, .waiters = -3}));
  const ContextKind kinds[] = {ContextKind::Cancel, ContextKind::Deadline, ContextKind::Value,
                               ContextKind::WithoutCancel, ContextKind::AfterFunc};
  const ContextState states[] = {ContextState::Live, ContextState::Cancelled, ContextState::Expired};
  const ContextErr errs[] = {ContextErr::None, ContextErr::Canceled, ContextErr::DeadlineExceeded};
  for (std::uint64_t i = 0; i < 1000; ++i) {
    s.contexts.push_back(ContextRecord({.id = 100 + i,
                                       .kind = kinds[i % 5],
                                       .parent_id = 1 + i / 10,
                                       .registered_under_id = i % 3 == 0 ? 0 : 1 + i / 10,
                                       .name = static_cast<StringId>(i % s.strings.size()),
                                       .created_ns = 10 * i + 1,
                                       .ended_ns = i % 2 == 0 ? 0 : 10 * i + 5,
                                       .state = states[i % 3],
                                       .err = errs[i % 3],
                                       .cause = static_cast<StringId>((i + 1) % s.strings.size()),
                                       .cancel_dropped = i % 7 == 0,
                                       .deadline_ns = i % 5 == 1 ? 10 * i + 9 : 0,
                                       .waiters = static_cast<std::int32_t>(i % 4),
                                       .last_alloc_ns = 10 * i + 3,
                                       .destroyed = i % 11 == 0}, i % 4, {.alloc_objects = i * 3, .alloc_bytes = i * 300, .freed_objects = i, .freed_bytes = i * 100}));
  }

  s.sites.push_back(Site{.context_id = kMax64,
                         .stack_id = 1,
                         .sampled_alloc_objects = 11,
                         .sampled_alloc_bytes = 12,
                         .sampled_inuse_objects = 13,
                         .sampled_inuse_bytes = 14,
                         .estimated_alloc_objects = 15,
                         .estimated_alloc_bytes = 16,
                         .estimated_inuse_objects = 17,
                         .estimated_inuse_bytes = kMax64});
  s.sites.push_back(Site{.context_id = 0, .stack_id = 2, .sampled_alloc_objects = 1});
  s.sites.push_back(Site{.context_id = 105, .stack_id = 3, .estimated_inuse_bytes = 99});

  s.totals.allocator = {AllocatorProperty{.name = 8, .value = kMax64},
                        AllocatorProperty{.name = 9, .value = 0},
                        AllocatorProperty{.name = 8, .value = 12345}};
  s.totals.contexts_tracked = 1003;
  s.totals.contexts_created = 5000;
  s.totals.no_context_alloc_objects = 21;
  s.totals.no_context_alloc_bytes = 22;
  s.totals.no_context_freed_objects = 23;
  s.totals.no_context_freed_bytes = 24;
  return s;
}

Snapshot make_large_snapshot(std::size_t contexts) {
  Snapshot s;
  s.meta.program = "large";
  s.meta.reason = SnapshotReason::Period;
  s.strings = {"", "handler", "worker.cc"};
  s.stacks.push_back(Stack{.id = 1, .frames = {Frame{.address = 0x1000, .function = 1, .file = 2, .line = 9}}});
  s.contexts.reserve(contexts);
  for (std::uint64_t i = 0; i < contexts; ++i) {
    s.contexts.push_back(ContextRecord({.id = 3 + i,
                                       .kind = ContextKind::Cancel,
                                       .parent_id = 1,
                                       .registered_under_id = 0,
                                       .name = 1,
                                       .created_ns = 1000 + i * 17,
                                       .last_alloc_ns = 2000 + i * 13}, 1, {.alloc_objects = i % 97, .alloc_bytes = (i * 2654435761u) % 100000, .freed_objects = i % 13, .freed_bytes = i % 1009}));
  }
  s.sites.push_back(Site{.context_id = 3, .stack_id = 1, .sampled_alloc_objects = 1});
  s.totals.contexts_tracked = contexts;
  return s;
}

namespace {

void expect_same(const Metadata& e, const Metadata& a) {
  EXPECT_EQ(e.format_version, a.format_version);
  EXPECT_EQ(e.program, a.program);
  EXPECT_EQ(e.command_line, a.command_line);
  EXPECT_EQ(e.pid, a.pid);
  EXPECT_EQ(e.hostname, a.hostname);
  EXPECT_EQ(e.sequence, a.sequence);
  EXPECT_EQ(e.reason, a.reason);
  EXPECT_EQ(e.wall_time_ns, a.wall_time_ns);
  EXPECT_EQ(e.monotonic_time_ns, a.monotonic_time_ns);
  EXPECT_EQ(e.sampling_interval_bytes, a.sampling_interval_bytes);
  EXPECT_EQ(e.max_stack_depth, a.max_stack_depth);
  EXPECT_EQ(e.collector_version, a.collector_version);
}

void expect_same(const Frame& e, const Frame& a) {
  EXPECT_EQ(e.address, a.address);
  EXPECT_EQ(e.function, a.function);
  EXPECT_EQ(e.file, a.file);
  EXPECT_EQ(e.line, a.line);
  EXPECT_EQ(e.module, a.module);
  EXPECT_EQ(e.module_offset, a.module_offset);
  EXPECT_EQ(e.inlined, a.inlined);
}

void expect_same(const ContextRecord& e, const ContextRecord& a) {
  EXPECT_EQ(e.id, a.id);
  EXPECT_EQ(e.kind, a.kind);
  EXPECT_EQ(e.parent_id, a.parent_id);
  EXPECT_EQ(e.registered_under_id, a.registered_under_id);
  EXPECT_EQ(e.name, a.name);
  EXPECT_EQ(e.created_ns, a.created_ns);
  EXPECT_EQ(e.ended_ns, a.ended_ns);
  EXPECT_EQ(e.state, a.state);
  EXPECT_EQ(e.err, a.err);
  EXPECT_EQ(e.cause, a.cause);
  EXPECT_EQ(e.cancel_dropped, a.cancel_dropped);
  EXPECT_EQ(e.creation_stack_id, a.creation_stack_id);
  EXPECT_EQ(e.deadline_ns, a.deadline_ns);
  EXPECT_EQ(e.waiters, a.waiters);
  EXPECT_EQ(e.last_alloc_ns, a.last_alloc_ns);
  EXPECT_EQ(e.alloc_objects, a.alloc_objects);
  EXPECT_EQ(e.alloc_bytes, a.alloc_bytes);
  EXPECT_EQ(e.freed_objects, a.freed_objects);
  EXPECT_EQ(e.freed_bytes, a.freed_bytes);
  EXPECT_EQ(e.destroyed, a.destroyed);
}

void expect_same(const Site& e, const Site& a) {
  EXPECT_EQ(e.context_id, a.context_id);
  EXPECT_EQ(e.stack_id, a.stack_id);
  EXPECT_EQ(e.sampled_alloc_objects, a.sampled_alloc_objects);
  EXPECT_EQ(e.sampled_alloc_bytes, a.sampled_alloc_bytes);
  EXPECT_EQ(e.sampled_inuse_objects, a.sampled_inuse_objects);
  EXPECT_EQ(e.sampled_inuse_bytes, a.sampled_inuse_bytes);
  EXPECT_EQ(e.estimated_alloc_objects, a.estimated_alloc_objects);
  EXPECT_EQ(e.estimated_alloc_bytes, a.estimated_alloc_bytes);
  EXPECT_EQ(e.estimated_inuse_objects, a.estimated_inuse_objects);
  EXPECT_EQ(e.estimated_inuse_bytes, a.estimated_inuse_bytes);
}

void expect_same(const Totals& e, const Totals& a) {
  ASSERT_EQ(e.allocator.size(), a.allocator.size());
  for (std::size_t i = 0; i < e.allocator.size(); ++i) {
    SCOPED_TRACE("allocator property " + std::to_string(i));
    EXPECT_EQ(e.allocator[i].name, a.allocator[i].name);
    EXPECT_EQ(e.allocator[i].value, a.allocator[i].value);
  }
  EXPECT_EQ(e.contexts_tracked, a.contexts_tracked);
  EXPECT_EQ(e.contexts_created, a.contexts_created);
  EXPECT_EQ(e.no_context_alloc_objects, a.no_context_alloc_objects);
  EXPECT_EQ(e.no_context_alloc_bytes, a.no_context_alloc_bytes);
  EXPECT_EQ(e.no_context_freed_objects, a.no_context_freed_objects);
  EXPECT_EQ(e.no_context_freed_bytes, a.no_context_freed_bytes);
}

}  // namespace

void expect_same(const Snapshot& expected, const Snapshot& actual) {
  {
    SCOPED_TRACE("metadata");
    expect_same(expected.meta, actual.meta);
  }
  EXPECT_EQ(expected.strings, actual.strings);
  ASSERT_EQ(expected.stacks.size(), actual.stacks.size());
  for (std::size_t i = 0; i < expected.stacks.size(); ++i) {
    SCOPED_TRACE("stack " + std::to_string(i));
    EXPECT_EQ(expected.stacks[i].id, actual.stacks[i].id);
    ASSERT_EQ(expected.stacks[i].frames.size(), actual.stacks[i].frames.size());
    for (std::size_t f = 0; f < expected.stacks[i].frames.size(); ++f) {
      SCOPED_TRACE("frame " + std::to_string(f));
      expect_same(expected.stacks[i].frames[f], actual.stacks[i].frames[f]);
    }
  }
  ASSERT_EQ(expected.contexts.size(), actual.contexts.size());
  for (std::size_t i = 0; i < expected.contexts.size(); ++i) {
    SCOPED_TRACE("context " + std::to_string(i));
    expect_same(expected.contexts[i], actual.contexts[i]);
    if (::testing::Test::HasFailure()) return;  // one broken field would otherwise repeat 1000 times
  }
  ASSERT_EQ(expected.sites.size(), actual.sites.size());
  for (std::size_t i = 0; i < expected.sites.size(); ++i) {
    SCOPED_TRACE("site " + std::to_string(i));
    expect_same(expected.sites[i], actual.sites[i]);
  }
  {
    SCOPED_TRACE("totals");
    expect_same(expected.totals, actual.totals);
  }
  // Catches a field added to a struct but not to this comparison.
  EXPECT_TRUE(expected == actual);
}

std::string body_name(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "Zstd" : "Uncompressed";
}

// --- Hand-made wire bytes ---

std::string varint_bytes(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

Proto& Proto::varint(int field, std::uint64_t value) {
  bytes_ += varint_bytes(static_cast<std::uint64_t>(field) << 3 | 0);
  bytes_ += varint_bytes(value);
  return *this;
}

Proto& Proto::bytes(int field, std::string_view value) {
  bytes_ += varint_bytes(static_cast<std::uint64_t>(field) << 3 | 2);
  bytes_ += varint_bytes(value.size());
  bytes_ += value;
  return *this;
}

Proto& Proto::raw(std::string_view bytes) {
  bytes_ += bytes;
  return *this;
}

// Field numbers from proto/ctxheap_snapshot.proto (and docs/snapshot-format.md).
namespace record_field {
constexpr int kMetadata = 1, kStrings = 2, kStack = 3, kContext = 4, kSite = 5, kTotals = 6, kEnd = 15;
}

std::string metadata_record(std::uint32_t version) {
  const Proto meta = Proto().varint(1, version).bytes(2, "crafted").varint(7, 1);
  return Proto().message(record_field::kMetadata, meta).str();
}

std::string strings_record(std::initializer_list<std::string_view> strings) {
  Proto table;
  for (std::string_view text : strings) table.bytes(1, text);
  return Proto().message(record_field::kStrings, table).str();
}

std::string stack_record(std::uint64_t id, std::uint32_t function_string_id) {
  const Proto frame = Proto().varint(1, 0x401000).varint(2, function_string_id).varint(4, 12);
  return Proto().message(record_field::kStack, Proto().varint(1, id).message(2, frame)).str();
}

std::string context_record(std::uint64_t id, std::uint32_t name_string_id,
                           std::uint64_t creation_stack_id, std::uint64_t kind) {
  const Proto context = Proto()
                            .varint(1, id)
                            .varint(2, kind)
                            .varint(3, 1)
                            .varint(5, name_string_id)
                            .varint(8, 1)
                            .varint(12, creation_stack_id)
                            .varint(16, 4)
                            .varint(17, 128);
  return Proto().message(record_field::kContext, context).str();
}

std::string site_record(std::uint64_t context_id, std::uint64_t stack_id) {
  const Proto site = Proto().varint(1, context_id).varint(2, stack_id).varint(3, 1).varint(4, 64);
  return Proto().message(record_field::kSite, site).str();
}

std::string totals_record(std::uint32_t property_name_id) {
  const Proto property = Proto().varint(1, property_name_id).varint(2, 4096);
  return Proto().message(record_field::kTotals, Proto().message(1, property).varint(2, 1)).str();
}

std::string end_record(std::uint64_t records, std::uint64_t strings, std::uint64_t stacks,
                       std::uint64_t contexts, std::uint64_t sites) {
  const Proto end =
      Proto().varint(1, records).varint(2, strings).varint(3, stacks).varint(4, contexts).varint(5, sites);
  return Proto().message(record_field::kEnd, end).str();
}

std::vector<std::string> valid_records() {
  return {metadata_record(), strings_record({"", "main", "worker"}), stack_record(1, 1),
          context_record(10, 2, 1), site_record(10, 1), totals_record(1)};
}

std::string valid_end_record() { return end_record(6, 3, 1, 1, 1); }

std::string frame(const std::vector<std::string>& records) {
  std::string body;
  for (const std::string& record : records) body += varint_bytes(record.size()) + record;
  return body;
}

std::string header_bytes(std::uint32_t version, std::uint32_t flags) {
  std::string out = "\x89" "CTXHEAP";
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(version >> (8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(flags >> (8 * i)));
  return out;
}

std::string zstd_compress(std::string_view body, bool declare_size) {
  std::string out(ZSTD_compressBound(body.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, declare_size ? 1 : 0);
  const std::size_t size = ZSTD_compress2(cctx, out.data(), out.size(), body.data(), body.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(size)) throw std::runtime_error(ZSTD_getErrorName(size));
  out.resize(size);
  return out;
}

std::string snapshot_file(const std::vector<std::string>& records, bool compress) {
  const std::string body = frame(records);
  return header_bytes(1, compress ? 1 : 0) + (compress ? zstd_compress(body) : body);
}

}  // namespace ctxheap::format::test
