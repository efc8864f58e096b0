// The fallback dispatch: tcmalloc's MallocHook new/delete hooks call the tagging path
// (CTXHEAP_DISPATCH=hooks, a link order where another malloc wins, and sanitizer builds,
// where tests call these hooks themselves).
#include <gperftools/malloc_hook_c.h>

#include "dispatch.hpp"
#include "tag_path.hpp"

namespace ctxheap::collector {
namespace {

// Frames above the user's call in a sampled stack: this hook, tcmalloc's hook invocation
// and its allocation slow path (gperftools 2.10; tests/collector/entry_points_test checks).
constexpr int kHookFrames = 3;

void on_new(const void* ptr, std::size_t size) { tagging::on_alloc(ptr, size, kHookFrames); }
void on_delete(const void* ptr) { tagging::on_free(ptr); }

}  // namespace

bool install_hooks() noexcept { return MallocHook_AddNewHook(&on_new) && MallocHook_AddDeleteHook(&on_delete); }

}  // namespace ctxheap::collector
