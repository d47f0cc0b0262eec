// The single writer of Headliner's state. Every change (Kafka micro-batches, Admin RPCs, the bulk
// loader) goes through ApplyBatch, which stages each event with ArticleApplier or ClickApplier,
// adds the consumed Kafka positions, the rejection counters and the dead letters, writes it all as
// one RocksDB WriteBatch, and then updates the indexes (content and behaviour). A crash at any
// point leaves RocksDB either before or after the whole batch, and the index is rebuilt from
// RocksDB on start, so every event is applied exactly once.
//
// Pipelining (apply.pipelined_writes, for the Kafka ingestor): ApplyBatchPipelined stages a batch
// while the one before is still being written on a second thread, and publishes that one (row
// cache, in-memory mirrors, indexes, listener) only once it is durable. A batch is staged on
// top of the one in flight (store/staged_batch.h), and if that write fails, both are abandoned:
// nothing that was not written is ever published, and the caller consumes both again.
//
// Thread safety: every public method may be called from any thread; batches are serialised by
// `mu_`, which also guards the appliers' in-memory state (document frequencies) and the batch in
// flight. The write of the batch in flight runs on its own thread (std::async) and touches
// nothing but that batch's staged rows and RocksDB.
#ifndef HEADLINER_INGEST_EVENT_APPLIER_H_
#define HEADLINER_INGEST_EVENT_APPLIER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "common/mutex.h"
#include "encode/encoder_config.h"
#include "encode/sentence_encoder.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"
#include "index/vector_index.h"
#include "ingest/apply_context.h"
#include "ingest/article_applier.h"
#include "ingest/behaviour_embedding_signal.h"
#include "ingest/click_applier.h"
#include "ingest/impression_applier.h"
#include "ingest/ingest_config.h"
#include "ingest/ingest_event.h"
#include "store/changed_articles.h"
#include "store/committed_row_cache.h"
#include "store/tables.h"

namespace headliner {

// Called after staging and before the write, with one outcome per event: the dead letters to
// stage in the outbox with the batch (the Kafka ingestor's rejected messages). They are written
// atomically with the batch and delivered after it, so the batch never waits for a dead-letter
// topic. A non-OK status abandons the batch (nothing is written).
using DeadLettersFor = std::function<absl::StatusOr<std::vector<store::DeadLetterRecord>>(
    std::span<const EventOutcome>)>;

// A dead letter that reached its topic, and how.
struct DeliveredLetter {
  store::DeadLetterRecord record;
  DeliveredAs how = DeliveredAs::kWhole;
};

struct ArticleApplyResult {
  // False when the stored version was as new or newer, so nothing changed.
  bool applied = false;
  uint64_t dense_id = 0;
};

class EventApplier {
 public:
  // References must outlive the applier, which is their only writer. `model` is the sentence
  // model of encoder.kind minilm (null for the other kinds; it must outlive the applier); the
  // hashed encoder's document frequencies are loaded here. `content_index` holds content
  // vectors, `behaviour_index` behaviour vectors (same dimension). The options are copied.
  static absl::StatusOr<std::unique_ptr<EventApplier>> Create(
      Tables& tables, VectorIndex& content_index, VectorIndex& behaviour_index,
      const EncoderConfig& encoder, const SentenceEncoder* model,
      const ValidationConfig& validation, const ApplyConfig& apply, const ClicksConfig& clicks,
      const CoVisitationConfig& covisitation, const BehaviourConfig& behaviour,
      const std::string& token_key = "");

  ~EventApplier();

  // Applies `events` in order, and records `positions` and the dead letters `dead_letters`
  // returns, atomically. Returns one outcome per event; a non-OK status means nothing was written.
  // A pipelined batch in flight is finished first (FinishPipelined reports it).
  absl::StatusOr<std::vector<EventOutcome>> ApplyBatch(
      std::span<const IngestEvent> events, std::span<const PartitionPosition> positions = {},
      const DeadLettersFor& dead_letters = nullptr);

