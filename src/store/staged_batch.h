// A RocksDB write batch that can be read back before it is written. The ingest layer stages a
// whole micro-batch of events (and the Kafka offsets they came from) into one StagedBatch, and an
// event later in the batch must see what an earlier one staged (an article created and then
// clicked, a session clicked twice). Reads go to the batch first, then to the database.
//
// Not thread-safe: one writer builds a batch, then commits it.
#ifndef HEADLINER_STORE_STAGED_BATCH_H_
#define HEADLINER_STORE_STAGED_BATCH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "store/database.h"

namespace headliner {

class StagedBatch {
 public:
  // `database` must outlive the batch.
  explicit StagedBatch(Database& database)
      : db_(database), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

  void Put(Column c, const rocksdb::Slice& key, const rocksdb::Slice& value);
  void Merge(Column c, const rocksdb::Slice& key, const rocksdb::Slice& value);
  void Delete(Column c, const rocksdb::Slice& key);
  // Adds `delta` to a counter kept with the UInt64 add merge operator. Deltas to one key are
  // summed in memory and staged as a single merge at commit: a batch of thousands of events then
  // holds one operand per counter instead of thousands (each extra operand of a key makes every
  // later write of that key in the batch slower). Not visible to Get() before Commit().
  void Add(Column c, const std::string& key, int64_t delta);

  // The value as it will be once the batch is written (merge operands included); an empty
  // optional when absent.
  absl::StatusOr<std::optional<std::string>> Get(Column c, const rocksdb::Slice& key);

  // Runs `hook` once the batch is written, so that an in-memory mirror of a table (e.g. the
  // article metadata) changes only with its durable copy. Dropped if the write fails.
  void OnCommit(std::function<void()> hook) { on_commit_.push_back(std::move(hook)); }

  // Writes every staged change atomically, then runs the OnCommit hooks in order. The batch is
  // empty afterwards.
  absl::Status Commit();

  // Number of staged operations.
  int size() { return batch_.GetWriteBatch()->Count() + static_cast<int>(counters_.size()); }
  Database& database() { return db_; }

 private:
  Database& db_;
  rocksdb::WriteBatchWithIndex batch_;
  absl::flat_hash_map<std::pair<Column, std::string>, int64_t> counters_;
  std::vector<std::function<void()>> on_commit_;
};

// Reads `key` as the writer will see it (through `pending`) or, without a batch, as committed.
inline absl::StatusOr<std::optional<std::string>> ReadThrough(Database& database,
                                                              StagedBatch* pending, Column c,
                                                              const std::string& key) {
  return pending != nullptr ? pending->Get(c, key) : database.Get(c, key);
}

}  // namespace headliner

#endif  // HEADLINER_STORE_STAGED_BATCH_H_
