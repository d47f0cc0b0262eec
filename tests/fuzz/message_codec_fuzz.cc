// libFuzzer target: Kafka payloads as the ingestor decodes and validates them. The first byte
// chooses the event type (article or click), the wire format (protobuf or JSON) and whether a
// content-type header is consulted; the rest is the payload.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"
#include "ingest/event_validator.h"
#include "kafka/message_codec.h"

namespace {

const char* const kContentTypes[] = {"application/json", "application/x-protobuf",
                                     "application/json; charset=utf-8", "text/xml", ""};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headliner;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const WireFormat topic_format = (mode & 1) ? WireFormat::kJson : WireFormat::kProtobuf;
  std::optional<std::string> header;
  if (mode & 4) header = kContentTypes[(mode >> 3) % 5];
  absl::StatusOr<WireFormat> format = ChooseFormat(header, topic_format);
  if (!format.ok()) return 0;
  const TimeBounds bounds = TimeBounds::At(absl::FromUnixSeconds(1800000000), ValidationConfig());
  if (mode & 2) {
    v1::ClickEvent click;
    if (DecodeMessage(payload, *format, click).ok()) (void)ValidateClick(click, bounds);
  } else {
    v1::Article article;
    if (DecodeMessage(payload, *format, article).ok()) {
      (void)ValidateArticle(article, /*embedding_dimension=*/8, bounds);
    }
  }
  return 0;
}
