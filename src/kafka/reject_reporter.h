// Reports the messages of a batch that the apply step rejected: a log line each (at most ten per
// ten seconds), and a dead letter for its source topic's dead-letter topic, when one is
// configured. The dead letters are staged in the outbox with the batch (EventApplier) and
// delivered after it (DeadLetterDrain), so a dead-letter topic never holds up ingestion.
//
// Thread safety: none; owned by the ingest thread.
#ifndef HEADLINER_KAFKA_REJECT_REPORTER_H_
#define HEADLINER_KAFKA_REJECT_REPORTER_H_

#include <memory>
#include <span>
#include <vector>

#include "absl/time/time.h"
#include "common/log_limiter.h"
#include "headliner/store/dead_letter.pb.h"
#include "ingest/apply_context.h"
#include "kafka/kafka_config.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

class RejectReporter {
 public:
  // `config` must outlive the reporter.
  explicit RejectReporter(const KafkaConfig& config)
      : config_(config), log_limiter_(10, absl::Seconds(10)) {}

  // `messages[i]` is the message whose outcome is `outcomes[i]`. Logs the rejected ones and
  // returns their dead letters, payloads cut to kafka.dead_letter_max_bytes.
  std::vector<store::DeadLetterRecord> Report(
      std::span<const std::unique_ptr<RdKafka::Message>> messages,
      std::span<const EventOutcome> outcomes, absl::Time now);

 private:
  const KafkaConfig& config_;
  LogLimiter log_limiter_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_REJECT_REPORTER_H_
