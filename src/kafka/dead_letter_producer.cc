#include "kafka/dead_letter_producer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "kafka/kafka_client_config.h"

namespace headliner {

void DeadLetterProducer::DeliveryReports::dr_cb(RdKafka::Message& message) {
  finished.push_back({reinterpret_cast<uint64_t>(message.msg_opaque()), message.err()});
}

absl::StatusOr<std::unique_ptr<DeadLetterProducer>> DeadLetterProducer::Create(
    const std::string& brokers, const std::map<std::string, std::string>& properties) {
  std::unique_ptr<DeadLetterProducer> p(new DeadLetterProducer());
  ASSIGN_OR_RETURN(
      p->producer_,
      MakeKafkaProducer(
          brokers,
          {{"enable.idempotence", "true"}, {"linger.ms", "5"}, {"message.timeout.ms", "30000"}},
          properties, &p->reports_, "dead-letter producer"));
  return p;
}

RdKafka::ErrorCode DeadLetterProducer::Send(const store::DeadLetterRecord& record,
                                            bool as_reference, uint64_t ticket) {
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  headers->add("reason", record.reason());
  headers->add("error", record.error());
  headers->add("source-topic", record.source_topic());
  headers->add("source-partition", absl::StrCat(record.source_partition()));
  headers->add("source-offset", absl::StrCat(record.source_offset()));
  const bool whole = !as_reference && record.payload().size() >= record.original_bytes();
  headers->add("payload", as_reference ? "omitted" : whole ? "whole" : "truncated");
  if (!whole) headers->add("original-bytes", absl::StrCat(record.original_bytes()));
  const std::string& payload = record.payload();
  const std::string& key = record.key();
  const RdKafka::ErrorCode err = producer_->produce(
      record.topic(), RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      as_reference ? nullptr : const_cast<char*>(payload.data()), as_reference ? 0 : payload.size(),
      key.empty() ? nullptr : key.data(), key.size(), 0, headers.get(),
      reinterpret_cast<void*>(ticket));
  if (err == RdKafka::ERR_NO_ERROR) (void)headers.release();  // librdkafka owns them now
  return err;
}

std::vector<DeadLetterProducer::Report> DeadLetterProducer::Poll() {
  producer_->poll(0);
  return std::exchange(reports_.finished, {});
}

std::vector<DeadLetterProducer::Report> DeadLetterProducer::Flush(int timeout_ms) {
  (void)producer_->flush(timeout_ms);  // what is still queued is reported by Poll, or never
  return Poll();
}

}  // namespace headliner
