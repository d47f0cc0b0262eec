// A RocksDB write batch that can be read back before it is written. The ingest layer stages a
// whole micro-batch of events (and the Kafka offsets they came from) into one StagedBatch, and an
// event later in the batch must see what an earlier one staged (an article created and then
// clicked, a session clicked twice). Reads go to the batch first, then to the writer's cache of
// committed rows when the batch carries one (store/committed_row_cache.h), then to the database.
//
// Each key is written once per batch, with its latest value: a batch that updated a section's
// popularity a thousand times inserts it into the memtable once.
//
// Pipelining: a batch may be staged on top of another that is still being written (`in_flight`),
// so that one core stages while the other writes. Its reads then go to itself, then to the batch
// in flight, then on as above; a read of a counter the batch in flight changes waits for that
// write, since RocksDB's merge result is only known once it is written.
//
// Thread safety: one thread builds a batch and publishes it. Write() may run on another thread,
// while later batches read this one: both only read the staged rows.
#ifndef HEADLINER_STORE_STAGED_BATCH_H_
#define HEADLINER_STORE_STAGED_BATCH_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/committed_row_cache.h"
#include "store/database.h"

namespace headliner {

class StagedBatch {
 public:
  // `database` (and `rows`, when given) must outlive the batch. With `rows`, reads of the columns
  // it caches are served from it and it learns what the batch commits.
  explicit StagedBatch(Database& database, CommittedRowCache* rows = nullptr)
      : db_(database), rows_(rows) {}
  // A batch staged on top of `in_flight`, whose Write() is running and will set `written`.
  // `in_flight` must stay alive and unchanged until DetachInFlight() (or this batch's end).
  StagedBatch(Database& database, CommittedRowCache* rows, const StagedBatch* in_flight,
              std::shared_future<absl::Status> written)
      : db_(database), rows_(rows), in_flight_(in_flight), in_flight_written_(std::move(written)) {}

  StagedBatch(const StagedBatch&) = delete;
  StagedBatch& operator=(const StagedBatch&) = delete;

  void Put(Column c, absl::string_view key, absl::string_view value);
  void Delete(Column c, absl::string_view key);
  // Adds `delta` to a counter kept with the UInt64 add merge operator. Deltas to one key are
  // summed in memory and staged as a single merge at commit: a batch of thousands of events then
  // holds one operand per counter instead of thousands (each extra operand of a key makes every
  // later write of that key in the batch slower). Not visible to Get() before Commit().
  void Add(Column c, const std::string& key, int64_t delta);

  // The value as it will be once the batch is written (counters staged with Add excluded); an
  // empty optional when absent.
  absl::StatusOr<std::optional<std::string>> Get(Column c, absl::string_view key);

  // What this batch or the batch in flight writes to `key`, without reading further: null when
  // neither writes it (the committed value then holds), else the value staged (empty: deleted).
  // Counters (Add) are not seen. For readers that keep their own copy of committed state.
  const std::optional<std::string>* FindPending(Column c, absl::string_view key) const;

  // Runs `hook` once the batch is written, so that an in-memory mirror of a table (e.g. the
  // article metadata) changes only with its durable copy. Dropped if the write fails.
  void OnCommit(std::function<void()> hook) { on_commit_.push_back(std::move(hook)); }

  // Writes every staged change atomically, then updates the row cache and runs the OnCommit hooks
  // in order. The batch is empty afterwards, also when the write failed.
  absl::Status Commit();

  // Commit in two steps, for pipelining. Write() writes every staged change atomically and changes
  // nothing in memory (any thread). Then, on the thread that staged it: Publish() after a write
  // that succeeded (row cache, OnCommit hooks), or Discard() after one that failed or a batch that
  // is abandoned unwritten. Either leaves the batch empty.
  absl::Status Write() const;
  void Publish();
  void Discard();

  // The batch in flight is written and published (or abandoned): stop reading through it.
  void DetachInFlight() {
    in_flight_ = nullptr;
    in_flight_written_ = {};
  }

  // Number of keys written (each once) and counters changed.
  int size() const { return static_cast<int>(staged_count_ + counters_.size()); }
  Database& database() { return db_; }

 private:
  // Latest value of each key written, per column; empty: deleted.
  using Staged = absl::flat_hash_map<std::string, std::optional<std::string>>;

  void Stage(Column c, absl::string_view key, std::optional<std::string> value);
  // The staged value of `key`, or null when this batch does not write it.
  const std::optional<std::string>* FindStaged(Column c, absl::string_view key) const;
  bool HasCounter(Column c, absl::string_view key) const {
    // Most reads are of columns without counters: answered without building a key.
    if (!counter_columns_[static_cast<size_t>(c)]) return false;
    return counters_.contains(std::make_pair(c, std::string(key)));
  }

  Database& db_;
  CommittedRowCache* const rows_;  // null: every read that misses the batch goes to RocksDB
  const StagedBatch* in_flight_ = nullptr;  // being written meanwhile (pipelining), or null
  std::shared_future<absl::Status> in_flight_written_;
  std::array<Staged, static_cast<size_t>(Column::kCount)> staged_;
  size_t staged_count_ = 0;
  absl::flat_hash_map<std::pair<Column, std::string>, int64_t> counters_;
  std::bitset<static_cast<size_t>(Column::kCount)> counter_columns_;  // those counters_ has keys of
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
