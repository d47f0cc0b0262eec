// Turns one Kafka message of the `articles`, `clicks` or `impressions` topic into an IngestEvent,
// and reads librdkafka's statistics. Decoding never fails: a message that does not decode becomes
// an UndecodableEvent, which the apply step counts and dead-letters like any invalid event.
#ifndef HEADLINER_KAFKA_KAFKA_MESSAGE_H_
#define HEADLINER_KAFKA_KAFKA_MESSAGE_H_

#include <optional>
#include <string>

#include "ingest/ingest_event.h"
#include "kafka/kafka_config.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

// The value of the last header `name`, or nullopt when the message has none.
std::optional<std::string> HeaderValue(RdKafka::Message& message, const char* name);

// `topic_format` applies unless the message has a content-type header; a content type that is
// neither JSON nor protobuf makes the message undecodable ("unknown_content_type"). On the articles
// topic a null value is a compaction tombstone: a deletion of the article named by the key, at the
// message's timestamp.
enum class TopicKind { kArticles, kClicks, kImpressions };
IngestEvent DecodeKafkaMessage(RdKafka::Message& message, TopicKind topic, WireFormat topic_format);

// Whether librdkafka's statistics JSON (statistics.interval.ms) shows a broker connection up.
// Bootstrap entries (nodeid -1) do not count.
bool AnyBrokerUp(const std::string& statistics_json);

}  // namespace headliner

#endif  // HEADLINER_KAFKA_KAFKA_MESSAGE_H_
