#include "ingest/event_applier.h"

#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "store/offset_store.h"
#include "store/rejection_counters.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class EventApplierTest : public testing::EngineFixture {
 protected:
  void SetUp() override { Open(); }
};

TEST_F(EventApplierTest, LaterEventsOfABatchSeeEarlierOnes) {
  std::vector<IngestEvent> events = {
      MakeArticle("a", "Japan and Pakistan agree on cooperation", kT0),
      MakeClick("e1", "s1", "a", kT0),  // the article exists only in this batch so far
      MakeClick("e1", "s1", "a", kT0),  // duplicate within the batch
      MakeArticle("a", "older version", kT0 - absl::Hours(1)),
  };
  std::vector<PartitionPosition> positions = {{"articles", 0, 2}, {"clicks", 1, 7}};
  auto outcomes = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_EQ((*outcomes)[0].kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ((*outcomes)[1].kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ((*outcomes)[2].kind, EventOutcome::Kind::kIgnored);
  EXPECT_EQ((*outcomes)[2].reason, "duplicate_event");
  EXPECT_EQ((*outcomes)[3].kind, EventOutcome::Kind::kIgnored);
  EXPECT_EQ((*outcomes)[3].reason, "stale_version");

  const OffsetStore& offsets = tables().offsets();
  EXPECT_EQ(*offsets.Find("articles", 0), 2);
  EXPECT_EQ(*offsets.Find("clicks", 1), 7);
  EXPECT_FALSE(offsets.Find("clicks", 0)->has_value());
  EXPECT_EQ(clicks().FindArticleActivity((*outcomes)[0].dense_id)->clicks, 1u);
  EXPECT_TRUE(content_index().Contains((*outcomes)[0].dense_id));
}

TEST_F(EventApplierTest, AnAbandonedBatchWritesNothingAndLeavesNoTrace) {
  std::vector<IngestEvent> events = {MakeArticle("a", "Icahn presses eBay over PayPal", kT0),
                                     MakeClick("e1", "s1", "a", kT0)};
  std::vector<PartitionPosition> positions = {{"articles", 0, 1}};
  auto failed = applier().ApplyBatch(events, positions, [](std::span<const EventOutcome>) {
    return absl::UnavailableError("dead-letter topic unreachable");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(articles().FindByExternalId("a")->has_value());
  EXPECT_FALSE(tables().offsets().Find("articles", 0)->has_value());
  EXPECT_EQ(content_index().Stats().live, 0u);
  EXPECT_EQ(*clicks().TotalClicks(), 0u);

  // The in-memory document frequencies were rolled back too: applying the batch again gives the
  // same vector as a fresh store would.
  auto applied = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(applied.ok());
  const auto vector = content_index().Vector((*applied)[0].dense_id);
  Close();
  std::filesystem::remove_all(dir_.path());
  Open();
  auto fresh = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(content_index().Vector((*fresh)[0].dense_id), vector);
}

TEST_F(EventApplierTest, UndecodableEventsAreCountedUnderTheirSource) {
  std::vector<IngestEvent> events = {UndecodableEvent{"clicks", "undecodable", "not JSON"},
                                     UndecodableEvent{"articles", "undecodable", "bad bytes"},
                                     MakeArticle("", "no id", kT0)};
  auto outcomes = applier().ApplyBatch(events);
  ASSERT_TRUE(outcomes.ok());
  for (const EventOutcome& o : *outcomes) EXPECT_EQ(o.kind, EventOutcome::Kind::kRejected);
  auto counts = tables().rejections().All();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["clicks/undecodable"], 1u);
  EXPECT_EQ((*counts)["articles/undecodable"], 1u);
  EXPECT_EQ((*counts)["articles/missing_id"], 1u);
}

}  // namespace
}  // namespace headliner
