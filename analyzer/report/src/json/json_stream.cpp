#include "json/json_stream.hpp"

#include <ostream>
#include <string>

namespace ctxheap::report::detail {

namespace {
constexpr unsigned kIndent = 2;
}

JsonStream::JsonStream(std::ostream& out) : out_(out) {}

void JsonStream::next_item() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  Open& top = open_.back();
  out_ << (top.items++ == 0 ? "\n" : ",\n") << std::string(open_.size() * kIndent, ' ');
}

void JsonStream::begin_object() {
  next_item();
  out_ << '{';
  open_.push_back({true, 0});
}

void JsonStream::begin_array() {
  next_item();
  out_ << '[';
  open_.push_back({false, 0});
}

void JsonStream::end() {
  const Open closed = open_.back();
  open_.pop_back();
  if (closed.items != 0) out_ << '\n' << std::string(open_.size() * kIndent, ' ');
  out_ << (closed.object ? '}' : ']');
  if (open_.empty()) out_ << '\n';
}

void JsonStream::key(std::string_view name) {
  next_item();
  out_ << '"' << name << "\": ";
  after_key_ = true;
}

void JsonStream::value(const Json& v) {
  next_item();
  nlohmann::detail::serializer<Json> serializer(nlohmann::detail::output_adapter<char>(out_), ' ',
                                                Json::error_handler_t::replace);
  serializer.dump(v, true, false, kIndent, static_cast<unsigned>(open_.size() * kIndent));
}

}  // namespace ctxheap::report::detail
