#include "store/database.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "store_fixture.h"

namespace headliner {
namespace {

class DatabaseTest : public testing::StoreFixture {};

TEST_F(DatabaseTest, EveryColumnFamilyIsOpen) {
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c) {
    EXPECT_NE(db_->handle(static_cast<Column>(c)), nullptr) << c;
  }
  EXPECT_EQ(db_->path(), dir_.path());
}

TEST_F(DatabaseTest, AWriteIsAtomicAcrossColumnFamiliesAndDurable) {
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(db_->handle(Column::kCatalog), "k", "article").ok());
  ASSERT_TRUE(batch.Put(db_->handle(Column::kOffsets), "k", "offset").ok());
  ASSERT_TRUE(db_->Write(batch).ok());
  Reopen();
  EXPECT_EQ(**db_->Get(Column::kCatalog, "k"), "article");
  EXPECT_EQ(**db_->Get(Column::kOffsets, "k"), "offset");
  // Column families are separate key spaces.
  EXPECT_FALSE(db_->Get(Column::kIds, "k")->has_value());
}

TEST_F(DatabaseTest, AMissingKeyIsAnEmptyOptionalNotAnError) {
  auto v = db_->Get(Column::kMeta, "absent");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->has_value());
}

TEST_F(DatabaseTest, CloseIsIdempotentAndTheDirectoryIsLockedWhileOpen) {
  auto second = Database::Open(dir_.path(), DatabaseOptions{});
  EXPECT_FALSE(second.ok());  // RocksDB's LOCK file: one process at a time
  EXPECT_TRUE(db_->Close().ok());
  EXPECT_TRUE(db_->Close().ok());
  auto reopened = Database::Open(dir_.path(), DatabaseOptions{});
  EXPECT_TRUE(reopened.ok()) << reopened.status();
}

// Bytes of the write-ahead log files under `dir`.
uint64_t WalBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") total += entry.file_size();
  }
  return total;
}

TEST_F(DatabaseTest, ACheckpointOpensAsTheStateAtThatPoint) {
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(db_->handle(Column::kCatalog), "k", "article").ok());
  ASSERT_TRUE(batch.Put(db_->handle(Column::kOffsets), "articles/0", "42").ok());
  ASSERT_TRUE(db_->Write(batch).ok());
  testing::TempDir parent;
  const std::string checkpoint = parent.path() + "/checkpoint";
  ASSERT_TRUE(db_->Checkpoint(checkpoint).ok());
  EXPECT_FALSE(db_->Checkpoint(checkpoint).ok());  // the directory exists now
  rocksdb::WriteBatch later;
  ASSERT_TRUE(later.Put(db_->handle(Column::kCatalog), "k", "newer").ok());
  ASSERT_TRUE(db_->Write(later).ok());

  auto copy = Database::Open(checkpoint, DatabaseOptions{});
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(**(*copy)->Get(Column::kCatalog, "k"), "article");
  EXPECT_EQ(**(*copy)->Get(Column::kOffsets, "articles/0"), "42");
  // Flushed first: the copy needs no write-ahead log to hold the state.
  EXPECT_EQ(WalBytes(checkpoint), 0u);
}

