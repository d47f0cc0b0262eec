#include "store/experiment_store.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

class ExperimentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.path() + "/rocksdb", DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    store_ = std::make_unique<ExperimentStore>(*db_);
  }
  // Adds to a unit's counts in one batch of its own.
  void Count(const std::string& variant, const std::string& unit, int impressions, int clicks) {
    StagedBatch batch(*db_);
    auto before = store_->FindUnit("exp", variant, unit, &batch);
    ASSERT_TRUE(before.ok());
    UnitCounts after = *before;
    after.impressions += impressions;
    after.clicks += clicks;
    store_->StageUnit(batch, "exp", variant, unit, *before, after);
    ASSERT_TRUE(batch.Commit().ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ExperimentStore> store_;
};

TEST_F(ExperimentStoreTest, VariantSumsAreTheSumsOverItsUnits) {
  // Unit a: 3 impressions, 2 clicks; unit b: 1 impression, 0 clicks; in steps.
  Count("t", "a", 1, 0);
  Count("t", "a", 2, 1);
  Count("t", "b", 1, 0);
  Count("t", "a", 0, 1);
  Count("c", "z", 4, 4);
  auto totals = store_->AllTotals();
  ASSERT_TRUE(totals.ok()) << totals.status();
  const VariantTotals& t = totals->at({"exp", "t"});
  EXPECT_EQ(t.units, 2u);
  EXPECT_EQ(t.impressions, 4u);
  EXPECT_EQ(t.clicks, 2u);
  EXPECT_EQ(t.impressions_squared, 9u + 1u);
  EXPECT_EQ(t.clicks_squared, 4u);
  EXPECT_EQ(t.impressions_clicks, 6u);
  EXPECT_EQ(totals->at({"exp", "c"}).impressions_clicks, 16u);
  auto a = store_->FindUnit("exp", "t", "a", nullptr);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->impressions, 3u);
  EXPECT_EQ(a->clicks, 2u);
}

TEST_F(ExperimentStoreTest, ChangesOfOneUnitWithinABatchReadThroughIt) {
  StagedBatch batch(*db_);
  for (int i = 0; i < 3; ++i) {
    auto found = store_->FindUnit("exp", "t", "a", &batch);
    ASSERT_TRUE(found.ok());
    UnitCounts after = *found;
    ++after.impressions;
    store_->StageUnit(batch, "exp", "t", "a", *found, after);
  }
  store_->StageUnattributed(batch, "forged_token");
  store_->StageUnattributed(batch, "forged_token");
  ASSERT_TRUE(batch.Commit().ok());
  auto totals = store_->AllTotals();
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->at({"exp", "t"}).units, 1u);
  EXPECT_EQ(totals->at({"exp", "t"}).impressions_squared, 9u);
  EXPECT_EQ((*store_->Unattributed())["forged_token"], 2u);
}

}  // namespace
}  // namespace headliner
