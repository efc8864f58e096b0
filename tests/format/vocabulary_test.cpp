// The one context vocabulary (ctxheap/vocabulary.hpp) agrees with the .proto beside it,
// and every term crosses the file format unchanged. A kind, state, err or reason added to
// one definition and not the other fails here (and in format/src/convert.cpp's asserts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <string>
#include <type_traits>

#include "ctxheap/format/all.hpp"
#include "ctxheap/vocabulary.hpp"
#include "test_support.hpp"

namespace ctxheap::format::test {
namespace {

// enumerator name -> value, of one enum in the .proto source.
std::map<std::string, int> proto_enum(const std::string& name) {
  const std::string proto = read_file(CTXHEAP_SNAPSHOT_PROTO);
  const std::size_t start = proto.find("enum " + name + " {");
  EXPECT_NE(start, std::string::npos) << name;
  const std::string body = proto.substr(start, proto.find('}', start) - start);
  std::map<std::string, int> values;
  const std::regex line(R"(([A-Z_]+)\s*=\s*([0-9]+)\s*;)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), line); it != std::sregex_iterator(); ++it) {
    values[(*it)[1]] = std::stoi((*it)[2]);
  }
  return values;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Each term is PREFIX_<NAME> = value in the .proto, and the .proto has no other value
// except the ones listed as allowed extras (UNSPECIFIED).
template <class Enum, std::size_t N>
void expect_proto_agrees(const std::array<Term<Enum>, N>& terms, const std::string& proto_name,
                         const std::string& prefix, const std::map<std::string, int>& extras) {
  std::map<std::string, int> expected = extras;
  for (const Term<Enum>& t : terms) {
    if constexpr (std::is_same_v<Enum, SnapshotReason>) {
      if (t.value == SnapshotReason::Unknown) continue;  // REASON_UNSPECIFIED
    }
    expected[prefix + upper(t.name)] = static_cast<int>(t.value);
  }
  EXPECT_EQ(proto_enum(proto_name), expected) << proto_name;
}

TEST(Vocabulary, ContextKindsAreTheProtoKinds) {
  expect_proto_agrees(kContextKinds, "ContextKind", "KIND_", {{"KIND_UNSPECIFIED", 0}});
}

TEST(Vocabulary, ContextStatesAreTheProtoStates) {
  expect_proto_agrees(kContextStates, "ContextState", "STATE_", {{"STATE_UNSPECIFIED", 0}});
}

TEST(Vocabulary, ContextErrsAreTheProtoErrs) { expect_proto_agrees(kContextErrs, "ContextErr", "ERR_", {}); }

TEST(Vocabulary, SnapshotReasonsAreTheProtoReasons) {
  expect_proto_agrees(kSnapshotReasons, "SnapshotReason", "REASON_", {{"REASON_UNSPECIFIED", 0}});
}

TEST(Vocabulary, NamesAreTheStableLowerCaseIdentifiers) {
  EXPECT_EQ(to_string(ContextKind::WithoutCancel), "without_cancel");
  EXPECT_EQ(to_string(ContextKind::AfterFunc), "after_func");
  EXPECT_EQ(to_string(ContextState::Expired), "expired");
  EXPECT_EQ(to_string(ContextErr::DeadlineExceeded), "deadline_exceeded");
  EXPECT_EQ(to_string(SnapshotReason::Signal), "signal");
  EXPECT_EQ(to_string(static_cast<ContextKind>(0)), "unknown");
  EXPECT_EQ(to_string(static_cast<ContextState>(200)), "unknown");
  EXPECT_EQ(go_error_text(ContextErr::Canceled), "context canceled");
}

TEST(Vocabulary, OnlyVocabularyValuesConvertFromIntegers) {
  EXPECT_EQ(context_kind_from(3), ContextKind::Cancel);
  EXPECT_FALSE(context_kind_from(0).has_value());
  EXPECT_FALSE(context_kind_from(static_cast<int>(kContextKinds.size()) + 1).has_value());
  EXPECT_FALSE(context_state_from(0).has_value());
  EXPECT_EQ(context_err_from(0), ContextErr::None);
  EXPECT_FALSE(context_err_from(-1).has_value());
  EXPECT_FALSE(snapshot_reason_from(5).has_value());
}

TEST(Vocabulary, EveryKindStateAndErrSurvivesTheFile) {
  TempDir dir;
  Snapshot snapshot;
  ContextId id = 1;
  for (const auto& kind : kContextKinds) {
    for (const auto& state : kContextStates) {
      for (const auto& err : kContextErrs) {
        snapshot.contexts.push_back(ContextRecord({.id = id++, .kind = kind.value, .state = state.value, .err = err.value}));
      }
    }
  }
  for (const auto& reason : kSnapshotReasons) {
    if (reason.value == SnapshotReason::Unknown) continue;  // never written: the writer refuses it
    snapshot.meta.reason = reason.value;
    write_snapshot(dir / "all.ctxheap", snapshot, {});
    const Snapshot read = read_snapshot(dir / "all.ctxheap");
    EXPECT_EQ(read.meta.reason, reason.value);
    ASSERT_EQ(read.contexts.size(), snapshot.contexts.size());
    for (std::size_t i = 0; i < read.contexts.size(); ++i) {
      EXPECT_EQ(read.contexts[i].kind, snapshot.contexts[i].kind);
      EXPECT_EQ(read.contexts[i].state, snapshot.contexts[i].state);
      EXPECT_EQ(read.contexts[i].err, snapshot.contexts[i].err);
    }
  }
}

}  // namespace
}  // namespace ctxheap::format::test
