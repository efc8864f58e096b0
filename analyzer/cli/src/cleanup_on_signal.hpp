// Temporary files the CLI is writing (the -o temp file): removed
// when SIGTERM, SIGINT or SIGHUP ends the process, which then dies of that signal as it
// would have. The handler only unlinks: async-signal-safe.
#pragma once

#include <filesystem>

namespace ctxheap::cli {

/// Removes `path` if a terminating signal arrives before forget_on_signal(path). Installs
/// the handlers on first use. At most a handful of files are tracked at once.
void remove_on_signal(const std::filesystem::path& path);
/// Allocates nothing and never throws: destructors call it, also while an exception (a
/// std::bad_alloc) unwinds.
void forget_on_signal(const std::filesystem::path& path) noexcept;

}  // namespace ctxheap::cli
