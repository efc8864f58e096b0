#include <atomic>

#include "ctxheap/context/detail/node.hpp"

namespace ctxheap::detail {
namespace {
// Ids are handed out to threads in blocks so that creating contexts on many threads
// does not bounce one cache line. Unique, not ordered across threads.
constexpr ContextId kBlock = 1024;
constexpr ContextId kFirstDynamicId = 16;  // 1 and 2 are Background and TODO
std::atomic<ContextId> g_next_block{kFirstDynamicId};

struct IdBlock {
  ContextId next = 0;
  ContextId end = 0;
};
thread_local IdBlock t_ids;
}  // namespace

ContextId next_id() noexcept {
  IdBlock& b = t_ids;
  if (b.next == b.end) [[unlikely]] {
    b.next = g_next_block.fetch_add(kBlock, std::memory_order_relaxed);
    b.end = b.next + kBlock;
  }
  return b.next++;
}

}  // namespace ctxheap::detail
