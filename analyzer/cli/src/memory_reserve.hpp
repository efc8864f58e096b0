// Memory kept for the way out of an allocation failure. When the address space runs out,
// std::bad_alloc unwinds through destructors, and some of them allocate although they are
// noexcept (nlohmann::json's frees a tree through a heap-allocated stack): one more
// failure there is std::terminate (SIGABRT, temporary files left). So the CLI holds a
// reserve; the first allocation failure releases it and throws std::bad_alloc, and the
// unwinding that follows has that memory to work with, ending in exit 2 with one line.
#pragma once

namespace ctxheap::cli {

/// Sets the reserve aside and installs the new-handler that releases it. Call once, first
/// thing in main().
void keep_memory_for_unwinding() noexcept;

}  // namespace ctxheap::cli
