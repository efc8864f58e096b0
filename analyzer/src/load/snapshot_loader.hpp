// Reads a ctxheap snapshot into the model through the format module's streaming reader.
#pragma once

#include <string>

#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/format/byte_stream.hpp"

namespace ctxheap::analyzer::detail {

/// Throws format::FormatError, format::ReadCancelled or std::system_error; load_profile
/// turns them into LoadError and Cancelled.
/// Streams `in` (a file or standard input, never copied); `name` starts every message
/// and becomes meta.source_path.
Profile load_ctxheap_snapshot(format::ByteStream& in, const std::string& name, const LoadOptions& options);

}  // namespace ctxheap::analyzer::detail
