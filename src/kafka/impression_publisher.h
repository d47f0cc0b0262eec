// Publishes the exposures of experiment responses (impression.proto) to the impressions topic
// off the request's critical path: Publish serialises the event and hands it to librdkafka's
// local queue, which never blocks here; when the queue holds kafka.impression_queue_max events
// (the brokers are down or slow) the event is dropped and counted. A thread of its own
// ("impressions") serves delivery reports; an event the brokers did not take within the
// producer's message timeout is counted as failed. The producer is idempotent, so retries do not
// duplicate an event.
//
// Thread-safe: Publish and Stats from any thread.
#ifndef HEADLINER_KAFKA_IMPRESSION_PUBLISHER_H_
#define HEADLINER_KAFKA_IMPRESSION_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "headliner/v1/impression.pb.h"
#include "kafka/kafka_config.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

struct ImpressionPublisherStats {
  uint64_t published = 0;  // handed to the producer
  uint64_t delivered = 0;  // acknowledged by the brokers
  uint64_t dropped = 0;    // refused at once: the local queue was full, or too large
  uint64_t failed = 0;     // not delivered within the message timeout
};

class ImpressionPublisher {
 public:
  // Publishes to `config.impressions_topic` on `brokers` with the config's client properties.
  static absl::StatusOr<std::unique_ptr<ImpressionPublisher>> Start(const KafkaConfig& config,
                                                                    const std::string& brokers);
  // Gives queued events up to a few seconds to be delivered, then stops the thread.
  ~ImpressionPublisher();

  void Publish(const v1::ImpressionEvent& event);
  ImpressionPublisherStats Stats() const;

 private:
  class DeliveryReports : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override;
    std::atomic<uint64_t> delivered{0};
    std::atomic<uint64_t> failed{0};
  };

  explicit ImpressionPublisher(std::string topic) : topic_(std::move(topic)) {}
  void Poll();

  const std::string topic_;
  DeliveryReports reports_;  // declared before the producer, which refers to it
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_IMPRESSION_PUBLISHER_H_
