// What the apply path consumes: one event of a batch, and the consumed position a batch records.
// Small on purpose: a transport (src/kafka) decodes messages into these without including the
// apply path.
#ifndef HEADLINER_INGEST_INGEST_EVENT_H_
#define HEADLINER_INGEST_INGEST_EVENT_H_

#include <cstdint>
#include <string>
#include <variant>

#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"
#include "headliner/v1/impression.pb.h"

namespace headliner {

// A message that could not be decoded; it is counted (under `source`/`reason`) with its batch.
struct UndecodableEvent {
  std::string source;  // "articles", "clicks" or "impressions"
  std::string reason;
  std::string message;
};

// One event of a batch.
using IngestEvent =
    std::variant<v1::Article, v1::ClickEvent, v1::ImpressionEvent, UndecodableEvent>;

// The next offset to consume of a partition, recorded with the batch that reached it.
struct PartitionPosition {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_INGEST_EVENT_H_
