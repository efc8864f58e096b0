// The collector's record of every context, built from the runtime's events. The collector
// never holds Context handles (that would change what is retained); it keeps copies of
// what a snapshot needs and learns of changes through the Observer interface.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ctxheap/context/observer.hpp"
#include "slot_table.hpp"

namespace ctxheap::collector {

struct ContextInfo {
  ContextId id = kNoContext;
  ContextKind kind = ContextKind::Background;
  ContextId parent = kNoContext;
  ContextId registered_under = kNoContext;
  std::string name;
  std::vector<std::uintptr_t> stack;
  std::int64_t created_ns = 0;
  std::int64_t ended_ns = 0;  ///< 0 while live
  std::int64_t deadline_ns = 0;
  ContextState state = ContextState::Live;
  Err err = Err::None;
  std::string cause;
  bool cancel_dropped = false;
  bool destroyed = false;
  int waiters = 0;
  bool retired = false;        ///< its slot was retired; `final` holds its counters
  CounterValues final{};
};

class ContextTable final : public Observer {
 public:
  explicit ContextTable(SlotTable& slots) : slots_(slots) {}

  void on_created(const Context& ctx) noexcept override;
  void on_registered(ContextId child, ContextId parent) noexcept override;
  void on_unregistered(ContextId child, ContextId parent) noexcept override;
  void on_cancelled(const Context& ctx) noexcept override;
  void on_cancel_dropped(ContextId id) noexcept override;
  void on_waiters_changed(ContextId id, int delta) noexcept override;
  void on_destroyed(ContextId id) noexcept override;

  /// Moves the final counters of retired slots into their records.
  void fold_retired();
  /// A copy of every record (call with InternalScope active).
  std::vector<ContextInfo> copy() const;
  /// Drops records of contexts that are destroyed, retired and own nothing, once a
  /// snapshot has written them: bounds the table in long runs. Returns how many.
  std::size_t prune_finished();
  std::uint64_t contexts_created() const;

 private:
  void record_created(const Context& ctx);  // may throw (allocates)
  template <class F>
  void update(ContextId id, F&& f) noexcept;

  SlotTable& slots_;
  mutable std::mutex mu_;
  std::unordered_map<ContextId, ContextInfo> records_;
  std::uint64_t created_ = 0;
};

}  // namespace ctxheap::collector
