#include "store/covisitation_store.h"

#include <cstring>
#include <tuple>

#include "store/keys.h"
#include "store_fixture.h"

namespace headliner {
namespace {

class CoVisitationStoreTest : public testing::StoreFixture {};

TEST_F(CoVisitationStoreTest, UnseenPairsWeighNothing) {
  CoVisitationStore store(*db_);
  EXPECT_EQ(*store.FindWeight(1, 2), 0.0);
  EXPECT_TRUE(store.FindPartners(1)->partners.empty());
}

TEST_F(CoVisitationStoreTest, WeightsAreTheLowerBoundsOfOneArticlesRow) {
  CoVisitationStore store(*db_);
  Commit([&](StagedBatch& b) { store.StagePartners(b, 1, {{{2, 0.75, 0.25}}, 10}, 1); });
  EXPECT_EQ(*store.FindWeight(1, 2), 0.5);
  EXPECT_EQ(*store.FindWeight(2, 1), 0.0);  // the writer keeps them symmetric, not the table
  ASSERT_EQ(store.FindPartners(1)->partners.size(), 1u);
  EXPECT_EQ(store.FindPartners(1)->partners.front().weight, 0.5);
}

TEST_F(CoVisitationStoreTest, AReadRowCarriesTheRevisionACommittedWriteMovesOn) {
  CoVisitationStore store(*db_);
  const uint64_t before = store.PartnersRevision(1);
  EXPECT_EQ(store.FindPartners(1)->revision, before);
  {
    StagedBatch abandoned(*db_);
    store.StagePartners(abandoned, 1, {{{2, 1, 0}}, 10}, 1);
    // Read through the batch: not committed state, so no revision vouches for it.
    EXPECT_EQ(store.FindPartners(1, &abandoned)->revision, RowRevisions::kUnknown);
  }
  EXPECT_EQ(store.PartnersRevision(1), before);  // never committed
  Commit([&](StagedBatch& b) { store.StagePartners(b, 1, {{{2, 1, 0}}, 10}, 1); });
  const uint64_t after = store.PartnersRevision(1);
  EXPECT_NE(after, before);
  EXPECT_EQ(store.FindPartners(1)->revision, after);
  EXPECT_EQ(store.PartnersRevision(2), before);  // another row: unchanged
}

TEST_F(CoVisitationStoreTest, RowsRoundTripInOrderAndDurably) {
  CoVisitationStore store(*db_);
  // Values a float32 holds exactly.
  const std::vector<TrackedPartner> tracked = {
      {7, 3.5, 0}, {3, 1.5, 0.25}, {(1ULL << 32) - 1, 0.5, 0}};
  const int64_t as_of = 1'700'000'000'000'000;
  Commit([&](StagedBatch& b) { store.StagePartners(b, 9, {tracked, as_of}, 2); });
  Reopen();
  CoVisitationStore reopened(*db_);
  auto found = reopened.FindTracked(9);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->as_of_micros, as_of);
  ASSERT_EQ(found->tracked.size(), 3u);
  for (size_t i = 0; i < tracked.size(); ++i) {
    EXPECT_EQ(found->tracked[i].dense_id, tracked[i].dense_id);
    EXPECT_EQ(found->tracked[i].count, tracked[i].count);
    EXPECT_EQ(found->tracked[i].error, tracked[i].error);
  }
  // Ranking sees the first two, with their lower bounds and the time they are at.
  auto row = reopened.FindPartners(9);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->as_of_micros, as_of);
  const std::vector<Partner>& partners = row->partners;
  ASSERT_EQ(partners.size(), 2u);
  EXPECT_EQ(partners[0].dense_id, 7u);
  EXPECT_EQ(partners[0].weight, 3.5);
  EXPECT_EQ(partners[1].dense_id, 3u);
  EXPECT_EQ(partners[1].weight, 1.25);
  EXPECT_EQ(*reopened.FindWeight(9, (1ULL << 32) - 1), 0.5);  // tracked, not a partner
}

TEST_F(CoVisitationStoreTest, RowsWrittenBeforeWeightsAgedReadAtNoParticularTime) {
  // 'T', u32 partners, then (u32 id, f32 count, f32 error), as the previous version wrote them.
  std::string row = "T";
  const uint32_t partners = 1;
  row.append(reinterpret_cast<const char*>(&partners), 4);
  for (auto [id, count, error] :
       {std::tuple<uint32_t, float, float>{5, 2.0f, 0.5f}, {6, 1.0f, 0}}) {
    row.append(reinterpret_cast<const char*>(&id), 4);
    row.append(reinterpret_cast<const char*>(&count), 4);
    row.append(reinterpret_cast<const char*>(&error), 4);
  }
  Commit([&](StagedBatch& b) { b.Put(Column::kPartners, EncodeU64(4), row); });
  CoVisitationStore store(*db_);
  auto tracked = store.FindTracked(4);
  ASSERT_TRUE(tracked.ok()) << tracked.status();
  EXPECT_EQ(tracked->as_of_micros, 0);
  ASSERT_EQ(tracked->tracked.size(), 2u);
  EXPECT_EQ(tracked->tracked[1].dense_id, 6u);
  auto found = store.FindPartners(4);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->partners.size(), 1u);
  EXPECT_EQ(found->partners[0].weight, 1.5);
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
  ASSERT_EQ(tracked->tracked.size(), 2u);
  EXPECT_EQ(tracked->as_of_micros, 0);
  EXPECT_EQ(store.FindPartners(4)->partners.size(), 2u);  // all of them partners
  EXPECT_EQ(tracked->tracked[0].dense_id, 5u);
  EXPECT_EQ(tracked->tracked[0].count, 2.0);
  EXPECT_EQ(tracked->tracked[0].error, 0.0);
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
  store.StagePartners(batch, 4, {{{5, 2.0, 0}}, 10}, 1);
  EXPECT_EQ(*store.FindWeight(4, 5, &batch), 2.0);
  EXPECT_EQ(store.FindPartners(4, &batch)->partners.size(), 1u);
  EXPECT_EQ(*store.FindWeight(4, 5), 0.0);  // not committed
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(*store.FindWeight(4, 5), 2.0);
}

}  // namespace
}  // namespace headliner
