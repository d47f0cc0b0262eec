#include "store/staged_batch.h"

#include <future>
#include <thread>

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

TEST_F(StagedBatchTest, CountersAreSummedAndAddedToTheStoredValueOnCommit) {
  StagedBatch first(*db_);
  first.Add(Column::kMeta, "n", 5);
  ASSERT_TRUE(first.Commit().ok());

  StagedBatch batch(*db_);
  batch.Add(Column::kMeta, "n", 2);
  batch.Add(Column::kMeta, "n", -1);
  EXPECT_EQ(batch.size(), 1);  // one merge operand for the key
  ASSERT_TRUE(batch.Commit().ok());
  auto n = db_->GetCounter(Column::kMeta, "n");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 6u);
}

TEST_F(StagedBatchTest, EachKeyIsWrittenOnceWithItsLatestValue) {
  StagedBatch batch(*db_);
  for (int i = 0; i < 100; ++i) batch.Put(Column::kActivity, "hot", std::to_string(i));
  batch.Put(Column::kActivity, "gone", "x");
  batch.Delete(Column::kActivity, "gone");
  EXPECT_EQ(batch.size(), 2);
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(Committed(Column::kActivity, "hot"), "99");
  EXPECT_FALSE(Committed(Column::kActivity, "gone").has_value());
}

TEST_F(StagedBatchTest, TheRowCacheServesReadsAndLearnsOnlyCommittedWrites) {
  StagedBatch setup(*db_);
  setup.Put(Column::kSessions, "stored", "v1");
  ASSERT_TRUE(setup.Commit().ok());

  CommittedRowCache rows(1 << 20, {Column::kSessions});
  {
    StagedBatch batch(*db_, &rows);
    EXPECT_EQ(*batch.Get(Column::kSessions, "stored"), "v1");           // a miss, read and cached
    EXPECT_FALSE(batch.Get(Column::kSessions, "absent")->has_value());  // cached as absent
    batch.Put(Column::kSessions, "stored", "abandoned");
    batch.Put(Column::kSessions, "absent", "abandoned");
  }  // never committed
  EXPECT_EQ(rows.stats().misses, 2u);
  // The cache still holds the committed values, and answers without RocksDB.
  ASSERT_NE(rows.Find(Column::kSessions, "stored"), nullptr);
  EXPECT_EQ(*rows.Find(Column::kSessions, "stored"), "v1");
  ASSERT_NE(rows.Find(Column::kSessions, "absent"), nullptr);
  EXPECT_FALSE(rows.Find(Column::kSessions, "absent")->has_value());

  StagedBatch batch(*db_, &rows);
  batch.Put(Column::kSessions, "stored", "v2");
  batch.Delete(Column::kSessions, "absent");
  batch.Put(Column::kSessions, "new", "n");
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ(*rows.Find(Column::kSessions, "stored"), "v2");
  EXPECT_FALSE(rows.Find(Column::kSessions, "absent")->has_value());
  EXPECT_EQ(*rows.Find(Column::kSessions, "new"), "n");
  EXPECT_EQ(Committed(Column::kSessions, "stored"), "v2");  // the cache mirrors RocksDB

  // A later batch reads the committed value from the cache.
  StagedBatch next(*db_, &rows);
  const uint64_t hits = rows.stats().hits;
  EXPECT_EQ(*next.Get(Column::kSessions, "new"), "n");
  EXPECT_EQ(rows.stats().hits, hits + 1);
}

TEST_F(StagedBatchTest, AFailedWriteLeavesTheRowCacheAsCommitted) {
  // A reserve larger than any disk makes every write fail before RocksDB sees it.
  DatabaseOptions options;
  options.min_free_bytes = uint64_t{1} << 62;
  testing::TempDir dir;
  auto db = Database::Open(dir.path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  CommittedRowCache rows(1 << 20, {Column::kSessions});
  StagedBatch batch(**db, &rows);
  EXPECT_FALSE(batch.Get(Column::kSessions, "k")->has_value());
  batch.Put(Column::kSessions, "k", "lost");
  EXPECT_FALSE(batch.Commit().ok());
  ASSERT_NE(rows.Find(Column::kSessions, "k"), nullptr);
  EXPECT_FALSE(rows.Find(Column::kSessions, "k")->has_value());
  EXPECT_EQ(batch.size(), 0);
}

// Pipelining: a batch staged while the one before is being written reads that one's rows, before
// they are in the cache or RocksDB, and the later batch's own rows first.
TEST_F(StagedBatchTest, ABatchStagedOnOneInFlightReadsItsRowsBeforeTheyAreWritten) {
  CommittedRowCache rows(1 << 20, {Column::kSessions});
  StagedBatch first(*db_, &rows);
  first.Put(Column::kSessions, "a", "from first");
  first.Put(Column::kSessions, "b", "from first");
  first.Delete(Column::kSessions, "gone");
  std::promise<absl::Status> write_done;
  StagedBatch second(*db_, &rows, &first, write_done.get_future().share());
  second.Put(Column::kSessions, "b", "from second");
  EXPECT_EQ(*second.Get(Column::kSessions, "a"), "from first");
  EXPECT_EQ(*second.Get(Column::kSessions, "b"), "from second");
  EXPECT_FALSE(second.Get(Column::kSessions, "gone")->has_value());
  EXPECT_FALSE(Committed(Column::kSessions, "a").has_value());  // nothing written yet

  ASSERT_TRUE(first.Write().ok());
  write_done.set_value(absl::OkStatus());
  EXPECT_EQ(Committed(Column::kSessions, "a"), "from first");
  EXPECT_EQ(rows.Find(Column::kSessions, "a"), nullptr);  // published only after the write
  first.Publish();
  EXPECT_EQ(*rows.Find(Column::kSessions, "a"), "from first");
  second.DetachInFlight();
  EXPECT_EQ(*second.Get(Column::kSessions, "a"), "from first");
  ASSERT_TRUE(second.Commit().ok());
  EXPECT_EQ(Committed(Column::kSessions, "b"), "from second");
}

// A counter's value is RocksDB's merge of the operands, so a read of one that the batch in flight
// changes waits for that write instead of returning the value before it.
TEST_F(StagedBatchTest, ReadingACounterTheBatchInFlightChangesWaitsForItsWrite) {
  StagedBatch seed(*db_);
  seed.Add(Column::kMeta, "count", 5);
  ASSERT_TRUE(seed.Commit().ok());
  StagedBatch first(*db_);
  first.Add(Column::kMeta, "count", 2);
  std::promise<absl::Status> write_done;
  StagedBatch second(*db_, nullptr, &first, write_done.get_future().share());
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    absl::Status s = first.Write();
    write_done.set_value(s);
  });
  auto v = second.Get(Column::kMeta, "count");
  writer.join();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*db_->GetCounter(Column::kMeta, "count"), 7u);
  EXPECT_EQ(*v, Committed(Column::kMeta, "count"));  // the merged value, not the one before
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
