#include "store/covisitation_store.h"

#include "store_fixture.h"

namespace headliner {
namespace {

class CoVisitationStoreTest : public testing::StoreFixture {};

TEST_F(CoVisitationStoreTest, UnseenPairsWeighNothing) {
  CoVisitationStore store(*db_);
  EXPECT_EQ(*store.FindWeight(1, 2), 0.0);
  EXPECT_TRUE(store.FindPartners(1)->empty());
}

TEST_F(CoVisitationStoreTest, WeightsAreOrderedPairs) {
  CoVisitationStore store(*db_);
  Commit([&](StagedBatch& b) { store.StageWeight(b, 1, 2, 0.75); });
  EXPECT_EQ(*store.FindWeight(1, 2), 0.75);
  EXPECT_EQ(*store.FindWeight(2, 1), 0.0);  // the writer keeps them symmetric, not the table
}

TEST_F(CoVisitationStoreTest, PartnersRoundTripInOrderAndDurably) {
  CoVisitationStore store(*db_);
  const std::vector<Partner> partners = {{7, 3.5}, {3, 1.25}, {1ULL << 40, 0.5}};
  Commit([&](StagedBatch& b) { store.StagePartners(b, 9, partners); });
  Reopen();
  auto found = CoVisitationStore(*db_).FindPartners(9);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  for (size_t i = 0; i < partners.size(); ++i) {
    EXPECT_EQ((*found)[i].dense_id, partners[i].dense_id);
    EXPECT_EQ((*found)[i].weight, partners[i].weight);
  }
}

TEST_F(CoVisitationStoreTest, StagedWritesAreVisibleThroughTheBatch) {
  CoVisitationStore store(*db_);
  StagedBatch batch(*db_);
  store.StageWeight(batch, 4, 5, 2.0);
  store.StagePartners(batch, 4, {{5, 2.0}});
  EXPECT_EQ(*store.FindWeight(4, 5, &batch), 2.0);
  EXPECT_EQ(store.FindPartners(4, &batch)->size(), 1u);
  EXPECT_EQ(*store.FindWeight(4, 5), 0.0);  // not committed
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(*store.FindWeight(4, 5), 2.0);
}

}  // namespace
}  // namespace headliner
