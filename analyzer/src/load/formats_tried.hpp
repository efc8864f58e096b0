// What an input that is none of the formats ctxheap reads is told it is not.
#pragma once

#include <string_view>

namespace ctxheap::analyzer::detail {

inline constexpr std::string_view kFormatsTried =
    "not a ctxheap snapshot, gperftools heap profile, pprof profile.proto (gzipped or raw) or Go debug=1 text "
    "heap or goroutine profile";

}  // namespace ctxheap::analyzer::detail
