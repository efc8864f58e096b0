// Opening a LoadRequest: loading every file through the analyzer's readers, analysing
// them (a series when they are one run's snapshots), and diffing. Runs on the loading
// thread; progress and cancellation go through the analyzer's own hooks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "document/document.hpp"

namespace ctxheap::gui {

/// (what is happening, e.g. "Reading leak.0002.ctxheap (2 of 2)", done, total).
using DocumentProgress = std::function<void(const std::string& step, std::uint64_t done, std::uint64_t total)>;

/// Throws analyzer::LoadError (one line naming the file) for a file the readers reject or
/// files that belong together in no way (three runs), and analyzer::Cancelled.
std::shared_ptr<const Document> load_document(const LoadRequest& request, const DocumentProgress& progress = {},
                                              const std::atomic<bool>* cancel = nullptr);

}  // namespace ctxheap::gui
