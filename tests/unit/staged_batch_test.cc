#include "store/staged_batch.h"

#include "gtest/gtest.h"
#include "store/keys.h"
#include "store/uint64_add_operator.h"
#include "test_util.h"

namespace headliner {
namespace {

class StagedBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.path(), DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  std::optional<std::string> Committed(Column c, const std::string& key) {
    auto v = db_->Get(c, key);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : std::nullopt;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(StagedBatchTest, ReadsSeeStagedWritesBeforeCommit) {
  StagedBatch batch(*db_);
  batch.Put(Column::kSessions, "s", "one");
  auto v = batch.Get(Column::kSessions, "s");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "one");
  EXPECT_FALSE(Committed(Column::kSessions, "s").has_value());  // not written yet

  batch.Delete(Column::kSessions, "s");
  EXPECT_FALSE(batch.Get(Column::kSessions, "s")->has_value());
  batch.Put(Column::kSessions, "s", "two");
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(Committed(Column::kSessions, "s"), "two");
  EXPECT_EQ(batch.size(), 0);
}

TEST_F(StagedBatchTest, MergeOperandsInTheBatchCombineWithTheDatabase) {
  StagedBatch first(*db_);
  first.Merge(Column::kMeta, "n", UInt64AddOperand(5));
  ASSERT_TRUE(first.Commit().ok());

  StagedBatch batch(*db_);
  batch.Merge(Column::kMeta, "n", UInt64AddOperand(2));
  batch.Merge(Column::kMeta, "n", UInt64AddOperand(-1));
  auto v = batch.Get(Column::kMeta, "n");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(DecodeU64(**v), 6u);
}

TEST_F(StagedBatchTest, ReadsFallThroughToTheDatabase) {
  StagedBatch first(*db_);
  first.Put(Column::kOffsets, "k", "stored");
  ASSERT_TRUE(first.Commit().ok());
  StagedBatch batch(*db_);
  EXPECT_EQ(*batch.Get(Column::kOffsets, "k"), "stored");
  EXPECT_FALSE(batch.Get(Column::kOffsets, "other")->has_value());
}

}  // namespace
}  // namespace headliner
