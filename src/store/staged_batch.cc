#include "store/staged_batch.h"

namespace headliner {

void StagedBatch::Put(Column c, const rocksdb::Slice& key, const rocksdb::Slice& value) {
  (void)batch_.Put(db_.handle(c), key, value);
}

void StagedBatch::Merge(Column c, const rocksdb::Slice& key, const rocksdb::Slice& value) {
  (void)batch_.Merge(db_.handle(c), key, value);
}

void StagedBatch::Delete(Column c, const rocksdb::Slice& key) {
  (void)batch_.Delete(db_.handle(c), key);
}

absl::StatusOr<std::optional<std::string>> StagedBatch::Get(Column c,
                                                           const rocksdb::Slice& key) {
  std::string value;
  rocksdb::Status s =
      batch_.GetFromBatchAndDB(&db_.db(), rocksdb::ReadOptions(), db_.handle(c), key, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "staged read");
  return value;
}

absl::Status StagedBatch::Commit() {
  absl::Status s = db_.Write(*batch_.GetWriteBatch());
  batch_.Clear();
  return s;
}

}  // namespace headliner