TEST(DatabaseWalTest, TheWriteAheadLogStaysBoundedWhenASmallColumnFamilyIsWrittenEveryBatch) {
  // The apply path's shape: every batch writes a few bytes to a small column family (offsets)
  // and a lot to a large one. The small one's memtable never fills, so without the bound it pins
  // every log file (1.7 GB of WAL after 1.5M clicks in the field).
  testing::TempDir dir;
  DatabaseOptions options;
  options.write_buffer_bytes = 1 << 20;
  options.max_wal_bytes = 4 << 20;
  auto db = Database::Open(dir.path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string value(4096, 'v');
  for (int batch = 0; batch < 400; ++batch) {  // ~40 MB
    rocksdb::WriteBatch b;
    ASSERT_TRUE(b.Put((*db)->handle(Column::kOffsets), "articles/0", std::to_string(batch)).ok());
    for (int i = 0; i < 25; ++i) {
      ASSERT_TRUE(
          b.Put((*db)->handle(Column::kSessions), absl::StrCat("s/", batch, "/", i), value).ok());
    }
    ASSERT_TRUE((*db)->Write(b).ok());
  }
  EXPECT_LT(WalBytes(dir.path()), 3 * options.max_wal_bytes) << "WAL bytes";
  // Nothing was lost by flushing early.
  ASSERT_TRUE((*db)->Close().ok());
  auto reopened = Database::Open(dir.path(), options);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(**(*reopened)->Get(Column::kOffsets, "articles/0"), "399");
  EXPECT_TRUE((*(*reopened)->Get(Column::kSessions, "s/0/0")).has_value());
}

TEST(DatabaseRowCacheTest, RowsReadFromTablesAreCachedAndANewerWriteIsNeverShadowed) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.row_cache_bytes = 1 << 20;
  auto db = Database::Open(dir.path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  Database& d = **db;
  auto put_and_flush = [&d](const std::string& value) {
    rocksdb::WriteBatch b;
    ASSERT_TRUE(b.Put(d.handle(Column::kCatalog), "k", value).ok());
    ASSERT_TRUE(d.Write(b).ok());
    ASSERT_TRUE(d.db().Flush(rocksdb::FlushOptions(), d.handle(Column::kCatalog)).ok());
  };
  put_and_flush("old");
  EXPECT_EQ(d.Memory().row_cache, 0u);
  EXPECT_EQ(**d.Get(Column::kCatalog, "k"), "old");
  EXPECT_GT(d.Memory().row_cache, 0u) << "a row read from a table file is kept";
  EXPECT_EQ(**d.Get(Column::kCatalog, "k"), "old");

  // A newer version in the memtable, then in a newer table file: both win over the cached row,
  // for Get and for MultiGet (the catalog's read of the shown articles).
  rocksdb::WriteBatch b;
  ASSERT_TRUE(b.Put(d.handle(Column::kCatalog), "k", "new").ok());
  ASSERT_TRUE(d.Write(b).ok());
  EXPECT_EQ(**d.Get(Column::kCatalog, "k"), "new");
  put_and_flush("newer");
  EXPECT_EQ(**d.Get(Column::kCatalog, "k"), "newer");
  rocksdb::Slice key("k");
  rocksdb::PinnableSlice value;
  rocksdb::Status status;
  d.db().MultiGet(rocksdb::ReadOptions(), d.handle(Column::kCatalog), 1, &key, &value, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(value.ToString(), "newer");
}

TEST(DatabaseRowCacheTest, WithoutARowCacheItsUsageIsZero) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.row_cache_bytes = 0;
  auto db = Database::Open(dir.path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->Memory().row_cache, 0u);
}

// The block cache counters come from RocksDB's statistics; without them they read zero, and reads
// work as before.
TEST(DatabaseStatisticsTest, BlockCacheCountersNeedStatistics) {
  for (const bool statistics : {true, false}) {
    SCOPED_TRACE(statistics);
    testing::TempDir dir;
    DatabaseOptions options;
    options.statistics = statistics;
    options.row_cache_bytes = 0;  // every read of a flushed row goes through the block cache
    auto db = Database::Open(dir.path(), options);
    ASSERT_TRUE(db.ok()) << db.status();
    Database& d = **db;
    rocksdb::WriteBatch b;
    ASSERT_TRUE(b.Put(d.handle(Column::kCatalog), "k", "v").ok());
    ASSERT_TRUE(d.Write(b).ok());
    ASSERT_TRUE(d.db().Flush(rocksdb::FlushOptions(), d.handle(Column::kCatalog)).ok());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(**d.Get(Column::kCatalog, "k"), "v");
    const DatabaseActivity a = d.Activity();
    EXPECT_EQ(a.block_cache_hits + a.block_cache_misses > 0, statistics);
  }
}

TEST_F(DatabaseTest, RocksStatusesMapToAbslCodes) {
  EXPECT_TRUE(FromRocks(rocksdb::Status::OK(), "x").ok());
  EXPECT_EQ(FromRocks(rocksdb::Status::NotFound(), "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FromRocks(rocksdb::Status::Corruption(), "x").code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError(), "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::InvalidArgument(), "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(FromRocks(rocksdb::Status::IOError("disk"), "writing").message().find("writing"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace headliner
