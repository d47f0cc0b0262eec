// What Stats reports about Kafka ingestion: the consumer's view of each partition, counters since
// start, and the state it is in, derived from them (DeriveState) so that what Stats says is true
// now: "joining" with lag unknown (-1) before any partition is assigned, not "lag 0".
#ifndef HEADLINER_KAFKA_INGEST_STATUS_H_
#define HEADLINER_KAFKA_INGEST_STATUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/histogram_counts.h"

namespace headliner {

struct PartitionStatus {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;      // next offset to apply
  int64_t high_watermark = -1;  // broker end offset when last seen, -1 if never
};

// What ingestion is doing now, from the consumer's point of view.
enum class IngestState {
  kDisconnected,   // no broker answered within the last few seconds
  kJoining,        // connected, no partitions assigned yet (group join or rebalance)
  kCatchingUp,     // assigned; some partition's end offset is unknown or ahead of what is applied
  kLive,           // every assigned partition applied up to its end offset
  kPausedStorage,  // the storage refuses writes (disk nearly full, or read-only); retried each
                   // second
};

const char* IngestStateName(IngestState state);

struct IngestStatus {
  std::string brokers;
  bool connected = false;
  IngestState state = IngestState::kDisconnected;
  // The latest client or apply error, until ingestion recovers from it (a batch applied, or
  // the brokers answering again); `last_error_at` keeps when it happened.
  std::string last_error;
  absl::Time last_error_at = absl::InfinitePast();
  std::vector<PartitionStatus> partitions;
  bool clicks_flowing = false;
  // Subscribed topics the brokers said do not exist, until partitions of them are assigned
  // (a topic created after the service started is picked up within kafka's metadata refresh).
  std::vector<std::string> missing_topics;
  uint64_t applied = 0;
  uint64_t ignored = 0;
  uint64_t rejected = 0;
  uint64_t batches = 0;
  // Offset commits sent to Kafka (for lag tools; at most one a second, kafka_ingestor.h).
  uint64_t offset_commits = 0;
  // Batches the storage refused (disk nearly full) since start; each is retried.
  uint64_t storage_refusals = 0;
  // Unknown (-1) while no partition is assigned or any assigned one has no known end offset.
  int64_t total_lag = -1;
  // Of the batches applied: events in each, and seconds from the start of staging to durable.
  HistogramCounts batch_events{{1, 10, 100, 500, 1000, 2000, 4000, 8000}};
  HistogramCounts batch_apply_seconds{{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
};

// Sets `status.state` and `status.total_lag` from its other fields; `storage_paused` when the
// last batch was refused by the storage.
void DeriveState(IngestStatus& status, bool storage_paused);

}  // namespace headliner

#endif  // HEADLINER_KAFKA_INGEST_STATUS_H_
