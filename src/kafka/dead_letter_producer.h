// Produces rejected messages to a dead-letter topic, unchanged, with why and where they came from
// in headers: `reason` (the counter label), `error` (for humans), `source-topic`,
// `source-partition`, `source-offset`. Delivery is at-least-once: the ingestor flushes before it
// commits the batch that skipped the messages, and a batch retried after a failed flush may
// dead-letter a message twice (consumers of the DLQ can dedupe on the source headers).
//
// Thread safety: used by the ingest thread only.
#ifndef HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_
#define HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

struct DeadLetter {
  std::string topic;  // dead-letter topic
  std::string key;
  std::string payload;
  std::string reason;
  std::string error;
  std::string source_topic;
  int32_t source_partition = 0;
  int64_t source_offset = 0;
};

class DeadLetterProducer {
 public:
  static absl::StatusOr<std::unique_ptr<DeadLetterProducer>> Create(
      const std::string& brokers, const std::map<std::string, std::string>& properties);

  // Queues one message. Fails only when the local queue refuses it.
  absl::Status Send(const DeadLetter& letter);
  // Waits until every queued message is delivered; Unavailable when some were not within
  // `timeout` or failed.
  absl::Status Flush(absl::Duration timeout);

 private:
  class DeliveryReports : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override {
      if (message.err() != RdKafka::ERR_NO_ERROR) failures.fetch_add(1);
    }
    std::atomic<uint64_t> failures{0};
  };

  DeadLetterProducer() = default;

  // Declared before the producer, which refers to it until destroyed.
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_
