// Decodes Kafka message payloads into Headliner's event messages: protobuf binary, or JSON in the
// protobuf JSON mapping of the same message (so a topic can be fed with kcat). The format comes
// from the message's `content-type` header when it has one, else from the topic's configured
// format.
#ifndef HEADLINER_KAFKA_MESSAGE_CODEC_H_
#define HEADLINER_KAFKA_MESSAGE_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "kafka/kafka_config.h"

namespace headliner {

inline constexpr char kContentTypeHeader[] = "content-type";
inline constexpr char kJsonContentType[] = "application/json";
inline constexpr char kProtobufContentType[] = "application/x-protobuf";

// The format named by a content-type header value ("application/json",
// "application/x-protobuf", "application/protobuf", with optional parameters); nullopt when it
// names neither.
std::optional<WireFormat> FormatOfContentType(std::string_view content_type);

// The format of one message: the topic's when the message has no content-type header (or an empty
// one), else the header's. InvalidArgument when the header names neither format: a payload of an
// unknown type is not guessed at.
absl::StatusOr<WireFormat> ChooseFormat(const std::optional<std::string>& content_type,
                                        WireFormat topic_format);

// Parses `payload` into `out`. InvalidArgument, with the parser's reason, when it does not decode.
// JSON must not contain fields unknown to the message (a typo must not pass silently).
absl::Status DecodeMessage(std::string_view payload, WireFormat format,
                           google::protobuf::Message& out);

}  // namespace headliner

#endif  // HEADLINER_KAFKA_MESSAGE_CODEC_H_
