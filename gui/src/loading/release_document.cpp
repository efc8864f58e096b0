#include "loading/release_document.hpp"

#include <QtConcurrent/QtConcurrentRun>

#include "document/document.hpp"

namespace ctxheap::gui {

void release_in_background(std::shared_ptr<const Document> document) {
  if (!document) return;
  // The task owns the last reference; the future is not kept (nothing to answer).
  (void)QtConcurrent::run([doc = std::move(document)]() mutable { doc.reset(); });
}

}  // namespace ctxheap::gui
