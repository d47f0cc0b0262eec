// Publishes the Engine (and the Kafka ingestor feeding it) to the gRPC services once the engine is
// open (indexes restored). The server listens before that, so health checks answer NOT_SERVING
// while a large catalog loads; until the engine is published the services answer UNAVAILABLE.
//
// HeadlinerServer is the one writer; every RPC reads. Both are immutable snapshots swapped
// atomically: an RPC holds the shared_ptr it loaded for its whole call, so an engine replaced
// while it runs (reopened writable once a full disk has room again) stays alive until the last
// such call returns.
#ifndef HEADLINER_SERVE_SERVING_STATE_H_
#define HEADLINER_SERVE_SERVING_STATE_H_

#include <atomic>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "kafka/impression_publisher.h"
#include "kafka/kafka_ingestor.h"

namespace headliner {

class ServingState {
 public:
  ServingState() : started_(absl::Now()) {}

  // Null until published, and again once withdrawn at shutdown.
  std::shared_ptr<Engine> engine() const { return engine_.load(std::memory_order_acquire); }
  // Null when ingestion is off.
  std::shared_ptr<const KafkaIngestor> ingestor() const {
    return ingestor_.load(std::memory_order_acquire);
  }

  // Null when exposures are not published (no Kafka, or no impressions topic).
  std::shared_ptr<ImpressionPublisher> impressions() const {
    return impressions_.load(std::memory_order_acquire);
  }
  void SetImpressions(std::shared_ptr<ImpressionPublisher> impressions) {
    impressions_.store(std::move(impressions), std::memory_order_release);
  }

  void Publish(std::shared_ptr<Engine> engine, std::shared_ptr<const KafkaIngestor> ingestor) {
    ingestor_.store(std::move(ingestor), std::memory_order_release);
    engine_.store(std::move(engine), std::memory_order_release);
  }
  void Withdraw() {
    engine_.store(nullptr, std::memory_order_release);
    ingestor_.store(nullptr, std::memory_order_release);
    impressions_.store(nullptr, std::memory_order_release);
  }

  absl::Duration uptime() const { return absl::Now() - started_; }

 private:
  std::atomic<std::shared_ptr<Engine>> engine_;
  std::atomic<std::shared_ptr<const KafkaIngestor>> ingestor_;
  std::atomic<std::shared_ptr<ImpressionPublisher>> impressions_;
  const absl::Time started_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_SERVING_STATE_H_
