#include "store/database.h"

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
