#include <cassert>

#include "ctxheap/context/clock.hpp"
#include "internal.hpp"

namespace ctxheap::detail {
namespace {

CancelNode* source_of(Node* parent) noexcept { return parent ? parent->source : nullptr; }

bool is_root(const Node* n) noexcept {
  return n->kind == ContextKind::Background || n->kind == ContextKind::Todo;
}

}  // namespace

Node::Node(ContextId i, ContextKind k, Node* p, std::string n, CancelNode* self_source) noexcept
    : id(i),
      kind(k),
      parent(p),
      // Go: a value context's Done() is its parent's; without_cancel's is nil; a
      // cancelable context is its own source (passed in by CancelNode's constructor, as
      // the object is not a CancelNode yet while this base is built).
      source(self_source != nullptr      ? self_source
             : k == ContextKind::Value ? source_of(p)
                                       : nullptr),
      created(stamp_now()),
      name(std::move(n)) {}

Node::~Node() = default;

const void* Node::own_value(const void*) const noexcept { return nullptr; }

CancelNode::CancelNode(ContextId i, ContextKind k, Node* p, std::string n) noexcept
    : Node(i, k, p, std::move(n), this) {}

CancelNode::~CancelNode() {
  // Registered children hold a reference to their parent, so a node with children
  // can never reach zero references.
  assert(first_child == nullptr);
  delete stop;
}

TimerNode::TimerNode(ContextId i, Node* p, std::string n, TimePoint d) noexcept
    : CancelNode(i, ContextKind::Deadline, p, std::move(n)), deadline(d) {}

AfterFuncNode::AfterFuncNode(ContextId i, Node* p, std::function<void()> f) noexcept
    : CancelNode(i, ContextKind::AfterFunc, p, "after_func"), fn(std::move(f)) {}

void retain(Node* n) noexcept {
  if (is_root(n)) return;
  n->refs.fetch_add(1, std::memory_order_relaxed);
}

void release(Node* n, std::uint32_t count) noexcept {
  while (n != nullptr && !is_root(n)) {
    if (n->refs.fetch_sub(count, std::memory_order_acq_rel) != count) return;
    count = 1;  // the node's one reference on its parent
    Node* parent = n->parent;
    const ContextId id = n->id;
    void* storage = n->storage;
    n->~Node();
    ::operator delete(storage);
    emit_destroyed(id);
    n = parent;  // drop the reference the node held on its parent, without recursion
  }
}

Node* background_node() noexcept {
  static Node* const n = new Node(kBackgroundId, ContextKind::Background, nullptr, "background");
  return n;
}

Node* todo_node() noexcept {
  static Node* const n = new Node(kTodoId, ContextKind::Todo, nullptr, "todo");
  return n;
}

Context share(Node* n) noexcept {
  retain(n);
  return Context(n);
}

Node* publish_value(Node* n) {
  retain(n->parent);
  if (has_observers()) emit_created(share(n));
  return n;
}

Node* publish(CancelNode* n, std::uint32_t handles) {
  // Counted before anyone else can see the node: plain stores instead of one atomic
  // increment per handle and one for the children set (propagate_cancel takes it).
  n->refs.store(handles + 1, std::memory_order_relaxed);
  retain(n->parent);
  if (has_observers()) emit_created(share(n));
  propagate_cancel(n);
  return n;
}

}  // namespace ctxheap::detail
