// Fuzzes the ctxheap snapshot reader (collector/format): header, zstd body, record
// framing, protobuf decoding and the schema rules. Any input must end in a complete
// read or a FormatError; the visitor touches every field it is handed so that a
// dangling reference the rules let through shows up under ASan.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ctxheap/format/error.hpp"
#include "ctxheap/format/reader.hpp"
#include "memory_file.hpp"

namespace {

class TouchEverything final : public ctxheap::format::SnapshotVisitor {
 public:
  void on_metadata(const ctxheap::format::Metadata& meta) override {
    sum_ += meta.program.size() + meta.hostname.size() + meta.command_line.size();
  }
  void on_strings(ctxheap::format::StringId first_id, std::span<const std::string> strings) override {
    sum_ += first_id;
    for (const std::string& s : strings) sum_ += s.size();
  }
  void on_stack(const ctxheap::format::Stack& stack) override { sum_ += stack.frames.size(); }
  void on_context(const ctxheap::format::ContextRecord& context) override { sum_ += context.id; }
  void on_site(const ctxheap::format::Site& site) override { sum_ += site.stack_id; }
  void on_totals(const ctxheap::format::Totals& totals) override { sum_ += totals.allocator.size(); }
  std::uint64_t sum() const { return sum_; }

 private:
  std::uint64_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ctxheap::fuzz::MemoryFile file;
  const std::string& path = file.hold(data, size);
  try {
    ctxheap::format::SnapshotReader reader(path);
    TouchEverything visitor;
    reader.read(visitor);
    (void)visitor.sum();
  } catch (const ctxheap::format::FormatError&) {
    // The expected outcome for most inputs: one line saying what is wrong.
  }
  return 0;
}
