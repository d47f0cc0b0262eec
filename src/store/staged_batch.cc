#include "store/staged_batch.h"

#include <memory>

#include "common/status_macros.h"
#include "store/uint64_add_operator.h"

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

void StagedBatch::Add(Column c, const std::string& key, int64_t delta) {
  counters_[{c, key}] += delta;
}

absl::StatusOr<std::optional<std::string>> StagedBatch::Get(Column c, const rocksdb::Slice& key) {
  std::string value;
  rocksdb::Status s =
      batch_.GetFromBatchAndDB(&db_.db(), rocksdb::ReadOptions(), db_.handle(c), key, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "staged read");
  return value;
}

absl::Status StagedBatch::Commit() {
  // Only the latest write of each key goes to RocksDB: a batch that updated a section's
  // popularity a thousand times inserts it into the memtable once. (The index keeps one entry per
  // key for puts and deletes because it was built with overwrite_key; merges keep all of theirs.)
  rocksdb::WriteBatch coalesced;
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c) {
    rocksdb::ColumnFamilyHandle* handle = db_.handle(static_cast<Column>(c));
    std::unique_ptr<rocksdb::WBWIIterator> it(batch_.NewIterator(handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::WriteEntry e = it->Entry();
      switch (e.type) {
        case rocksdb::kPutRecord:
          (void)coalesced.Put(handle, e.key, e.value);
          break;
        case rocksdb::kDeleteRecord:
        case rocksdb::kSingleDeleteRecord:
          (void)coalesced.Delete(handle, e.key);
          break;
        case rocksdb::kMergeRecord:
          (void)coalesced.Merge(handle, e.key, e.value);
          break;
        default:
          break;
      }
    }
  }
  for (const auto& [column_key, delta] : counters_) {
    if (delta == 0) continue;
    (void)coalesced.Merge(db_.handle(column_key.first), column_key.second, UInt64AddOperand(delta));
  }
  counters_.clear();
  batch_.Clear();
  std::vector<std::function<void()>> hooks = std::move(on_commit_);
  on_commit_.clear();
  RETURN_IF_ERROR(db_.Write(coalesced));
  for (std::function<void()>& hook : hooks) hook();
  return absl::OkStatus();
}

}  // namespace headliner
