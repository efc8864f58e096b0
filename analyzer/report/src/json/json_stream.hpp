// Writes a JSON document piece by piece, laid out exactly as nlohmann's dump(2) lays out
// the whole: only the value being written is held in memory, so a report's size on disk
// never becomes its size in memory (a 400,000-item list streams one item at a time), and
// no huge nlohmann tree is destroyed (its destructor allocates) while an exception unwinds.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string_view>
#include <vector>

#include "json/json_parts.hpp"

namespace ctxheap::report::detail {

class JsonStream {
 public:
  explicit JsonStream(std::ostream& out);
  /// Open an object or array: at the top, as the next array item, or after key().
  void begin_object();
  void begin_array();
  /// Close the innermost open object or array.
  void end();
  /// The next key of the innermost open object (a plain ASCII name).
  void key(std::string_view name);
  /// A whole value: at the top, as the next array item, or after key(). Strings that are
  /// not UTF-8 are written with U+FFFD, as dump(..., error_handler_t::replace) does.
  void value(const Json& value);

 private:
  void next_item();
  struct Open {
    bool object = false;
    std::size_t items = 0;
  };
  std::ostream& out_;
  std::vector<Open> open_;
  bool after_key_ = false;
};

}  // namespace ctxheap::report::detail
