// Reads a ctxheap snapshot into the model through the format module's streaming reader.
#pragma once

#include <filesystem>

#include "ctxheap/analyzer/load.hpp"

namespace ctxheap::analyzer::detail {

/// Throws format::FormatError, format::ReadCancelled or std::system_error; load_profile
/// turns them into LoadError and Cancelled.
Profile load_ctxheap_snapshot(const std::filesystem::path& path, const LoadOptions& options);

}  // namespace ctxheap::analyzer::detail
