// Where a replaced document is freed. A document of a million allocation stacks is
// millions of small blocks: freeing them takes the allocator about half a second, which
// on the UI thread is a frozen window each time another file is opened. The window hands
// its previous document here once every page has let go of it, and the last reference is
// dropped on a worker thread instead.
#pragma once

#include <QtConcurrent/QtConcurrentRun>
#include <memory>

namespace ctxheap::gui {

class Document;

/// Drops `document` on a worker thread (the pool's; it waits for it at exit). When other
/// references remain, whichever is dropped last frees it, as always.
void release_in_background(std::shared_ptr<const Document> document);

/// The same for any other big answer the UI thread lets go of (a diff of a million
/// stacks is millions of strings).
template <class T>
void release_in_background(std::shared_ptr<T> big) {
  if (!big) return;
  (void)QtConcurrent::run([p = std::move(big)]() mutable { p.reset(); });
}

}  // namespace ctxheap::gui
