// Publishes events to Kafka for tools and tests (`headliner-cli produce`, the ingest tests): an
// idempotent librdkafka producer that counts deliveries. Articles are keyed by article id (the
// compacted topic keeps the latest version of each); clicks by session, so one reader's clicks
// stay in order within a partition.
//
// Not thread-safe: one caller.
#ifndef HEADLINER_CLI_EVENT_PUBLISHER_H_
#define HEADLINER_CLI_EVENT_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

class EventPublisher {
 public:
  static absl::StatusOr<std::unique_ptr<EventPublisher>> Create(
      const std::string& brokers, const std::map<std::string, std::string>& properties = {});
  ~EventPublisher();

  // Queues one message (waiting for queue space if needed). An empty `content_type` sends no
  // header. A null `payload` is a compaction tombstone.
  absl::Status Publish(const std::string& topic, const std::string& key, const std::string* payload,
                       const std::string& content_type = "");
  // Waits for every queued message; Unavailable if some were not delivered.
  absl::Status Flush(absl::Duration timeout);

  uint64_t delivered() const { return reports_.delivered.load(); }
  uint64_t failed() const { return reports_.failed.load(); }
  const std::string& last_error() const { return reports_.last_error; }

 private:
  struct Reports : public RdKafka::DeliveryReportCb {
    void dr_cb(RdKafka::Message& message) override;
    std::atomic<uint64_t> delivered{0};
    std::atomic<uint64_t> failed{0};
    std::string last_error;  // written from poll(), which runs on the caller's thread
  };

  EventPublisher() = default;

  Reports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace headliner

#endif  // HEADLINER_CLI_EVENT_PUBLISHER_H_
