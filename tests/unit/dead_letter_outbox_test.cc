#include "store/dead_letter_outbox.h"

#include "store_fixture.h"

namespace headliner {
namespace {

class DeadLetterOutboxTest : public testing::StoreFixture {};

store::DeadLetterRecord Letter(const std::string& topic, int32_t partition, int64_t offset) {
  store::DeadLetterRecord r;
  r.set_topic(topic + "-dlq");
  r.set_payload("p");
  r.set_original_bytes(1);
  r.set_reason("undecodable");
  r.set_source_topic(topic);
  r.set_source_partition(partition);
  r.set_source_offset(offset);
  return r;
}

TEST_F(DeadLetterOutboxTest, PendingInSourceOrderUntilDeliveredThenCounted) {
  DeadLetterOutbox outbox(*db_);
  Commit([&](StagedBatch& b) {
    outbox.Stage(b, Letter("clicks", 0, 5));
    outbox.Stage(b, Letter("articles", 2, 300));
    outbox.Stage(b, Letter("articles", 2, 40));  // numeric, not text, order
  });
  auto pending = outbox.Pending(10);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ(DeadLetterId((*pending)[0]), "articles/2@40");
  EXPECT_EQ(DeadLetterId((*pending)[1]), "articles/2@300");
  EXPECT_EQ(DeadLetterId((*pending)[2]), "clicks/0@5");
  EXPECT_EQ(outbox.Pending(1)->size(), 1u);
  EXPECT_EQ(outbox.Counts()->pending(), 3u);

  Commit([&](StagedBatch& b) {
    outbox.StageDelivered(b, (*pending)[0], DeliveredAs::kTruncated);
    outbox.StageDelivered(b, (*pending)[2], DeliveredAs::kReference);
  });
  Reopen();
  DeadLetterOutbox reopened(*db_);
  ASSERT_EQ(reopened.Pending(10)->size(), 1u);
  EXPECT_EQ(DeadLetterId(reopened.Pending(10)->front()), "articles/2@300");
  const DeadLetterCounts c = *reopened.Counts();
  EXPECT_EQ(c.staged, 3u);
  EXPECT_EQ(c.delivered, 2u);
  EXPECT_EQ(c.truncated, 1u);
  EXPECT_EQ(c.reference, 1u);
  EXPECT_EQ(c.pending(), 1u);
}

TEST_F(DeadLetterOutboxTest, StagingTheSameSourceMessageTwiceKeepsOneLetter) {
  DeadLetterOutbox outbox(*db_);
  Commit([&](StagedBatch& b) {
    outbox.Stage(b, Letter("articles", 0, 1));
    outbox.Stage(b, Letter("articles", 0, 1));
  });
  EXPECT_EQ(outbox.Pending(10)->size(), 1u);
  EXPECT_EQ(outbox.Counts()->staged, 1u);
}

TEST_F(DeadLetterOutboxTest, AMalformedRecordIsDataLossNotACrash) {
  Commit([&](StagedBatch& b) { b.Put(Column::kMeta, "outbox/x", "\xff\xff\xff"); });
  EXPECT_EQ(DeadLetterOutbox(*db_).Pending(10).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace headliner
