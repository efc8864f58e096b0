// The observer event stream: which events, in which order, with which ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ctxheap/context/all.hpp"
#include "recording_observer.hpp"

namespace {

using namespace ctxheap;
using namespace std::chrono_literals;
using ctxheap_test::Event;
using ctxheap_test::Ev;
using ctxheap_test::RecordingObserver;
using ctxheap_test::ScopedObserver;

const ValueKey<int> kA{"a"};

/// The last two events for an id that was cancelled while registered: Go's cancel marks
/// the context done and removes it from its parent; accept either order.
void expect_unregistered_and_cancelled(const std::vector<Event>& tail, ContextId parent,
                                       Err err) {
  ASSERT_EQ(tail.size(), 2u);
  const Event& u = tail[0].type == Ev::Unregistered ? tail[0] : tail[1];
  const Event& c = tail[0].type == Ev::Unregistered ? tail[1] : tail[0];
  EXPECT_EQ(u.type, Ev::Unregistered);
  EXPECT_EQ(u.other, parent);
  EXPECT_EQ(c.type, Ev::Cancelled);
  EXPECT_EQ(c.err, err);
}

TEST(Observer, ChildOfCancelableSeesCreatedRegisteredUnregisteredCancelled) {
  auto [parent, cancel_parent] = with_cancel(background());
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());

  auto [child, cancel_child] = with_cancel(parent, "child");
  cancel_child("done with it");
  const auto ev = obs.events_for(child.id());
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].type, Ev::Created);
  EXPECT_EQ(ev[0].other, parent.id());  // parent id
  EXPECT_EQ(ev[0].kind, ContextKind::Cancel);
  EXPECT_EQ(ev[1].type, Ev::Registered);
  EXPECT_EQ(ev[1].other, parent.id());
  expect_unregistered_and_cancelled({ev[2], ev[3]}, parent.id(), Err::Canceled);
  const Event& cancelled = ev[2].type == Ev::Cancelled ? ev[2] : ev[3];
  EXPECT_EQ(cancelled.cause, "done with it");
  // The parent saw nothing.
  EXPECT_TRUE(obs.events_for(parent.id()).empty());
  cancel_parent();
}

TEST(Observer, NoRegisteredEventForChildOfBackground) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  EXPECT_EQ(obs.types_for(ctx.id()), (std::vector<Ev>{Ev::Created, Ev::Cancelled}));
  EXPECT_EQ(obs.count(Ev::Registered, ctx.id()), 0);
  EXPECT_EQ(obs.count(Ev::Unregistered, ctx.id()), 0);
}

TEST(Observer, NoRegisteredEventBelowWithoutCancel) {
  auto [parent, cancel_parent] = with_cancel(background());
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [ctx, cancel] = with_cancel(without_cancel(parent));
  cancel_parent();
  cancel();
  EXPECT_EQ(obs.count(Ev::Registered), 0);
  EXPECT_EQ(obs.count(Ev::Unregistered), 0);
}

TEST(Observer, ValueContextIsCreatedButNeverRegistered) {
  auto [parent, cancel_parent] = with_cancel(background());
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  ContextId vid = kNoContext;
  {
    const Context v = with_value(parent, kA, 1);
    vid = v.id();
    const auto ev = obs.events_for(vid);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, Ev::Created);
    EXPECT_EQ(ev[0].kind, ContextKind::Value);
    EXPECT_EQ(ev[0].other, parent.id());
  }
  EXPECT_EQ(obs.types_for(vid), (std::vector<Ev>{Ev::Created, Ev::Destroyed}));
  cancel_parent();
}

TEST(Observer, CascadeEmitsUnregisteredAndCancelledForEachDescendant) {
  auto [root, cancel_root] = with_cancel(background());
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [c1, cancel1] = with_cancel(root);
  auto [c2, cancel2] = with_timeout(root, 1h);
  const Context v = with_value(c1, kA, 1);
  auto [g, cancel_g] = with_cancel(v);
  obs.clear();

  cancel_root("cascade");
  // The root is a child of Background: cancelled, never unregistered.
  EXPECT_EQ(obs.types_for(root.id()), (std::vector<Ev>{Ev::Cancelled}));
  const std::array<std::pair<ContextId, ContextId>, 3> expect{
      {{c1.id(), root.id()}, {c2.id(), root.id()}, {g.id(), c1.id()}}};
  for (const auto& [id, parent] : expect) {
    SCOPED_TRACE(id);
    const auto ev = obs.events_for(id);
    expect_unregistered_and_cancelled(ev, parent, Err::Canceled);
    for (const Event& e : ev) {
      if (e.type == Ev::Cancelled) {
        EXPECT_EQ(e.cause, "cascade");
      }
    }
  }
  EXPECT_EQ(obs.count(Ev::Unregistered), 3);
  EXPECT_EQ(obs.count(Ev::Cancelled), 4);
  EXPECT_EQ(obs.count(Ev::Cancelled, v.id()), 0);  // value contexts are not cancelled themselves
}

TEST(Observer, ExpiryEmitsUnregisteredAndCancelledWithDeadlineExceeded) {
  ManualClock clock;
  ScopedClock use(clock);
  auto [parent, cancel_parent] = with_cancel(background());
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  auto [ctx, cancel] = with_timeout(parent, 1s);
  obs.clear();
  clock.advance(1s);
  expect_unregistered_and_cancelled(obs.events_for(ctx.id()), parent.id(), Err::DeadlineExceeded);
  cancel_parent();
}