  // A pipelined batch whose write is over, named by the caller's tag.
  struct FinishedBatch {
    uint64_t tag = 0;
    // Its outcomes when it is durable and published. Otherwise it was abandoned, and so was every
    // batch staged after it.
    absl::StatusOr<std::vector<EventOutcome>> outcomes;
  };
  struct PipelinedResult {
    // Earlier batches finished during the call, in the order they were applied.
    std::vector<FinishedBatch> finished;
    // OK: this call's batch is staged and being written, and a later call (or FinishPipelined)
    // reports it; with apply.pipelined_writes off it is already in `finished`. Otherwise it was
    // not applied (nothing of it is written).
    absl::Status staged;
  };
  // As ApplyBatch, pipelined: stages the batch on top of the one in flight, waits for that one's
  // write and publishes it, then starts this one's write and returns. `events` and `positions`
  // need not outlive the call. Any failure reported means: finish the rest (FinishPipelined),
  // then consume again everything after the last durable batch.
  PipelinedResult ApplyBatchPipelined(std::span<const IngestEvent> events,
                                      std::span<const PartitionPosition> positions,
                                      const DeadLettersFor& dead_letters, uint64_t tag);
  // Finishes the batch in flight, if any: waiting for its write when `wait`, otherwise only if it
  // is already written. Returns every batch finished since the last report.
  std::vector<FinishedBatch> FinishPipelined(bool wait);
  bool HasBatchInFlight();

  // Up to `limit` dead letters waiting in the outbox (oldest source positions first).
  absl::StatusOr<std::vector<store::DeadLetterRecord>> PendingDeadLetters(size_t limit) const;
  // Removes delivered letters from the outbox and counts them, in one write.
  absl::Status RecordDeadLettersDelivered(std::span<const DeliveredLetter> delivered);

  // One-event conveniences for the Admin RPCs and loaders. A rejected event is InvalidArgument
  // (the message names the field).
  absl::StatusOr<ArticleApplyResult> ApplyArticle(const v1::Article& article);
  // Marks `article_id` deleted at `when` (or just after the stored version, if that is later).
  // NotFound when the article was never seen.
  absl::StatusOr<ArticleApplyResult> DeleteArticle(const std::string& article_id, absl::Time when);
  absl::StatusOr<EventOutcome> ApplyClick(const v1::ClickEvent& click);

  // Called after each committed batch with the articles it changed (on the applying thread,
  // before ApplyBatch returns; it must be quick). Set once, before the first batch.
  void SetChangeListener(std::function<void(const ChangedArticles&)> listener) {
    change_listener_ = std::move(listener);
  }

  // Loads every stored embedding into the content index, and the behaviour vectors of live
  // articles into the behaviour index (start-up).
  absl::Status RestoreIndex();

  // --- Index snapshots (index/index_snapshot.h) ---
  // Whether each batch that changes vectors records them in the index journal
  // (store/index_journal.h). On when snapshots are taken; set before the first batch.
  void set_journal_index_changes(bool on) { journal_index_changes_ = on; }
  // The journal position the indexes reflect: every batch up to it is in them.
  uint64_t IndexedPosition();
  // Brings indexes loaded from snapshots taken at `position` up to date: every article a
  // journal entry after `position` names gets its current vectors from the tables (or is
  // removed), exactly as RestoreIndex would have loaded it. Returns the number of entries
  // replayed; FailedPrecondition when the journal no longer reaches back to `position`.
  absl::StatusOr<uint64_t> CatchUpIndex(uint64_t position);
  // Drops the journal entries up to `position` (snapshots reflecting them are written).
  absl::Status TrimIndexJournal(uint64_t position);

  // The next offset of `topic`/`partition` recorded by the last batch that covered it, or empty
  // when none did: where a consumer resumes.
  absl::StatusOr<std::optional<int64_t>> StoredPosition(const std::string& topic,
                                                        int32_t partition) const;

