// Sanitizer builds: the sanitizer owns malloc, so the collector defines no entry points and
// is fed through tcmalloc's hook functions (which the tests call themselves there).
#include "dispatch.hpp"

namespace ctxheap::collector {

constinit std::atomic<Dispatch> g_dispatch{Dispatch::None};
constinit std::atomic<EntryMode> g_entry_mode{EntryMode::Forward};
constinit std::atomic<std::uintptr_t> g_free_window{UINTPTR_MAX};

bool interposer_linked() noexcept { return false; }
bool interposer_owns_malloc() noexcept { return false; }

}  // namespace ctxheap::collector
