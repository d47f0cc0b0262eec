#include "kafka/message_codec.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace headliner {

std::optional<WireFormat> FormatOfContentType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
  if (type == "application/json") return WireFormat::kJson;
  if (type == "application/x-protobuf" || type == "application/protobuf" ||
      type == "application/vnd.google.protobuf") {
    return WireFormat::kProtobuf;
  }
  return std::nullopt;
}

absl::StatusOr<WireFormat> ChooseFormat(const std::optional<std::string>& content_type,
                                        WireFormat topic_format) {
  if (!content_type || content_type->empty()) return topic_format;
  if (std::optional<WireFormat> f = FormatOfContentType(*content_type)) return *f;
  return absl::InvalidArgumentError(
      absl::StrCat("content-type \"", *content_type, "\" is neither JSON nor protobuf"));
}

absl::Status DecodeMessage(std::string_view payload, WireFormat format,
                           google::protobuf::Message& out) {
  out.Clear();
  if (format == WireFormat::kProtobuf) {
    if (!out.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a valid protobuf ", out.GetDescriptor()->full_name()));
    }
    return absl::OkStatus();
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(payload.data(), payload.size()), &out, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not valid JSON for ", out.GetDescriptor()->full_name(), ": ", status.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace headliner
