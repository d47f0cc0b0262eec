// Produces dead letters to their topics without waiting: `Send` queues one, `Poll` serves the
// delivery reports and returns the sends that finished since the last call, each with its ticket.
//
// A dead letter carries the rejected message's key and payload (cut or omitted, see below), and
// why and where it came from in headers: `reason` (the counter label), `error` (for humans),
// `source-topic`, `source-partition`, `source-offset`, and `payload` ("whole", "truncated" or
// "omitted") with `original-bytes` when it is not whole. Consumers of a dead-letter topic can
// identify a letter by its source headers.
//
// Thread safety: used by the ingest thread only (delivery reports run inside Poll).
#ifndef HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_
#define HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "headliner/store/dead_letter.pb.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

class DeadLetterProducer {
 public:
  // How one send ended.
  struct Report {
    uint64_t ticket = 0;
    RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  };

  static absl::StatusOr<std::unique_ptr<DeadLetterProducer>> Create(
      const std::string& brokers, const std::map<std::string, std::string>& properties);

  // Queues `record`, without its payload when `as_reference`. Returns the error when the client
  // refuses it at once (e.g. MSG_SIZE_TOO_LARGE over message.max.bytes, a full local queue);
  // otherwise its outcome comes from a later Poll under `ticket`.
  RdKafka::ErrorCode Send(const store::DeadLetterRecord& record, bool as_reference,
                          uint64_t ticket);
  // Serves delivery reports; never blocks.
  std::vector<Report> Poll();
  // Waits up to `timeout_ms` for queued letters to be delivered (shutdown), then polls.
  std::vector<Report> Flush(int timeout_ms);

 private:
  class DeliveryReports : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override;
    std::vector<Report> finished;
  };

  DeadLetterProducer() = default;

  // Declared before the producer, which refers to it until destroyed.
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_DEAD_LETTER_PRODUCER_H_
