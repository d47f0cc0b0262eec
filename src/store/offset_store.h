// Consumed Kafka positions, kept in RocksDB next to the state they produced: the ingest layer
// stages the next offset of every partition a micro-batch covers into the same StagedBatch as the
// batch's state changes, so a crash either keeps both or neither. On start (and on every
// partition assignment) the consumer seeks to these offsets; Kafka's own committed offsets are
// only for lag tools.
#ifndef HEADLINER_STORE_OFFSET_STORE_H_
#define HEADLINER_STORE_OFFSET_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

using TopicPartition = std::pair<std::string, int32_t>;

class OffsetStore {
 public:
  // `database` must outlive the store. Thread-safe.
  explicit OffsetStore(Database& database) : db_(database) {}

  // The next offset to consume, or empty when nothing of the partition was ever applied.
  absl::StatusOr<std::optional<int64_t>> Find(const std::string& topic, int32_t partition) const;
  // Every stored position.
  absl::StatusOr<std::map<TopicPartition, int64_t>> All() const;

  void Stage(StagedBatch& batch, const std::string& topic, int32_t partition, int64_t next_offset);

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_OFFSET_STORE_H_
