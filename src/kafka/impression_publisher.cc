#include "kafka/impression_publisher.h"

#include "absl/strings/str_cat.h"
#include "common/background_thread.h"
#include "common/status_macros.h"
#include "kafka/kafka_client_config.h"
#include "kafka/message_codec.h"

namespace headliner {

void ImpressionPublisher::DeliveryReports::dr_cb(RdKafka::Message& message) {
  if (message.err() == RdKafka::ERR_NO_ERROR) {
    delivered.fetch_add(1, std::memory_order_relaxed);
  } else {
    failed.fetch_add(1, std::memory_order_relaxed);
  }
}

absl::StatusOr<std::unique_ptr<ImpressionPublisher>> ImpressionPublisher::Start(
    const KafkaConfig& config, const std::string& brokers) {
  std::unique_ptr<ImpressionPublisher> p(new ImpressionPublisher(config.impressions_topic));
  const std::map<std::string, std::string> properties = ProducerProperties(config);
  ASSIGN_OR_RETURN(p->producer_,
                   MakeKafkaProducer(brokers,
                                     {{"enable.idempotence", "true"},
                                      {"linger.ms", "20"},
                                      {"message.timeout.ms", "60000"},
                                      {"queue.buffering.max.messages",
                                       absl::StrCat(config.impression_queue_max)}},
                                     properties, &p->reports_, "impressions producer"));
  p->thread_ = std::thread([raw = p.get()] { raw->Poll(); });
  return p;
}

ImpressionPublisher::~ImpressionPublisher() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (producer_ != nullptr) producer_->flush(5000);  // serves the last delivery reports too
}

void ImpressionPublisher::Poll() {
  SetCurrentThreadName("impressions");
  while (!stop_.load(std::memory_order_relaxed)) producer_->poll(100);
}

void ImpressionPublisher::Publish(const v1::ImpressionEvent& event) {
  const std::string payload = event.SerializeAsString();
  const std::string& key = event.session_id().empty() ? event.user_id() : event.session_id();
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  headers->add(kContentTypeHeader, kProtobufContentType);
  const RdKafka::ErrorCode err =
      producer_->produce(topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(payload.data()), payload.size(), key.data(), key.size(),
                         0, headers.get(), nullptr);
  if (err != RdKafka::ERR_NO_ERROR) {  // a full queue: dropped, never waited for
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  (void)headers.release();  // librdkafka owns them now
  published_.fetch_add(1, std::memory_order_relaxed);
}

ImpressionPublisherStats ImpressionPublisher::Stats() const {
  return {published_.load(), reports_.delivered.load(), dropped_.load(), reports_.failed.load()};
}

}  // namespace headliner
