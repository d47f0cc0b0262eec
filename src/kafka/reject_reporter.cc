#include "kafka/reject_reporter.h"

#include <cstdio>

#include "common/status_macros.h"

namespace headliner {
namespace {

constexpr int kMaxLogLinesPerWindow = 10;
constexpr absl::Duration kLogWindow = absl::Seconds(10);
constexpr absl::Duration kFlushTimeout = absl::Seconds(10);

}  // namespace

absl::StatusOr<std::unique_ptr<RejectReporter>> RejectReporter::Create(const KafkaConfig& config,
                                                                       const std::string& brokers) {
  std::unique_ptr<RejectReporter> r(new RejectReporter(config));
  if (!config.articles_dead_letter_topic.empty() || !config.clicks_dead_letter_topic.empty()) {
    ASSIGN_OR_RETURN(r->producer_, DeadLetterProducer::Create(brokers, config.properties));
  }
  return r;
}

bool RejectReporter::MayLog() {
  const absl::Time now = absl::Now();
  if (now - log_window_ > kLogWindow) {
    log_window_ = now;
    logged_in_window_ = 0;
  }
  return ++logged_in_window_ <= kMaxLogLinesPerWindow;
}

absl::Status RejectReporter::Report(std::span<const std::unique_ptr<RdKafka::Message>> messages,
                                    std::span<const EventOutcome> outcomes) {
  bool sent = false;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].kind != EventOutcome::Kind::kRejected) continue;
    RdKafka::Message& src = *messages[i];
    const std::string topic = src.topic_name();
    if (MayLog()) {
      std::fprintf(stderr, "rejected %s/%d@%lld: %s: %s\n", topic.c_str(), src.partition(),
                   static_cast<long long>(src.offset()), outcomes[i].reason.c_str(),
                   outcomes[i].message.c_str());
    }
    const std::string& dlq = topic == config_.articles_topic ? config_.articles_dead_letter_topic
                                                             : config_.clicks_dead_letter_topic;
    if (dlq.empty() || producer_ == nullptr) continue;
    std::string payload;
    if (src.payload() != nullptr) {
      payload.assign(static_cast<const char*>(src.payload()), src.len());
    }
    RETURN_IF_ERROR(
        producer_->Send({dlq, src.key() != nullptr ? *src.key() : "", payload, outcomes[i].reason,
                         outcomes[i].message, topic, src.partition(), src.offset()}));
    sent = true;
  }
  if (!sent) return absl::OkStatus();
  return producer_->Flush(kFlushTimeout);
}

}  // namespace headliner
