#include "store/covisitation_store.h"

#include <cstring>

#include "store/keys.h"
#include "store_fixture.h"

namespace headliner {
namespace {

class CoVisitationStoreTest : public testing::StoreFixture {};

TEST_F(CoVisitationStoreTest, UnseenPairsWeighNothing) {
  CoVisitationStore store(*db_);
  EXPECT_EQ(*store.FindWeight(1, 2), 0.0);
  EXPECT_TRUE(store.FindPartners(1)->empty());
}

TEST_F(CoVisitationStoreTest, WeightsAreTheLowerBoundsOfOneArticlesRow) {
  CoVisitationStore store(*db_);
  Commit([&](StagedBatch& b) { store.StagePartners(b, 1, {{2, 0.75, 0.25}}, 1); });
  EXPECT_EQ(*store.FindWeight(1, 2), 0.5);
  EXPECT_EQ(*store.FindWeight(2, 1), 0.0);  // the writer keeps them symmetric, not the table
  ASSERT_EQ(store.FindPartners(1)->size(), 1u);
  EXPECT_EQ(store.FindPartners(1)->front().weight, 0.5);
}

TEST_F(CoVisitationStoreTest, RowsRoundTripInOrderAndDurably) {
  CoVisitationStore store(*db_);
  // Values a float32 holds exactly.
  const std::vector<TrackedPartner> tracked = {
      {7, 3.5, 0}, {3, 1.5, 0.25}, {(1ULL << 32) - 1, 0.5, 0}};
  Commit([&](StagedBatch& b) { store.StagePartners(b, 9, tracked, 2); });
  Reopen();
  CoVisitationStore reopened(*db_);
  auto found = reopened.FindTracked(9);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  for (size_t i = 0; i < tracked.size(); ++i) {
    EXPECT_EQ((*found)[i].dense_id, tracked[i].dense_id);
    EXPECT_EQ((*found)[i].count, tracked[i].count);
    EXPECT_EQ((*found)[i].error, tracked[i].error);
  }
  // Ranking sees the first two, with their lower bounds.
  auto partners = reopened.FindPartners(9);
  ASSERT_TRUE(partners.ok()) << partners.status();
  ASSERT_EQ(partners->size(), 2u);
  EXPECT_EQ((*partners)[0].dense_id, 7u);
  EXPECT_EQ((*partners)[0].weight, 3.5);
  EXPECT_EQ((*partners)[1].dense_id, 3u);
  EXPECT_EQ((*partners)[1].weight, 1.25);
  EXPECT_EQ(*reopened.FindWeight(9, (1ULL << 32) - 1), 0.5);  // tracked, not a partner
}

TEST_F(CoVisitationStoreTest, RowsOfTheEarlierLayoutReadAsExactWeights) {
  // (u64 id, f64 weight) entries without a tag, as an earlier version wrote them.
  std::string row;
  for (auto [id, weight] : {std::pair<uint64_t, double>{5, 2.0}, {6, 1.0}}) {
    row.append(reinterpret_cast<const char*>(&id), 8);
    row.append(reinterpret_cast<const char*>(&weight), 8);
  }
  Commit([&](StagedBatch& b) { b.Put(Column::kPartners, EncodeU64(4), row); });
  CoVisitationStore store(*db_);
  auto tracked = store.FindTracked(4);
  ASSERT_TRUE(tracked.ok()) << tracked.status();
  ASSERT_EQ(tracked->size(), 2u);
  EXPECT_EQ(store.FindPartners(4)->size(), 2u);  // all of them partners
  EXPECT_EQ((*tracked)[0].dense_id, 5u);
  EXPECT_EQ((*tracked)[0].count, 2.0);
  EXPECT_EQ((*tracked)[0].error, 0.0);
  EXPECT_EQ(*store.FindWeight(4, 6), 1.0);
}

TEST_F(CoVisitationStoreTest, AMalformedRowIsDataLoss) {
  Commit([&](StagedBatch& b) { b.Put(Column::kPartners, EncodeU64(4), "bad"); });
  EXPECT_EQ(CoVisitationStore(*db_).FindPartners(4).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(CoVisitationStoreTest, PairWeightsOfTheEarlierLayoutAreDropped) {
  Commit([&](StagedBatch& b) {
    b.Put(Column::kCoVisits, EncodeU64(1) + EncodeU64(2), "12345678");
    b.Put(Column::kCoVisits, EncodeU64(~0ULL) + EncodeU64(~0ULL), "12345678");
  });
  CoVisitationStore store(*db_);
  EXPECT_TRUE(*store.DropPairWeights());
  EXPECT_FALSE(db_->Get(Column::kCoVisits, EncodeU64(1) + EncodeU64(2))->has_value());
  EXPECT_FALSE(db_->Get(Column::kCoVisits, EncodeU64(~0ULL) + EncodeU64(~0ULL))->has_value());
  EXPECT_FALSE(*store.DropPairWeights());  // nothing left
}

TEST_F(CoVisitationStoreTest, StagedWritesAreVisibleThroughTheBatch) {
  CoVisitationStore store(*db_);
  StagedBatch batch(*db_);
  store.StagePartners(batch, 4, {{5, 2.0, 0}}, 1);
  EXPECT_EQ(*store.FindWeight(4, 5, &batch), 2.0);
  EXPECT_EQ(store.FindPartners(4, &batch)->size(), 1u);
  EXPECT_EQ(*store.FindWeight(4, 5), 0.0);  // not committed
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(*store.FindWeight(4, 5), 2.0);
}

}  // namespace
}  // namespace headliner
