#include "kafka/kafka_message.h"

#include "common/time_util.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "kafka/message_codec.h"

namespace headliner {

std::optional<std::string> HeaderValue(RdKafka::Message& message, const char* name) {
  RdKafka::Headers* headers = message.headers();
  if (headers == nullptr) return std::nullopt;
  RdKafka::Headers::Header h = headers->get_last(name);
  if (h.err() != RdKafka::ERR_NO_ERROR) return std::nullopt;
  if (h.value() == nullptr) return std::string();
  return std::string(static_cast<const char*>(h.value()), h.value_size());
}

IngestEvent DecodeKafkaMessage(RdKafka::Message& message, TopicKind topic,
                               WireFormat topic_format) {
  const bool articles_topic = topic == TopicKind::kArticles;
  if (articles_topic && message.payload() == nullptr) {
    v1::Article tombstone;
    tombstone.set_id(message.key() != nullptr ? *message.key() : "");
    tombstone.set_deleted(true);
    const RdKafka::MessageTimestamp ts = message.timestamp();
    *tombstone.mutable_updated_at() =
        ToProtoTimestamp(ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE
                             ? absl::FromUnixMillis(ts.timestamp)
                             : absl::Now());
    return tombstone;
  }
  const std::string_view payload(static_cast<const char*>(message.payload()), message.len());
  const char* source = articles_topic                     ? "articles"
                       : topic == TopicKind::kImpressions ? "impressions"
                                                          : "clicks";
  const absl::StatusOr<WireFormat> chosen =
      ChooseFormat(HeaderValue(message, kContentTypeHeader), topic_format);
  if (!chosen.ok()) {
    return UndecodableEvent{source, "unknown_content_type", std::string(chosen.status().message())};
  }
  const WireFormat format = *chosen;
  absl::Status decoded;
  IngestEvent event;
  if (articles_topic) {
    v1::Article article;
    decoded = DecodeMessage(payload, format, article);
    event = std::move(article);
  } else if (topic == TopicKind::kImpressions) {
    v1::ImpressionEvent impression;
    decoded = DecodeMessage(payload, format, impression);
    event = std::move(impression);
  } else {
    v1::ClickEvent click;
    decoded = DecodeMessage(payload, format, click);
    event = std::move(click);
  }
  if (decoded.ok()) return event;
  return UndecodableEvent{source, "undecodable", decoded.ToString()};
}

bool AnyBrokerUp(const std::string& statistics_json) {
  google::protobuf::Struct stats;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(statistics_json, &stats, options).ok()) {
    return false;
  }
  auto brokers = stats.fields().find("brokers");
  if (brokers == stats.fields().end()) return false;
  for (const auto& [name, broker] : brokers->second.struct_value().fields()) {
    const auto& f = broker.struct_value().fields();
    auto nodeid = f.find("nodeid");
    auto state = f.find("state");
    if (nodeid != f.end() && nodeid->second.number_value() >= 0 && state != f.end() &&
        state->second.string_value() == "UP") {
      return true;
    }
  }
  return false;
}

}  // namespace headliner
