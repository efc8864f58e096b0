// Replays a fuzz target's seed corpus and regression inputs as GoogleTest cases, in the
// ordinary builds: one test per file, named after it. A test fails if the target crashes,
// trips a sanitizer (asan preset) or returns non-zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" [[gnu::weak]] int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

struct FuzzInput {
  std::string kind;  // "seed" or "regression"
  fs::path path;
};

void PrintTo(const FuzzInput& input, std::ostream* os) { *os << input.kind << " " << input.path.filename(); }

std::vector<FuzzInput> inputs_in(const char* dir, const char* kind) {
  std::vector<FuzzInput> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") found.push_back({kind, entry.path()});
  }
  std::sort(found.begin(), found.end(), [](const FuzzInput& a, const FuzzInput& b) { return a.path < b.path; });
  return found;
}

std::vector<FuzzInput> all_inputs() {
  std::vector<FuzzInput> all = inputs_in(CTXHEAP_FUZZ_CORPUS, "seed");
  const std::vector<FuzzInput> regressions = inputs_in(CTXHEAP_FUZZ_REGRESSIONS, "regression");
  all.insert(all.end(), regressions.begin(), regressions.end());
  return all;
}

std::string test_name(const ::testing::TestParamInfo<FuzzInput>& info) {
  std::string name = info.param.kind + "_" + info.param.path.filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class ReplayedInput : public ::testing::TestWithParam<FuzzInput> {};

TEST_P(ReplayedInput, IsHandledWithoutCrashing) {
  std::ifstream in(GetParam().path, std::ios::binary);
  ASSERT_TRUE(in) << GetParam().path;
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ReplayedInput, ::testing::ValuesIn(all_inputs()), test_name);

TEST(Corpus, HasSeeds) { EXPECT_FALSE(inputs_in(CTXHEAP_FUZZ_CORPUS, "seed").empty()) << CTXHEAP_FUZZ_CORPUS; }

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  return RUN_ALL_TESTS();
}
