#include "ctxheap/format/string_interner.hpp"

#include <stdexcept>

namespace ctxheap::format {

StringInterner::StringInterner() {
  strings_.emplace_back();
  ids_.emplace(std::string(), StringId{0});
}

StringId StringInterner::intern(std::string_view text) {
  if (const auto it = ids_.find(text); it != ids_.end()) return it->second;
  if (strings_.size() > StringId(-1)) throw std::length_error("StringInterner: more than 2^32 strings");
  const auto id = static_cast<StringId>(strings_.size());
  strings_.emplace_back(text);
  ids_.emplace(std::string(text), id);
  return id;
}

}  // namespace ctxheap::format