TEST(Observer, BackgroundAndTodoAreAnnouncedWhenAdded) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  EXPECT_EQ(obs.count(Ev::Created, kBackgroundId), 1);
  EXPECT_EQ(obs.count(Ev::Created, kTodoId), 1);
}

TEST(Observer, DestroyedFiresOnceWhenTheLastReferenceGoes) {
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  ContextId id = kNoContext;
  {
    auto [ctx, cancel] = with_cancel(background());
    id = ctx.id();
    const Context copy = ctx;
    cancel();
    EXPECT_EQ(obs.count(Ev::Destroyed, id), 0);
  }
  EXPECT_EQ(obs.count(Ev::Destroyed, id), 1);
  EXPECT_EQ(obs.types_for(id).back(), Ev::Destroyed);
}

TEST(Observer, AddObserverTwiceReturnsFalse) {
  RecordingObserver obs;
  ASSERT_TRUE(add_observer(&obs));
  EXPECT_FALSE(add_observer(&obs));
  remove_observer(&obs);
  // Removed: it can be added again.
  EXPECT_TRUE(add_observer(&obs));
  remove_observer(&obs);
}

TEST(Observer, AtMostMaxObserversAtOnce) {
  std::array<RecordingObserver, kMaxObservers + 1> observers;
  int added = 0;
  for (int i = 0; i < kMaxObservers; ++i)
    if (add_observer(&observers[static_cast<std::size_t>(i)])) ++added;
  EXPECT_EQ(added, kMaxObservers);
  EXPECT_FALSE(add_observer(&observers[kMaxObservers]));
  for (auto& o : observers) remove_observer(&o);
}

TEST(Observer, RemoveObserverStopsEvents) {
  RecordingObserver obs;
  ASSERT_TRUE(add_observer(&obs));
  {
    auto [ctx, cancel] = with_cancel(background());
    cancel();
  }
  const std::size_t before = obs.events().size();
  EXPECT_GT(before, 0u);
  remove_observer(&obs);
  {
    auto [parent, cancel_parent] = with_cancel(background());
    auto [ctx, cancel] = with_cancel(parent);
    {
      auto [dropped, dropped_cancel] = with_cancel(parent);
    }
    CurrentScope scope(ctx);
    cancel_parent();
  }
  EXPECT_EQ(obs.events().size(), before);
}

TEST(Observer, EveryObserverSeesEveryEvent) {
  RecordingObserver a, b;
  ScopedObserver reg_a(a), reg_b(b);
  ASSERT_TRUE(reg_a.added());
  ASSERT_TRUE(reg_b.added());
  auto [ctx, cancel] = with_cancel(background());
  cancel();
  EXPECT_EQ(a.types_for(ctx.id()), b.types_for(ctx.id()));
  EXPECT_EQ(a.count(Ev::Cancelled, ctx.id()), 1);
}

TEST(Observer, WaitersChangedBracketsEveryBlockingWait) {
  auto [parent, cancel] = with_cancel(background());
  const Context v = with_value(parent, kA, 1);
  RecordingObserver obs;
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());

  EXPECT_FALSE(parent.wait_for(1ms));  // times out: +1 then -1
  std::thread waiter([v] { v.wait(); });  // a value context waits on its cancelable source
  const Context p = parent;
  EXPECT_TRUE(ctxheap_test::spin_until([&p] { return p.waiters() == 1; }));
  cancel();
  waiter.join();

  std::vector<int> deltas;
  for (const Event& e : obs.events_for(parent.id())) {
    if (e.type == Ev::WaitersChanged) deltas.push_back(e.delta);
  }
  ASSERT_EQ(deltas.size(), 4u);
  EXPECT_EQ(deltas, (std::vector<int>{+1, -1, +1, -1}));
  EXPECT_EQ(obs.count(Ev::WaitersChanged, v.id()), 0);
}

/// Calls back into the runtime from on_cancelled, which runs with no runtime lock held.
class ReentrantObserver : public Observer {
 public:
  explicit ReentrantObserver(Context parent) : parent_(std::move(parent)) {}
  void on_cancelled(const Context& ctx) noexcept override {
    if (ctx.parent_id() != parent_.id() || seen_) return;
    seen_ = true;
    parent_count_ = parent_.child_count();
    cause_ = ctx.cause();
    auto [tmp, cancel] = with_cancel(parent_);
    cancel();
  }
  Context parent_;
  bool seen_ = false;
  std::size_t parent_count_ = 99;
  std::string cause_;
};

TEST(Observer, OnCancelledRunsWithNoRuntimeLockHeld) {
  auto [parent, cancel_parent] = with_cancel(background());
  auto [child, cancel_child] = with_cancel(parent);
  ReentrantObserver obs(parent);
  ScopedObserver reg(obs);
  ASSERT_TRUE(reg.added());
  cancel_child("reentrant");
  EXPECT_TRUE(obs.seen_);
  EXPECT_LE(obs.parent_count_, 1u);
  EXPECT_EQ(obs.cause_, "reentrant");
  EXPECT_EQ(parent.child_count(), 0u);
  cancel_parent();
}

}  // namespace
