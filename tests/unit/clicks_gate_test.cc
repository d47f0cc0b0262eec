#include "kafka/clicks_gate.h"

#include <map>

#include "gtest/gtest.h"

namespace headliner {
namespace {

// How far each articles partition is applied; absent partitions are no longer assigned.
auto ReachedFrom(const std::map<int32_t, int64_t>& reached) {
  return [&reached](int32_t partition) -> std::optional<int64_t> {
    auto it = reached.find(partition);
    if (it == reached.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ClicksGateTest, AnAssignmentWithoutClicksPartitionsIsOpen) {
  ClicksGate gate;
  gate.Reset(/*has_clicks_partitions=*/false);
  EXPECT_FALSE(gate.closed());
  EXPECT_FALSE(gate.needs_targets());
  std::map<int32_t, int64_t> reached;
  EXPECT_FALSE(gate.TryOpen(ReachedFrom(reached)));  // nothing to open
}

TEST(ClicksGateTest, StaysClosedUntilItKnowsTheTargets) {
  ClicksGate gate;
  gate.Reset(/*has_clicks_partitions=*/true);
  EXPECT_TRUE(gate.closed());
  EXPECT_TRUE(gate.needs_targets());
  std::map<int32_t, int64_t> reached = {{0, 100}, {1, 100}};
  EXPECT_FALSE(gate.TryOpen(ReachedFrom(reached)));
  EXPECT_TRUE(gate.closed());
}

TEST(ClicksGateTest, OpensOnceEveryArticlesPartitionReachedItsTarget) {
  ClicksGate gate;
  gate.Reset(true);
  gate.SetTargets({{0, 10}, {1, 20}});
  EXPECT_FALSE(gate.needs_targets());
  std::map<int32_t, int64_t> reached = {{0, 10}, {1, 19}};
  EXPECT_FALSE(gate.TryOpen(ReachedFrom(reached)));
  EXPECT_TRUE(gate.closed());
  reached[1] = 20;
  EXPECT_TRUE(gate.TryOpen(ReachedFrom(reached)));
  EXPECT_FALSE(gate.closed());
  EXPECT_FALSE(gate.TryOpen(ReachedFrom(reached)));  // opens once
}

TEST(ClicksGateTest, TargetsAreTheFirstSeenAfterTheAssignment) {
  ClicksGate gate;
  gate.Reset(true);
  gate.SetTargets({{0, 10}});
  gate.SetTargets({{0, 1000}});  // articles published meanwhile do not hold clicks back
  std::map<int32_t, int64_t> reached = {{0, 10}};
  EXPECT_TRUE(gate.TryOpen(ReachedFrom(reached)));
}

TEST(ClicksGateTest, APartitionNoLongerAssignedCountsAsReached) {
  ClicksGate gate;
  gate.Reset(true);
  gate.SetTargets({{0, 10}, {1, 20}});
  std::map<int32_t, int64_t> reached = {{0, 10}};  // partition 1 went to another member
  EXPECT_TRUE(gate.TryOpen(ReachedFrom(reached)));
}

TEST(ClicksGateTest, NoArticlesPartitionsOpensAtOnce) {
  ClicksGate gate;
  gate.Reset(true);
  gate.SetTargets({});
  std::map<int32_t, int64_t> reached;
  EXPECT_TRUE(gate.TryOpen(ReachedFrom(reached)));
}

TEST(ClicksGateTest, ANewAssignmentClosesItAgain) {
  ClicksGate gate;
  gate.Reset(true);
  gate.SetTargets({});
  std::map<int32_t, int64_t> reached;
  ASSERT_TRUE(gate.TryOpen(ReachedFrom(reached)));
  gate.Reset(true);
  EXPECT_TRUE(gate.closed());
  EXPECT_TRUE(gate.needs_targets());
}

}  // namespace
}  // namespace headliner
