// Rejected Kafka messages waiting to be produced to their dead-letter topic (the outbox pattern).
// The apply path stages each rejected message here in the same batch as its rejection counter and
// the offsets that move past it, so the batch never waits for the dead-letter topic and a dead
// letter is never lost; the ingestor delivers the waiting letters afterwards and stages each
// delivered one's removal together with its count, so the counts match what reached the topics.
//
// Keys (meta column family): "outbox/" + source topic + NUL + big-endian partition and offset:
// one record per source message, so staging one again (a replayed batch) overwrites it.
//
// Thread-safe like the Database; one writer (the apply path) stages.
#ifndef HEADLINER_STORE_DEAD_LETTER_OUTBOX_H_
#define HEADLINER_STORE_DEAD_LETTER_OUTBOX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "headliner/store/dead_letter.pb.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

// How a dead letter reached its topic.
enum class DeliveredAs {
  kWhole,      // the payload as consumed
  kTruncated,  // the payload cut to kafka.dead_letter_max_bytes
  kReference,  // no payload: the topic refused it even cut (its source position is in headers)
};

struct DeadLetterCounts {
  uint64_t staged = 0;     // ever staged
  uint64_t delivered = 0;  // ever delivered, however
  uint64_t truncated = 0;  // of those, with a cut payload
  uint64_t reference = 0;  // of those, without a payload
  uint64_t pending() const { return staged - delivered; }
};

// "topic/partition@offset" of the source message: the identity of a dead letter.
std::string DeadLetterId(const store::DeadLetterRecord& record);

class DeadLetterOutbox {
 public:
  // `database` must outlive the outbox.
  explicit DeadLetterOutbox(Database& database) : db_(database) {}

  void Stage(StagedBatch& batch, const store::DeadLetterRecord& record);
  // Removes a delivered letter and counts it.
  void StageDelivered(StagedBatch& batch, const store::DeadLetterRecord& record, DeliveredAs how);

  // Up to `limit` waiting letters, ordered by source topic, partition and offset.
  absl::StatusOr<std::vector<store::DeadLetterRecord>> Pending(size_t limit) const;
  absl::StatusOr<DeadLetterCounts> Counts() const;

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_DEAD_LETTER_OUTBOX_H_
