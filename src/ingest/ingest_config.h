// Options of the apply path (src/ingest): event validation, the apply step's memory, click state
// and signals; the "validation", "apply", "clicks", "covisitation" and "behaviour" sections of the
// config.
#ifndef HEADLINER_INGEST_INGEST_CONFIG_H_
#define HEADLINER_INGEST_INGEST_CONFIG_H_

#include "absl/time/time.h"
#include "common/option_table.h"

namespace headliner {

// Which event times are plausible (event_validator). Every event time (an article's published_at
// and updated_at, a click's occurred_at) must lie in [earliest_year, now + max_future_skew];
// others are rejected ("future_time", "ancient_time"), counted and dead-lettered. A clock far
// ahead would otherwise pin an article at the top of every freshness ranking, and a click dated
// in 2198 would move its article's popularity reference there.
struct ValidationConfig {
  absl::Duration max_future_skew = absl::Hours(1);
  int earliest_year = 1990;
};

// The apply step itself (event_applier).
struct ApplyConfig {
  // Memory for the rows the apply step read or wrote last (store/committed_row_cache.h): sessions,
  // click activity, trending lists, co-visitation weights and partner lists, the external id map.
  // 0: every read goes to RocksDB.
  int hot_rows_mib = 64;
  // The Kafka ingestor stages each micro-batch while the one before is being written (on a second
  // thread), instead of after it: the write of one batch overlaps the staging of the next. Both
  // are applied exactly once either way; off, each batch is written before the next is staged.
  bool pipelined_writes = true;
  // The nice value of the thread writing a pipelined batch (common/background_thread.h). Under
  // load it yields to requests, and the apply thread then waits for it instead of staging more:
  // ingestion takes what requests leave. 0: it competes with them as an equal.
  int write_nice = 5;
};

// Click state (click_applier, popularity_signal).
struct ClicksConfig {
  // A session keeps at most this many recent clicks...
  int session_max_clicks = 50;
  // ...and starts afresh after this long without a click.
  absl::Duration session_idle_timeout = absl::Minutes(30);
  // A click whose event_id was seen within this window is a duplicate and ignored.
  absl::Duration dedup_window = absl::Hours(24);
  // Half-life of article and section popularity.
  absl::Duration popularity_half_life = absl::Hours(6);
  // Length of each section's trending list.
  int trending_per_section = 100;
};

// Co-visitation (covisitation_signal): articles read in one session.
struct CoVisitationConfig {
  // A click is paired with the session's earlier clicks at most this long before it...
  absl::Duration window = absl::Minutes(30);
  // ...each pair weighing 2^(-gap / gap_half_life).
  absl::Duration gap_half_life = absl::Minutes(10);
  // Partners per article (the heaviest), which ranking sees...
  int max_partners = 50;
  // ...among the partners each article's row tracks (Space-Saving, store/covisitation_store.h).
  // The margin lets a rising partner keep its weight while others come and go: with only the 50
  // served tracked, the next-click harness lost 1-5% of story P@10; with 200 it is unchanged.
  // At least max_partners.
  int tracked_partners = 200;
  // Pair weights age with this half-life, and so do the click counts they are normalised by
  // (Activity::aged_clicks): this morning's pairs outweigh last month's.
  absl::Duration half_life = absl::Hours(24 * 7);
};

// Behaviour embeddings (behaviour_embedding_signal): streaming item2vec, i.e. skip-gram with
// negative sampling over each session's clicks, one SGD step per click.
struct BehaviourConfig {
  // false: no behaviour vectors are learnt (and the behaviour index stays empty).
  bool enabled = true;
  // A click is trained against the session's distinct earlier clicks at most this long before it,
  // the `context_clicks` most recent of them.
  absl::Duration window = absl::Minutes(30);
  int context_clicks = 5;
  // Negative samples per pair, drawn from the last `negative_pool` clicks.
  int negatives = 5;
  int negative_pool = 10000;
  double learning_rate = 0.025;
  // Length of the behaviour vectors, at most the content encoder's (encoder.dimension); 0: the
  // encoder's. Every click's SGD steps, the vectors it reads and writes and the behaviour index
  // cost in proportion to it; at 64 the next-click harness's served hybrid scores as at 384
  // (BENCHMARKS.md). A data dir keeps the dimension it was built with (another is refused at
  // start).
  int dimension = 64;
  // Articles whose vectors the apply step keeps in memory (BehaviourVectorCache), the most
  // recently used: 8 bytes a dimension each (two float vectors), about 55 MB at dimension 64.
  // 0: every read goes to RocksDB.
  int vector_cache_size = 100000;
};

// Declare the keys of each struct under "validation", "apply", "clicks", "covisitation" and
// "behaviour".
void DeclareValidationOptions(ValidationConfig& config, OptionTable& table);
void DeclareApplyOptions(ApplyConfig& config, OptionTable& table);
void DeclareClicksOptions(ClicksConfig& config, OptionTable& table);
void DeclareCoVisitationOptions(CoVisitationConfig& config, OptionTable& table);
void DeclareBehaviourOptions(BehaviourConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_INGEST_INGEST_CONFIG_H_
