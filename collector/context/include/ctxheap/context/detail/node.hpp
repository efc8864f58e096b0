// Internal: the objects behind a Context handle. Public only because with_value<T>
// is a template; nothing outside the runtime should touch these.
//
// Ownership mirrors Go's pointers exactly, so that what the runtime retains is what a
// Go program would retain:
//   - every node holds a strong reference to its parent (Go: embedded parent Context);
//   - a cancelable node holds strong references to the children registered in it
//     (Go: the children map) until they are unregistered;
//   - a pending timer holds a strong reference to its timer node (Go: the AfterFunc
//     closure) until it fires or is stopped;
//   - Context, CancelFunc and AfterFunc handles hold strong references.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <span>
#include <stop_token>
#include <string>
#include <utility>

#include "ctxheap/context/detail/mutex.hpp"
#include "ctxheap/context/types.hpp"

namespace ctxheap::detail {

struct CancelNode;

struct Node {
  /// `self_source` is the CancelNode being built when this is its base (else nullptr).
  Node(ContextId id, ContextKind kind, Node* parent, std::string name, CancelNode* self_source = nullptr) noexcept;
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Returns the payload stored under `key` by this node, or nullptr.
  virtual const void* own_value(const void* key) const noexcept;

  const ContextId id;
  const ContextKind kind;
  std::uint16_t stack_depth = 0;
  Node* const parent;          ///< strong reference; nullptr for Background/TODO
  CancelNode* const source;    ///< nearest cancelable ancestor-or-self; nullptr if never done
  const TimePoint created;
  const std::string name;
  void** stack = nullptr;      ///< creation stack, stored right after the object
  void* storage = nullptr;     ///< the block the node lives in (see make_node)
  /// Last, off the cache line of the fields every child reads (kind, parent, source): a
  /// shared parent's count moves between the threads creating its children, and would
  /// take those reads with it (two threads creating children of one parent: 364-402 ns
  /// per create+cancel instead of 434-491).
  std::atomic<std::uint32_t> refs{1};
};

struct CancelNode : Node {
  CancelNode(ContextId id, ContextKind kind, Node* parent, std::string name) noexcept;
  ~CancelNode() override;

  NodeMutex mu;
  // --- guarded by mu ---
  CancelNode* first_child = nullptr;  ///< registered children (each holds one reference)
  std::size_t child_count = 0;
  Err err = Err::None;
  std::string cause;
  std::stop_source* stop = nullptr;   ///< created on first stop_token() call
  // --- guarded by the mutex of registered_under ---
  CancelNode* registered_under = nullptr;
  CancelNode* prev_sibling = nullptr;
  CancelNode* next_sibling = nullptr;
  // --- lock-free readers ---
  std::atomic<ContextState> state{ContextState::Live};
  std::atomic<TimePoint::rep> ended{0};
  std::atomic<ContextId> registered_under_id{kNoContext};
  std::atomic<std::int32_t> waiters{0};
  std::atomic<bool> cancel_dropped{false};
};

struct TimerNode final : CancelNode {
  TimerNode(ContextId id, Node* parent, std::string name, TimePoint deadline) noexcept;
  const TimePoint deadline;           ///< effective: min(own, parent's)
  std::size_t heap_index = kNotInHeap;  ///< guarded by the timer service
  static constexpr std::size_t kNotInHeap = static_cast<std::size_t>(-1);
};

struct AfterFuncNode final : CancelNode {
  AfterFuncNode(ContextId id, Node* parent, std::function<void()> fn) noexcept;
  std::function<void()> fn;
  std::atomic<bool> once{false};  ///< sync.Once: set by whoever runs or stops fn first
};

template <class T>
struct ValueNode final : Node {
  template <class... A>
  ValueNode(ContextId i, Node* p, std::string n, const void* k, A&&... args)
      : Node(i, ContextKind::Value, p, std::move(n)), key(k),
        value(std::forward<A>(args)...) {}
  const void* own_value(const void* k) const noexcept override {
    return k == key ? &value : nullptr;
  }
  const void* const key;
  T value;
};

void retain(Node* n) noexcept;
/// Drops `count` references; destroys the node (and, iteratively, ancestors that drop to
/// zero) without recursion, so a million-deep chain cannot overflow the stack.
void release(Node* n, std::uint32_t count = 1) noexcept;

ContextId next_id() noexcept;
/// A creator's stack, captured in place: the runtime's own frames (capture_stack and the
/// public creator) are skipped by pointing past them, not by copying.
inline constexpr int kMaxStackFrames = 64;
inline constexpr int kRuntimeFrames = 2;
struct CreationStack {
  void* raw[kMaxStackFrames + kRuntimeFrames];
  int depth = 0;
  void* const* frames() const noexcept { return raw + kRuntimeFrames; }
};
/// Captures the caller's caller's stack, up to creation_stack_depth() frames.
void capture_stack(CreationStack& stack) noexcept;

/// Makes allocations on this thread count against `id` while alive (see current.hpp),
/// so a context's own node, registry entry and values are charged to the context.
class ChargeScope {
 public:
  explicit ChargeScope(ContextId id) noexcept;
  ~ChargeScope();
  ChargeScope(const ChargeScope&) = delete;
  ChargeScope& operator=(const ChargeScope&) = delete;

 private:
  ContextId saved_;
};

/// Allocates a node with its creation stack in the same block.
template <class N, class... A>
N* make_node(const CreationStack& stack, A&&... args) {
  const int depth = stack.depth;
  void* const* frames = stack.frames();
  constexpr std::size_t head = (sizeof(N) + alignof(void*) - 1) / alignof(void*) * alignof(void*);
  void* mem = ::operator new(head + static_cast<std::size_t>(depth) * sizeof(void*));
  N* n;
  try {
    n = ::new (mem) N(std::forward<A>(args)...);
  } catch (...) {
    ::operator delete(mem);
    throw;
  }
  n->storage = mem;
  n->stack_depth = static_cast<std::uint16_t>(depth);
  n->stack = reinterpret_cast<void**>(static_cast<char*>(mem) + head);
  for (int i = 0; i < depth; ++i) n->stack[i] = frames[i];
  return n;
}

/// Registers a freshly made cancelable node under its parent's nearest cancelable
/// ancestor (Go's propagateCancel) and announces it. The node's references are set to
/// `handles` (the creator's Context, CancelFunc or AfterFunc handles, which adopt the node
/// without counting again) plus the children set's.
Node* publish(CancelNode* n, std::uint32_t handles);
/// Announces a freshly made node registered nowhere; takes ownership of the creator's reference.
Node* publish_value(Node* n);

}  // namespace ctxheap::detail
