// The context current on a thread (what the collector charges allocations to).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using ctxheap_test::Event;
using ctxheap_test::Ev;
using ctxheap_test::RecordingObserver;
using ctxheap_test::ScopedObserver;

/// Records, at construction, the id allocations were being charged to.
struct ChargeProbe {
  ChargeProbe() : charged_to(current_charge_id()) {}
  ContextId charged_to;
};

const ValueKey<int> kA{"a"};
const ValueKey<ChargeProbe> kProbe{"probe"};

/// Events of the current-context kinds only, for the given ids.
std::vector<Event> scope_events(const RecordingObserver& obs, std::vector<ContextId> ids) {
  std::vector<Event> out;
  for (const Event& e : obs.events()) {
    if (e.type != Ev::MadeCurrent && e.type != Ev::NoLongerCurrent) continue;
    if (std::find(ids.begin(), ids.end(), e.id) != ids.end()) out.push_back(e);
  }
  return out;
}

TEST(Current, CurrentIsBackgroundByDefault) {
  EXPECT_EQ(current().id(), kBackgroundId);
  EXPECT_TRUE(current() == background());
  std::thread([] { EXPECT_EQ(current().id(), kBackgroundId); }).join();
}

TEST(Current, CurrentScopeMakesContextCurrentAndRestoresThePrevious) {
  auto [a, cancel_a] = with_cancel(background());
  const Context b = with_value(a, kA, 1);
  {
    CurrentScope outer(a);
    EXPECT_TRUE(current() == a);
    {
      CurrentScope inner(b);
      EXPECT_TRUE(current() == b);
      EXPECT_EQ(current().value(kA), b.value(kA));
    }
    EXPECT_TRUE(current() == a);
  }
  EXPECT_EQ(current().id(), kBackgroundId);
  cancel_a();
}

TEST(Current, CurrentIsPerThread) {
  auto [a, cancel_a] = with_cancel(background());
  CurrentScope scope(a);
  ContextId seen_elsewhere = kNoContext;
  std::thread([&seen_elsewhere] { seen_elsewhere = current().id(); }).join();
  EXPECT_EQ(seen_elsewhere, kBackgroundId);
  EXPECT_EQ(current().id(), a.id());
  cancel_a();
}

TEST(Current, CurrentChargeIdEqualsTheCurrentId) {
  auto [a, cancel_a] = with_cancel(background());
  const Context b = with_value(a, kA, 1);
  const ContextId outside = current_charge_id();
  EXPECT_TRUE(outside == kNoContext || outside == kBackgroundId) << outside;
  {
    CurrentScope outer(a);
    EXPECT_EQ(current_charge_id(), a.id());
    {
      CurrentScope inner(b);
      EXPECT_EQ(current_charge_id(), b.id());
    }
    EXPECT_EQ(current_charge_id(), a.id());
  }
  EXPECT_EQ(current_charge_id(), outside);
  cancel_a();
}

TEST(Current, ContextUnderConstructionIsChargedForItself) {
  auto [a, cancel_a] = with_cancel(background());
  CurrentScope scope(a);
  const Context v = with_value(a, kProbe);
  // The payload was built while the new context was being created: charged to it.
  EXPECT_EQ(v.value(kProbe)->charged_to, v.id());
  // And the charge returns to the current context afterwards.
  EXPECT_EQ(current_charge_id(), a.id());
  auto [c, cancel_c] = with_cancel(a);
  EXPECT_EQ(current_charge_id(), a.id());
  cancel_a();
}

TEST(Current, CurrentScopeEmitsMadeCurrentAndNoLongerCurrent) {
  auto [a, cancel_a] = with_cancel(background());
  auto [b, cancel_b] = with_cancel(a);
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  {
    CurrentScope outer(a);
    {
      CurrentScope inner(b);
    }
  }
  const auto ev = scope_events(obs, {a.id(), b.id()});
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].type, Ev::MadeCurrent);
  EXPECT_EQ(ev[0].id, a.id());
  // Nothing was current before: "previous" is either no context or Background.
  EXPECT_TRUE(ev[0].other == kNoContext || ev[0].other == kBackgroundId) << ev[0].other;
  EXPECT_EQ(ev[1].type, Ev::MadeCurrent);
  EXPECT_EQ(ev[1].id, b.id());
  EXPECT_EQ(ev[1].other, a.id());
  EXPECT_EQ(ev[2].type, Ev::NoLongerCurrent);
  EXPECT_EQ(ev[2].id, b.id());
  EXPECT_EQ(ev[2].other, a.id());
  EXPECT_EQ(ev[3].type, Ev::NoLongerCurrent);
  EXPECT_EQ(ev[3].id, a.id());
  EXPECT_EQ(ev[3].other, ev[0].other);
  for (const Event& e : ev) EXPECT_EQ(e.thread, std::this_thread::get_id());
  cancel_a();
}

TEST(Current, RunUnderReturnsTheResult) {
  auto [a, cancel_a] = with_cancel(background());
  const ContextId seen = run_under(a, [] { return current().id(); });
  EXPECT_EQ(seen, a.id());
  EXPECT_EQ(current().id(), kBackgroundId);

  int storage = 1;
  int& ref = run_under(a, [&storage]() -> int& { return storage; });
  EXPECT_EQ(&ref, &storage);

  bool ran = false;
  run_under(a, [&ran] { ran = (current_charge_id() != kNoContext); });
  EXPECT_TRUE(ran);
  cancel_a();
}

TEST(Current, CurrentScopeKeepsItsContextAlive) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  ContextId id = kNoContext;
  {
    std::optional<CurrentScope> scope;
    {
      auto [a, cancel_a] = with_cancel(background());
      id = a.id();
      cancel_a();
      scope.emplace(a);
    }
    EXPECT_EQ(current().id(), id);
    EXPECT_EQ(obs.count(Ev::Destroyed, id), 0);
  }
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 1);
}

}  // namespace
