// gzip (RFC 1952) with zlib, for pprof's .pb.gz.
#pragma once

#include <string>
#include <string_view>

namespace ctxheap::report::detail {

/// Throws std::runtime_error if zlib fails (out of memory).
std::string gzip(std::string_view data);

}  // namespace ctxheap::report::detail
