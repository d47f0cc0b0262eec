// Checks article and click events before anything is stored. Every event source (Admin RPC, bulk
// loader, Kafka) goes through it via the appliers.
#ifndef HEADLINER_INGEST_EVENT_VALIDATOR_H_
#define HEADLINER_INGEST_EVENT_VALIDATOR_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"
#include "headliner/v1/limits.h"
#include "ingest/ingest_config.h"

namespace headliner {

// Why an event was rejected: `reason` is a short stable label used as a counter key
// ("missing_id", "oversized_field", "bad_time", "bad_embedding", ...); `message` is for humans
// and names the field.
struct Rejection {
  std::string reason;
  std::string message;
};

// The event times accepted, inclusive: times after `latest` are "future_time", before `earliest`
// "ancient_time".
struct TimeBounds {
  absl::Time earliest = absl::InfinitePast();
  absl::Time latest = absl::InfiniteFuture();

  // The bounds `config` sets at wall-clock time `now`.
  static TimeBounds At(absl::Time now, const ValidationConfig& config);
};

// Returns the first problem found, or nullopt for a valid article. A tombstone (deleted = true)
// needs only an id and a time.
std::optional<Rejection> ValidateArticle(const v1::Article& article, int embedding_dimension,
                                         const TimeBounds& bounds);

// Returns the first problem of a click, or nullopt. Whether its article exists is checked when it
// is applied.
std::optional<Rejection> ValidateClick(const v1::ClickEvent& click, const TimeBounds& bounds);

}  // namespace headliner

#endif  // HEADLINER_INGEST_EVENT_VALIDATOR_H_
