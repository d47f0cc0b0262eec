// What one micro-batch of events accumulates before it is committed: the RocksDB writes (readable
// by later events of the same batch), the index changes to make once the writes are durable, and
// how to undo in-memory changes if the batch is abandoned.
//
// Owned by EventApplier from staging until the batch is published or abandoned; only its
// `writes` are read by the thread that writes them (pipelining).
#ifndef HEADLINER_INGEST_APPLY_CONTEXT_H_
#define HEADLINER_INGEST_APPLY_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "ingest/event_validator.h"
#include "store/staged_batch.h"

namespace headliner {

// Which vector index a change is for.
enum class IndexKind { kContent, kBehaviour };

// One change of a vector index; an empty vector removes the id.
struct IndexChange {
  uint64_t dense_id = 0;
  std::vector<float> vector;
  IndexKind index = IndexKind::kContent;
};

// How one event ended.
struct EventOutcome {
  enum class Kind { kApplied, kIgnored, kRejected };
  Kind kind = Kind::kApplied;
  // The article the event concerned, when known.
  uint64_t dense_id = 0;
  // Rejected: a stable label used as a counter key ("bad_time", "unknown_article", ...).
  // Ignored: why ("stale_version", "duplicate_event").
  std::string reason;
  // For humans; names the field.
  std::string message;

  static EventOutcome Applied(uint64_t dense_id) { return {Kind::kApplied, dense_id, "", ""}; }
  static EventOutcome Ignored(uint64_t dense_id, std::string why) {
    return {Kind::kIgnored, dense_id, std::move(why), ""};
  }
  static EventOutcome Rejected(std::string reason, std::string message) {
    return {Kind::kRejected, 0, std::move(reason), std::move(message)};
  }
};

struct ApplyContext {
  // `hot_rows` (may be null) is the apply step's cache of committed rows; the writes read
  // through it.
  // With `in_flight`, the batch is staged while that one is being written (StagedBatch's
  // pipelining constructor; `written` becomes ready with its write).
  ApplyContext(Database& database, CommittedRowCache* hot_rows, const TimeBounds& time_bounds,
               const StagedBatch* in_flight = nullptr,
               std::shared_future<absl::Status> written = {})
      : writes(database, hot_rows, in_flight, std::move(written)), time_bounds(time_bounds) {}

  StagedBatch writes;
  // The event times accepted, fixed once per batch (one clock reading, not one per event).
  const TimeBounds time_bounds;
  // Applied in order after the writes commit (the index is derived state).
  std::vector<IndexChange> index_changes;
  // Articles whose co-visitation partners changed (reported after the commit, with the index
  // changes, as ChangedArticles).
  std::vector<uint64_t> partners_changed;
  // Run in reverse order when the batch is abandoned instead of committed.
  std::vector<std::function<void()>> undo;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_APPLY_CONTEXT_H_
