// Reports the messages of a batch that the apply step rejected: a log line each (at most ten per
// ten seconds), and the message itself on its source topic's dead-letter topic, when one is
// configured. The ingestor calls it before the batch commits, so a rejected message's offset is
// never stored before its dead letter is delivered.
//
// Thread safety: none; owned by the ingest thread.
#ifndef HEADLINER_KAFKA_REJECT_REPORTER_H_
#define HEADLINER_KAFKA_REJECT_REPORTER_H_

#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/apply_context.h"
#include "kafka/dead_letter_producer.h"
#include "kafka/kafka_config.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

class RejectReporter {
 public:
  // Creates the dead-letter producer when either dead-letter topic is set. `config` must outlive
  // the reporter.
  static absl::StatusOr<std::unique_ptr<RejectReporter>> Create(const KafkaConfig& config,
                                                                const std::string& brokers);

  // `messages[i]` is the message whose outcome is `outcomes[i]`. Returns once every dead letter is
  // delivered; Unavailable when one could not be (the batch must then not commit).
  absl::Status Report(std::span<const std::unique_ptr<RdKafka::Message>> messages,
                      std::span<const EventOutcome> outcomes);

  // Whether rejected messages are dead-lettered (else only counted and logged).
  bool dead_lettering() const { return producer_ != nullptr; }

 private:
  explicit RejectReporter(const KafkaConfig& config) : config_(config) {}

  // Whether another log line fits in the current ten-second window.
  bool MayLog();

  const KafkaConfig& config_;
  std::unique_ptr<DeadLetterProducer> producer_;  // null when dead-lettering is off
  absl::Time log_window_ = absl::InfinitePast();
  int logged_in_window_ = 0;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_REJECT_REPORTER_H_
