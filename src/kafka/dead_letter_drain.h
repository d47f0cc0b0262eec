// Moves dead letters from the outbox (RocksDB, staged with the batch that rejected them) to their
// dead-letter topics, on the ingest thread, without ever holding up ingestion:
//  - each waiting letter is produced once at a time (a letter in flight is not sent again);
//  - a letter the topic or the client refuses as too large is produced again as a reference
//    (headers only: source topic, partition, offset, reason);
//  - a delivered letter is removed from the outbox and counted in one write, so the counts match
//    the topics; a failed one stays and is retried after a backoff while ingestion goes on;
//  - on the first pump after a start with letters waiting, the tails of their dead-letter topics
//    are read back and letters already there (delivered just before a crash, not yet recorded)
//    are recorded instead of produced twice.
//
// Thread safety: none; owned and called by the ingest thread.
#ifndef HEADLINER_KAFKA_DEAD_LETTER_DRAIN_H_
#define HEADLINER_KAFKA_DEAD_LETTER_DRAIN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/event_applier.h"
#include "kafka/dead_letter_producer.h"
#include "kafka/kafka_config.h"

namespace headliner {

class DeadLetterDrain {
 public:
  using ErrorSink = std::function<void(const std::string&)>;

  // `config` and `applier` must outlive the drain; `on_error` receives failures for Stats.
  static absl::StatusOr<std::unique_ptr<DeadLetterDrain>> Create(const KafkaConfig& config,
                                                                 const std::string& brokers,
                                                                 EventApplier& applier,
                                                                 ErrorSink on_error);

  // New letters were staged: look at the outbox on the next Pump.
  void Wake() { next_scan_ = absl::InfinitePast(); }
  // Records finished deliveries and hands waiting letters to the producer. Does not wait for the
  // broker (except for the read-back after a start with letters waiting).
  void Pump(absl::Time now);
  // Shutdown: waits up to `timeout` for letters in flight and records them.
  void Finish(absl::Duration timeout);

 private:
  struct InFlight {
    store::DeadLetterRecord record;
    bool as_reference = false;
  };

  DeadLetterDrain(const KafkaConfig& config, std::string brokers, EventApplier& applier,
                  ErrorSink on_error)
      : config_(config),
        brokers_(std::move(brokers)),
        applier_(applier),
        on_error_(std::move(on_error)) {}

  // Sends `record`, as a reference when it is refused whole as too large. False on a failure.
  bool Send(store::DeadLetterRecord record, bool as_reference);
  void OnReports(const std::vector<DeadLetterProducer::Report>& reports, absl::Time now);
  // Writes `recorded_` to the outbox; kept for the next pump on failure.
  void Record();
  // Finds which of `pending` are already on their topics (see the header comment).
  void Reconcile(const std::vector<store::DeadLetterRecord>& pending);
  void Fail(const std::string& error, absl::Time now);

  const KafkaConfig& config_;
  const std::string brokers_;
  EventApplier& applier_;
  const ErrorSink on_error_;
  std::unique_ptr<DeadLetterProducer> producer_;

  uint64_t next_ticket_ = 1;
  std::map<uint64_t, InFlight> in_flight_;  // by ticket
  std::set<std::string> in_flight_ids_;     // DeadLetterId of each letter in flight
  std::vector<DeliveredLetter> recorded_;   // delivered, not yet removed from the outbox
  absl::Time next_scan_ = absl::InfinitePast();
  bool reconciled_ = false;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_DEAD_LETTER_DRAIN_H_
