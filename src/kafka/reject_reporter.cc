#include "kafka/reject_reporter.h"

#include <algorithm>
#include <cstdio>

#include "common/log.h"

namespace headliner {
std::vector<store::DeadLetterRecord> RejectReporter::Report(
    std::span<const std::unique_ptr<RdKafka::Message>> messages,
    std::span<const EventOutcome> outcomes, absl::Time now) {
  std::vector<store::DeadLetterRecord> letters;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].kind != EventOutcome::Kind::kRejected) continue;
    const RdKafka::Message& src = *messages[i];
    const std::string topic = src.topic_name();
    uint64_t dropped = 0;
    if (log_limiter_.Admit(now, &dropped)) {
      if (dropped > 0) {
        LogWarning("kafka", "(%llu rejections not logged by the rate limit)",
                   static_cast<unsigned long long>(dropped));
      }
      LogWarning("kafka", "rejected %s/%d@%lld: %s: %s", topic, src.partition(),
                 static_cast<long long>(src.offset()), outcomes[i].reason, outcomes[i].message);
    }
    // Impressions are the service's own output: a rejected one is counted, not dead-lettered.
    const std::string dlq = topic == config_.articles_topic ? config_.articles_dead_letter_topic
                            : topic == config_.clicks_topic ? config_.clicks_dead_letter_topic
                                                            : std::string();
    if (dlq.empty()) continue;
    store::DeadLetterRecord& letter = letters.emplace_back();
    letter.set_topic(dlq);
    if (src.key() != nullptr) letter.set_key(*src.key());
    const size_t kept = std::min(src.len(), static_cast<size_t>(config_.dead_letter_max_bytes));
    if (src.payload() != nullptr) {
      letter.set_payload(static_cast<const char*>(src.payload()), kept);
    }
    letter.set_original_bytes(src.len());
    letter.set_reason(outcomes[i].reason);
    letter.set_error(outcomes[i].message);
    letter.set_source_topic(topic);
    letter.set_source_partition(src.partition());
    letter.set_source_offset(src.offset());
    letter.set_staged_at_ms(absl::ToUnixMillis(now));
  }
  return letters;
}

}  // namespace headliner