  // Hits and misses of the behaviour signal's vector cache (all zero without the signal).
  VectorCacheStats BehaviourCacheStats();
  // Hits, misses and size of the cache of hot rows (sessions, activity, co-visitation, ...).
  RowCacheStats HotRowStats();

  // Source label of rejection counters ("articles", "clicks", "impressions").
  static const char* SourceOf(const IngestEvent& event);

 private:
  EventApplier(Tables& tables, VectorIndex& content_index, VectorIndex& behaviour_index,
               const ValidationConfig& validation, const ApplyConfig& apply,
               std::unique_ptr<ArticleApplier> article_applier,
               std::unique_ptr<ClickApplier> click_applier,
               std::unique_ptr<ImpressionApplier> impression_applier,
               const BehaviourEmbeddingSignal* behaviour_signal);

  // A batch staged and being written (pipelining).
  struct InFlight {
    uint64_t tag = 0;
    std::unique_ptr<ApplyContext> ctx;
    std::vector<EventOutcome> outcomes;
    std::shared_future<absl::Status> written;
    uint64_t journal_position = 0;  // its index journal entry's, or 0
  };

  absl::StatusOr<std::vector<EventOutcome>> ApplyBatchLocked(
      std::span<const IngestEvent> events, std::span<const PartitionPosition> positions,
      const DeadLettersFor& dead_letters) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stages every event, the positions, the dead letters and the index journal entry (after
  // `journal_after`, at `journal_position`) into `ctx`. On failure the caller abandons `ctx`.
  absl::Status StageLocked(std::span<const IngestEvent> events,
                           std::span<const PartitionPosition> positions,
                           const DeadLettersFor& dead_letters, uint64_t journal_after,
                           ApplyContext& ctx, std::vector<EventOutcome>& outcomes,
                           uint64_t& journal_position) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the staged writes and runs the undo steps, newest first.
  void Abandon(ApplyContext& ctx) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After the write: row cache and mirrors, then the indexes and the change listener.
  absl::Status PublishLocked(ApplyContext& ctx) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Publishes (or, if its write failed, abandons) the batch in flight, into finished_.
  void FinishInFlightLocked(bool wait) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<FinishedBatch> TakeFinishedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AppendFinishedLocked(std::vector<FinishedBatch>& to) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ApplyIndexChanges(std::vector<IndexChange>& changes);
  void ReportChanges(const ApplyContext& ctx) const;
  absl::Status RestoreBehaviourIndex();
  // Loads the current vectors of `id` into both indexes, as RestoreIndex would.
  absl::Status ReloadVectors(uint64_t id);

  Tables& tables_;
  VectorIndex& content_index_;
  VectorIndex& behaviour_index_;
  const ValidationConfig validation_;  // the time bounds of each batch

  std::function<void(const ChangedArticles&)> change_listener_;  // set before use
  bool journal_index_changes_ = false;                           // set before use

  const bool pipelined_writes_;
  const int write_nice_;                         // apply.write_nice
  std::atomic<bool> write_nice_failed_ = false;  // said once

  Mutex mu_;
  std::optional<InFlight> in_flight_ ABSL_GUARDED_BY(mu_);
  // Finished by a call other than the pipelined caller's, kept for its next call.
  std::vector<FinishedBatch> finished_ ABSL_GUARDED_BY(mu_);
  // The apply path's hot rows. Every batch that writes the columns it caches carries it, so it
  // stays current (the apply step is their only writer).
  CommittedRowCache hot_rows_ ABSL_GUARDED_BY(mu_);
  const std::unique_ptr<ArticleApplier> article_applier_ ABSL_PT_GUARDED_BY(mu_);
  const std::unique_ptr<ClickApplier> click_applier_ ABSL_PT_GUARDED_BY(mu_);
  const std::unique_ptr<ImpressionApplier> impression_applier_ ABSL_PT_GUARDED_BY(mu_);
  // Owned by click_applier_; null when behaviour.enabled is off.
  const BehaviourEmbeddingSignal* const behaviour_signal_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_EVENT_APPLIER_H_
