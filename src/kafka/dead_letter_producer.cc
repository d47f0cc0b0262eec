#include "kafka/dead_letter_producer.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "kafka/kafka_client_config.h"

namespace headliner {

absl::StatusOr<std::unique_ptr<DeadLetterProducer>> DeadLetterProducer::Create(
    const std::string& brokers, const std::map<std::string, std::string>& properties) {
  std::unique_ptr<DeadLetterProducer> p(new DeadLetterProducer());
  ASSIGN_OR_RETURN(
      std::unique_ptr<RdKafka::Conf> conf,
      MakeKafkaConf(
          brokers,
          {{"enable.idempotence", "true"}, {"linger.ms", "5"}, {"message.timeout.ms", "30000"}},
          properties));
  std::string error;
  if (conf->set("dr_cb", &p->reports_, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  p->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (p->producer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("dead-letter producer: ", error));
  }
  return p;
}

absl::Status DeadLetterProducer::Send(const DeadLetter& letter) {
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  headers->add("reason", letter.reason);
  headers->add("error", letter.error);
  headers->add("source-topic", letter.source_topic);
  headers->add("source-partition", absl::StrCat(letter.source_partition));
  headers->add("source-offset", absl::StrCat(letter.source_offset));
  const RdKafka::ErrorCode err =
      producer_->produce(letter.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(letter.payload.data()), letter.payload.size(),
                         letter.key.empty() ? nullptr : letter.key.data(), letter.key.size(), 0,
                         headers.get(), nullptr);
  if (err == RdKafka::ERR_NO_ERROR) (void)headers.release();  // librdkafka owns them now
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("dead-letter produce to ", letter.topic, ": ", RdKafka::err2str(err)));
  }
  producer_->poll(0);
  return absl::OkStatus();
}

absl::Status DeadLetterProducer::Flush(absl::Duration timeout) {
  const uint64_t failures_before = reports_.failures.load();
  const RdKafka::ErrorCode flushed =
      producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (flushed != RdKafka::ERR_NO_ERROR || producer_->outq_len() > 0) {
    return absl::UnavailableError(absl::StrCat(producer_->outq_len(),
                                               " dead letters not delivered in time (",
                                               RdKafka::err2str(flushed), ")"));
  }
  if (reports_.failures.load() != failures_before) {
    return absl::UnavailableError("dead-letter delivery failed");
  }
  return absl::OkStatus();
}

}  // namespace headliner
