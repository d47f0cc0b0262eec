#include "store/interleaving_store.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

class InterleavingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.path() + "/rocksdb", DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    store_ = std::make_unique<InterleavingStore>(*db_);
  }
  // One click of impression `nonce` on team A's or B's item, in a batch of its own.
  void Click(uint64_t nonce, bool team_a, const std::string& experiment = "exp") {
    StagedBatch batch(*db_);
    auto before = store_->FindImpression(experiment, nonce, &batch);
    ASSERT_TRUE(before.ok());
    store_->StageClick(batch, experiment, nonce, *before, team_a);
    ASSERT_TRUE(batch.Commit().ok());
  }
  InterleavingTotals Totals(const std::string& experiment = "exp") {
    auto all = store_->AllTotals();
    EXPECT_TRUE(all.ok());
    auto it = all->find(experiment);
    return it == all->end() ? InterleavingTotals() : it->second;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<InterleavingStore> store_;
};

TEST_F(InterleavingStoreTest, AnImpressionsOutcomeFollowsItsClicks) {
  Click(1, true);  // A 1 : B 0 -> won by A
  InterleavingTotals t = Totals();
  EXPECT_EQ(t.impressions_with_clicks, 1u);
  EXPECT_EQ(t.wins_a, 1u);
  Click(1, false);  // 1 : 1 -> tied
  t = Totals();
  EXPECT_EQ(t.wins_a, 0u);
  EXPECT_EQ(t.ties, 1u);
  Click(1, false);  // 1 : 2 -> won by B
  t = Totals();
  EXPECT_EQ(t.impressions_with_clicks, 1u);
  EXPECT_EQ(t.wins_a, 0u);
  EXPECT_EQ(t.ties, 0u);
  EXPECT_EQ(t.wins_b, 1u);
  EXPECT_EQ(t.clicks_a, 1u);
  EXPECT_EQ(t.clicks_b, 2u);
  auto row = store_->FindImpression("exp", 1, nullptr);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->a, 1u);
  EXPECT_EQ(row->b, 2u);
}

TEST_F(InterleavingStoreTest, ImpressionsAndExperimentsAreCountedApart) {
  Click(1, true);
  Click(2, false);
  Click(3, false);
  Click(1, true, "other");
  const InterleavingTotals t = Totals();
  EXPECT_EQ(t.impressions_with_clicks, 3u);
  EXPECT_EQ(t.wins_a, 1u);
  EXPECT_EQ(t.wins_b, 2u);
  EXPECT_EQ(Totals("other").wins_a, 1u);
}

TEST_F(InterleavingStoreTest, ClicksStagedInOneBatchSeeEachOther) {
  StagedBatch batch(*db_);
  for (bool team_a : {true, false, false}) {
    auto before = store_->FindImpression("exp", 9, &batch);
    ASSERT_TRUE(before.ok());
    store_->StageClick(batch, "exp", 9, *before, team_a);
  }
  ASSERT_TRUE(batch.Commit().ok());
  const InterleavingTotals t = Totals();
  EXPECT_EQ(t.impressions_with_clicks, 1u);
  EXPECT_EQ(t.wins_b, 1u);
  EXPECT_EQ(t.wins_a + t.ties, 0u);
}

}  // namespace
}  // namespace headliner
