#include "store/offset_store.h"

#include "store_fixture.h"

namespace headliner {
namespace {

class OffsetStoreTest : public testing::StoreFixture {};

TEST_F(OffsetStoreTest, UnknownPartitionHasNoOffset) {
  OffsetStore offsets(*db_);
  auto found = offsets.Find("cluster/articles", 0);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
  EXPECT_TRUE(offsets.All()->empty());
}

TEST_F(OffsetStoreTest, StagedOffsetsAreDurableAndKeyedByTopicAndPartition) {
  OffsetStore offsets(*db_);
  Commit([&](StagedBatch& b) {
    offsets.Stage(b, "c1/articles", 0, 7);
    offsets.Stage(b, "c1/articles", 2, 1LL << 40);
    offsets.Stage(b, "c1/clicks", 0, 3);
  });
  Commit([&](StagedBatch& b) { offsets.Stage(b, "c1/articles", 0, 9); });  // moves on
  Reopen();
  OffsetStore reopened(*db_);
  EXPECT_EQ(**reopened.Find("c1/articles", 0), 9);
  EXPECT_EQ(**reopened.Find("c1/articles", 2), 1LL << 40);
  EXPECT_FALSE(reopened.Find("c1/articles", 1)->has_value());
  auto all = reopened.All();
  ASSERT_TRUE(all.ok()) << all.status();
  const std::map<TopicPartition, int64_t> expected = {
      {{"c1/articles", 0}, 9}, {{"c1/articles", 2}, 1LL << 40}, {{"c1/clicks", 0}, 3}};
  EXPECT_EQ(*all, expected);
}

TEST_F(OffsetStoreTest, ATopicThatPrefixesAnotherIsKeptApart) {
  OffsetStore offsets(*db_);
  Commit([&](StagedBatch& b) {
    offsets.Stage(b, "c/clicks", 1, 5);
    offsets.Stage(b, "c/clicks-dlq", 1, 6);
  });
  EXPECT_EQ(**offsets.Find("c/clicks", 1), 5);
  EXPECT_EQ(**offsets.Find("c/clicks-dlq", 1), 6);
  EXPECT_EQ(offsets.All()->size(), 2u);
}

}  // namespace
}  // namespace headliner
