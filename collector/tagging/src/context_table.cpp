#include "context_table.hpp"

#include "state.hpp"

namespace ctxheap::collector {
namespace {

std::int64_t ns(TimePoint t) { return t.time_since_epoch().count(); }

}  // namespace

template <class F>
void ContextTable::update(ContextId id, F&& f) noexcept {
  InternalScope internal;
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it != records_.end()) f(it->second);
}

void ContextTable::on_created(const Context& ctx) noexcept {
  InternalScope internal;  // our bookkeeping is not the context's memory
  // Observers are noexcept: out of memory, the context goes unrecorded (it is then absent
  // from snapshots) rather than std::terminate ending the profiled program.
  try {
    record_created(ctx);
  } catch (...) {
  }
}

void ContextTable::record_created(const Context& ctx) {
  ContextInfo info;
  info.id = ctx.id();
  info.kind = ctx.kind();
  info.parent = ctx.parent_id();
  info.name = std::string(ctx.name());
  const auto stack = ctx.creation_stack();
  info.stack.reserve(stack.size());
  for (void* pc : stack) info.stack.push_back(reinterpret_cast<std::uintptr_t>(pc));
  info.created_ns = ns(ctx.created_at());
  if (ctx.kind() == ContextKind::Deadline) {
    if (auto d = ctx.deadline()) info.deadline_ns = ns(*d);
  }
  std::lock_guard lock(mu_);
  ++created_;
  records_.insert_or_assign(info.id, std::move(info));
}

void ContextTable::on_registered(ContextId child, ContextId parent) noexcept {
  update(child, [&](ContextInfo& r) { r.registered_under = parent; });
}

void ContextTable::on_unregistered(ContextId child, ContextId parent) noexcept {
  update(child, [&](ContextInfo& r) {
    if (r.registered_under == parent) r.registered_under = kNoContext;
  });
}

void ContextTable::on_cancelled(const Context& ctx) noexcept {
  InternalScope internal;
  const auto ended = ctx.ended_at();
  const ContextState state = ctx.state();
  const Err err = ctx.err();
  std::string cause;
  try {
    cause = ctx.cause();
  } catch (...) {  // out of memory: the end is recorded without its cause
  }
  std::lock_guard lock(mu_);
  auto it = records_.find(ctx.id());
  if (it == records_.end()) return;
  it->second.ended_ns = ended ? ns(*ended) : 0;
  it->second.state = state;
  it->second.err = err;
  it->second.cause = std::move(cause);
}

void ContextTable::on_cancel_dropped(ContextId id) noexcept {
  update(id, [](ContextInfo& r) { r.cancel_dropped = true; });
}

void ContextTable::on_waiters_changed(ContextId id, int delta) noexcept {
  update(id, [&](ContextInfo& r) { r.waiters += delta; });
}

void ContextTable::on_destroyed(ContextId id) noexcept {
  update(id, [](ContextInfo& r) { r.destroyed = true; });
  slots_.mark_destroyed(id);
}

void ContextTable::fold_retired() {
  InternalScope internal;
  std::vector<std::pair<ContextId, CounterValues>> retired;
  slots_.retire_queued([&](ContextId id, const CounterValues& v) { retired.emplace_back(id, v); });
  std::lock_guard lock(mu_);
  for (const auto& [id, values] : retired) {
    auto it = records_.find(id);
    if (it == records_.end()) continue;
    it->second.retired = true;
    it->second.final = values;
  }
}

std::vector<ContextInfo> ContextTable::copy() const {
  std::lock_guard lock(mu_);
  std::vector<ContextInfo> out;
  out.reserve(records_.size());
  for (const auto& [id, info] : records_) out.push_back(info);
  return out;
}

std::size_t ContextTable::prune_finished() {
  InternalScope internal;
  std::lock_guard lock(mu_);
  return std::erase_if(records_, [this](const auto& entry) {
    const ContextInfo& r = entry.second;
    if (!r.destroyed) return false;
    // A destroyed context never allocates again: either its slot was retired with
    // nothing live, or it never had one.
    return r.retired ? r.final.alloc_objects == r.final.free_objects
                     : slots_.find(r.id) == SlotTable::kNoSlot;
  });
}

std::uint64_t ContextTable::contexts_created() const {
  std::lock_guard lock(mu_);
  return created_;
}

}  // namespace ctxheap::collector
