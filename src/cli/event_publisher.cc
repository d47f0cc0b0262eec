#include "cli/event_publisher.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "kafka/kafka_client_config.h"
#include "kafka/message_codec.h"

namespace headliner {

void EventPublisher::Reports::dr_cb(RdKafka::Message& message) {
  if (message.err() == RdKafka::ERR_NO_ERROR) {
    delivered.fetch_add(1);
  } else {
    failed.fetch_add(1);
    last_error = message.errstr();
  }
}

absl::StatusOr<std::unique_ptr<EventPublisher>> EventPublisher::Create(
    const std::string& brokers, const std::map<std::string, std::string>& properties) {
  std::unique_ptr<EventPublisher> p(new EventPublisher());
  ASSIGN_OR_RETURN(p->producer_, MakeKafkaProducer(brokers,
                                                   {{"enable.idempotence", "true"},
                                                    {"linger.ms", "5"},
                                                    {"queue.buffering.max.messages", "200000"}},
                                                   properties, &p->reports_, "kafka producer"));
  return p;
}

EventPublisher::~EventPublisher() {
  if (producer_ == nullptr) return;
  if (const RdKafka::ErrorCode err = producer_->flush(5000); err != RdKafka::ERR_NO_ERROR) {
    std::fprintf(stderr, "publisher: %d messages not delivered at exit: %s\n",
                 producer_->outq_len(), RdKafka::err2str(err).c_str());
  }
}

absl::Status EventPublisher::Publish(const std::string& topic, const std::string& key,
                                     const std::string* payload, const std::string& content_type) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<RdKafka::Headers> headers;
    if (!content_type.empty()) {
      headers.reset(RdKafka::Headers::create());
      headers->add(kContentTypeHeader, content_type);
    }
    const RdKafka::ErrorCode err = producer_->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        payload != nullptr ? const_cast<char*>(payload->data()) : nullptr,
        payload != nullptr ? payload->size() : 0, key.empty() ? nullptr : key.data(), key.size(), 0,
        headers.get(), nullptr);
    if (err == RdKafka::ERR_NO_ERROR) {
      (void)headers.release();  // owned by librdkafka now
      producer_->poll(0);
      return absl::OkStatus();
    }
    if (err != RdKafka::ERR__QUEUE_FULL || attempt > 600) {
      return absl::UnavailableError(
          absl::StrCat("produce to ", topic, ": ", RdKafka::err2str(err)));
    }
    producer_->poll(100);  // let deliveries drain the queue
  }
}

absl::Status EventPublisher::Flush(absl::Duration timeout) {
  const RdKafka::ErrorCode flushed =
      producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (flushed != RdKafka::ERR_NO_ERROR || producer_->outq_len() > 0) {
    return absl::UnavailableError(absl::StrCat(producer_->outq_len(), " messages not delivered (",
                                               RdKafka::err2str(flushed), ")"));
  }
  if (failed() > 0) {
    return absl::UnavailableError(absl::StrCat(failed(), " messages failed: ", last_error()));
  }
  return absl::OkStatus();
}

}  // namespace headliner
