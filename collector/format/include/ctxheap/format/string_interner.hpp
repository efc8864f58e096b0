// Builds a snapshot's string table: one id per distinct string, id 0 = "".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ctxheap/format/snapshot.hpp"

namespace ctxheap::format {

class StringInterner {
 public:
  StringInterner();

  /// The id of `text`, adding it on first sight.
  StringId intern(std::string_view text);

  /// The table so far, in id order; strings()[0] == "".
  const std::vector<std::string>& strings() const noexcept { return strings_; }
  std::size_t size() const noexcept { return strings_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::vector<std::string> strings_;
  std::unordered_map<std::string, StringId, Hash, std::equal_to<>> ids_;
};

}  // namespace ctxheap::format
