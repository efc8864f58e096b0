// The one place that maps between the public structs (snapshot.hpp) and the
// generated protobuf messages. from_wire throws InvalidRecord for enum values
// this version does not know; all other checks live in rules.*.
#pragma once

#include <string>
#include <vector>

#include "ctxheap/format/snapshot.hpp"
#include "ctxheap_snapshot.pb.h"

namespace ctxheap::format::detail {

void to_wire(const Metadata& in, wire::Metadata& out);
void to_wire(const Stack& in, wire::Stack& out);
void to_wire(const ContextRecord& in, wire::Context& out);
void to_wire(const Site& in, wire::Site& out);
void to_wire(const Totals& in, wire::Totals& out);

Metadata from_wire(const wire::Metadata& in);
/// Moves the strings out of `in`.
std::vector<std::string> from_wire(wire::StringTable& in);
Stack from_wire(const wire::Stack& in);
ContextRecord from_wire(const wire::Context& in);
Site from_wire(const wire::Site& in);
Totals from_wire(const wire::Totals& in);

}  // namespace ctxheap::format::detail
