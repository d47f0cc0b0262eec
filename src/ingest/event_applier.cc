#include "ingest/event_applier.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "index/inner_product.h"
#include "ingest/behaviour_embedding_signal.h"
#include "ingest/covisitation_signal.h"
#include "ingest/experiment_click_signal.h"
#include "ingest/popularity_signal.h"

namespace headliner {

absl::StatusOr<std::unique_ptr<EventApplier>> EventApplier::Create(
    Tables& tables, VectorIndex& content_index, VectorIndex& behaviour_index,
    const EncoderConfig& encoder, const SentenceEncoder* model, const ValidationConfig& validation,
    const ApplyConfig& apply, const ClicksConfig& clicks, const CoVisitationConfig& covisitation,
    const BehaviourConfig& behaviour, const std::string& token_key) {
  ASSIGN_OR_RETURN(std::unique_ptr<ArticleApplier> article_applier,
                   ArticleApplier::Create(tables.articles(), content_index, encoder, model));
  auto click_applier = std::make_unique<ClickApplier>(tables.articles(), tables.clicks(), clicks);
  click_applier->AddSignal(
      std::make_unique<PopularitySignal>(tables.clicks(), clicks, covisitation.half_life));
  click_applier->AddSignal(
      std::make_unique<CoVisitationSignal>(tables.covisitation(), covisitation));
  const BehaviourEmbeddingSignal* behaviour_signal = nullptr;
  if (behaviour.enabled) {
    auto signal = std::make_unique<BehaviourEmbeddingSignal>(tables.behaviour(), tables.articles(),
                                                             behaviour, encoder.vector_dimension());
    behaviour_signal = signal.get();
    click_applier->AddSignal(std::move(signal));
  }
  click_applier->AddSignal(std::make_unique<ExperimentClickSignal>(
      tables.experiments(), tables.interleaving(), token_key));
  auto impression_applier = std::make_unique<ImpressionApplier>(tables.experiments(), token_key);
  return std::unique_ptr<EventApplier>(new EventApplier(
      tables, content_index, behaviour_index, validation, apply, std::move(article_applier),
      std::move(click_applier), std::move(impression_applier), behaviour_signal));
}

EventApplier::EventApplier(Tables& tables, VectorIndex& content_index, VectorIndex& behaviour_index,
                           const ValidationConfig& validation, const ApplyConfig& apply,
                           std::unique_ptr<ArticleApplier> article_applier,
                           std::unique_ptr<ClickApplier> click_applier,
                           std::unique_ptr<ImpressionApplier> impression_applier,
                           const BehaviourEmbeddingSignal* behaviour_signal)
    : tables_(tables),
      content_index_(content_index),
      behaviour_index_(behaviour_index),
      validation_(validation),
      // The columns only the apply step writes and reads per event. Not the catalog and
      // embeddings (read once per new article), the behaviour vectors (the signal keeps its own
      // cache of decoded vectors), click event ids (each read once, to find it is new), nor
      // counters (merge operands).
      pipelined_writes_(apply.pipelined_writes),
      write_nice_(apply.write_nice),
      hot_rows_(static_cast<size_t>(apply.hot_rows_mib) << 20,
                {Column::kIds, Column::kSessions, Column::kActivity, Column::kTrending,
                 Column::kPartners}),
      article_applier_(std::move(article_applier)),
      click_applier_(std::move(click_applier)),
      impression_applier_(std::move(impression_applier)),
      behaviour_signal_(behaviour_signal) {}

const char* EventApplier::SourceOf(const IngestEvent& event) {
  if (std::holds_alternative<v1::Article>(event)) return "articles";
  if (std::holds_alternative<v1::ClickEvent>(event)) return "clicks";
  if (std::holds_alternative<v1::ImpressionEvent>(event)) return "impressions";
  const std::string& source = std::get<UndecodableEvent>(event).source;
  return source == "articles" ? "articles" : source == "impressions" ? "impressions" : "clicks";
}

EventApplier::~EventApplier() {
  MutexLock lock(&mu_);
  FinishInFlightLocked(/*wait=*/true);  // its write may still be running: it uses our tables
}

absl::StatusOr<std::vector<EventOutcome>> EventApplier::ApplyBatch(
    std::span<const IngestEvent> events, std::span<const PartitionPosition> positions,
    const DeadLettersFor& dead_letters) {
  MutexLock lock(&mu_);
  return ApplyBatchLocked(events, positions, dead_letters);
}

absl::StatusOr<std::vector<EventOutcome>> EventApplier::ApplyBatchLocked(
    std::span<const IngestEvent> events, std::span<const PartitionPosition> positions,
    const DeadLettersFor& dead_letters) {
  // A batch in flight is finished first (its result kept for the pipelined caller), so that this
  // one is staged on committed state alone.
  FinishInFlightLocked(/*wait=*/true);
  ApplyContext ctx(tables_.database(), &hot_rows_, TimeBounds::At(absl::Now(), validation_));
  std::vector<EventOutcome> outcomes;
  uint64_t journal_position = 0;
  absl::Status status = StageLocked(events, positions, dead_letters, /*journal_after=*/0, ctx,
                                    outcomes, journal_position);
  if (status.ok() && ctx.writes.size() > 0) status = ctx.writes.Write();
  if (!status.ok()) {
    Abandon(ctx);
    return status;
  }
  RETURN_IF_ERROR(PublishLocked(ctx));
  return outcomes;
}

absl::Status EventApplier::StageLocked(std::span<const IngestEvent> events,
                                       std::span<const PartitionPosition> positions,
                                       const DeadLettersFor& dead_letters, uint64_t journal_after,
                                       ApplyContext& ctx, std::vector<EventOutcome>& outcomes,
                                       uint64_t& journal_position) {
  // New and changed headlines are encoded together, before any event is staged.
  RETURN_IF_ERROR(article_applier_->Prepare(events, ctx.time_bounds));
  outcomes.reserve(events.size());
  for (const IngestEvent& event : events) {
    absl::StatusOr<EventOutcome> outcome;
    if (const auto* article = std::get_if<v1::Article>(&event)) {
      outcome = article_applier_->Stage(*article, ctx);
    } else if (const auto* click = std::get_if<v1::ClickEvent>(&event)) {
      outcome = click_applier_->Stage(*click, ctx);
    } else if (const auto* impression = std::get_if<v1::ImpressionEvent>(&event)) {
      outcome = impression_applier_->Stage(*impression, ctx);
    } else {
      const auto& bad = std::get<UndecodableEvent>(event);
      outcome = EventOutcome::Rejected(bad.reason, bad.message);
    }
    if (!outcome.ok()) return outcome.status();
    if (outcome->kind == EventOutcome::Kind::kRejected) {
      tables_.rejections().Stage(ctx.writes, SourceOf(event), outcome->reason);
    }
    outcomes.push_back(*std::move(outcome));
  }
  RETURN_IF_ERROR(click_applier_->FinishBatch(ctx));
  for (const PartitionPosition& p : positions) {
    tables_.offsets().Stage(ctx.writes, p.topic, p.partition, p.next_offset);
  }
  if (dead_letters) {
    ASSIGN_OR_RETURN(std::vector<store::DeadLetterRecord> letters, dead_letters(outcomes));
    for (const store::DeadLetterRecord& letter : letters) {
      tables_.dead_letters().Stage(ctx.writes, letter);
    }
  }
  if (journal_index_changes_ && !ctx.index_changes.empty()) {
    IndexJournalEntry entry;
    for (const IndexChange& change : ctx.index_changes) {
      (change.index == IndexKind::kContent ? entry.content : entry.behaviour)
          .push_back(change.dense_id);
    }
    journal_position = tables_.index_journal().Stage(ctx.writes, entry, journal_after);
  }
  return absl::OkStatus();
}

void EventApplier::Abandon(ApplyContext& ctx) {
  ctx.writes.Discard();
  for (auto it = ctx.undo.rbegin(); it != ctx.undo.rend(); ++it) (*it)();
  ctx.undo.clear();
}

absl::Status EventApplier::PublishLocked(ApplyContext& ctx) {
  ctx.writes.Publish();
  RETURN_IF_ERROR(ApplyIndexChanges(ctx.index_changes));
  ReportChanges(ctx);
  return absl::OkStatus();
}

void EventApplier::ReportChanges(const ApplyContext& ctx) const {
  if (!change_listener_) return;
  ChangedArticles changed;
  changed.partners = ctx.partners_changed;
  for (const IndexChange& change : ctx.index_changes) {
    (change.index == IndexKind::kContent ? changed.content : changed.behaviour)
        .push_back(change.dense_id);
  }
  if (!changed.empty()) change_listener_(changed);
}

absl::StatusOr<std::vector<store::DeadLetterRecord>> EventApplier::PendingDeadLetters(
    size_t limit) const {
  return tables_.dead_letters().Pending(limit);
}

absl::Status EventApplier::RecordDeadLettersDelivered(std::span<const DeliveredLetter> delivered) {
  MutexLock lock(&mu_);
  FinishInFlightLocked(/*wait=*/true);
  StagedBatch batch(tables_.database(), &hot_rows_);
  for (const DeliveredLetter& d : delivered) {
    tables_.dead_letters().StageDelivered(batch, d.record, d.how);
  }
  return batch.size() > 0 ? batch.Commit() : absl::OkStatus();
}

absl::Status EventApplier::ApplyIndexChanges(std::vector<IndexChange>& changes) {
  for (IndexChange& change : changes) {
    if (change.index == IndexKind::kBehaviour) {
      // Only live articles are searchable: a deleted one can still be trained as the context of
      // a click that came before its deletion.
      if (content_index_.Contains(change.dense_id)) {
        RETURN_IF_ERROR(behaviour_index_.Upsert(change.dense_id, change.vector));
      }
    } else if (change.vector.empty()) {
      content_index_.Remove(change.dense_id);
      behaviour_index_.Remove(change.dense_id);
    } else {
      RETURN_IF_ERROR(content_index_.Upsert(change.dense_id, change.vector));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ArticleApplyResult> EventApplier::ApplyArticle(const v1::Article& article) {
  const IngestEvent event = article;
  ASSIGN_OR_RETURN(std::vector<EventOutcome> outcomes, ApplyBatch({&event, 1}));
  const EventOutcome& o = outcomes.front();
  if (o.kind == EventOutcome::Kind::kRejected) return absl::InvalidArgumentError(o.message);
  return ArticleApplyResult{o.kind == EventOutcome::Kind::kApplied, o.dense_id};
}

absl::StatusOr<ArticleApplyResult> EventApplier::DeleteArticle(const std::string& article_id,
                                                               absl::Time when) {
  MutexLock lock(&mu_);
  FinishInFlightLocked(/*wait=*/true);  // the stored version read below must be current
  ASSIGN_OR_RETURN(std::optional<StoredArticle> stored,
                   tables_.articles().FindByExternalId(article_id));
  if (!stored) return absl::NotFoundError(absl::StrCat("article ", article_id, " is unknown"));
  if (stored->article.deleted()) return ArticleApplyResult{false, stored->dense_id};
  v1::Article tombstone;
  tombstone.set_id(article_id);
  tombstone.set_deleted(true);
  const absl::Time after_stored = FromProto(stored->article.updated_at()) + absl::Microseconds(1);
  *tombstone.mutable_updated_at() = ToProtoTimestamp(std::max(when, after_stored));
  const IngestEvent event = tombstone;
  ASSIGN_OR_RETURN(std::vector<EventOutcome> outcomes, ApplyBatchLocked({&event, 1}, {}, nullptr));
  const EventOutcome& o = outcomes.front();
  if (o.kind == EventOutcome::Kind::kRejected) return absl::InvalidArgumentError(o.message);
  return ArticleApplyResult{o.kind == EventOutcome::Kind::kApplied, o.dense_id};
}

absl::StatusOr<EventOutcome> EventApplier::ApplyClick(const v1::ClickEvent& click) {
  const IngestEvent event = click;
  ASSIGN_OR_RETURN(std::vector<EventOutcome> outcomes, ApplyBatch({&event, 1}));
  return outcomes.front();
}

absl::Status EventApplier::RestoreIndex() {
  MutexLock lock(&mu_);
  RETURN_IF_ERROR(article_applier_->RestoreIndex());
  return RestoreBehaviourIndex();
}

absl::Status EventApplier::RestoreBehaviourIndex() {
  std::vector<uint64_t> ids;
  std::vector<float> vectors;
  const size_t dimension = static_cast<size_t>(behaviour_index_.dimension());
  RETURN_IF_ERROR(
      tables_.behaviour().ForEachInput([&](uint64_t id, std::vector<float> input) -> absl::Status {
        if (!content_index_.Contains(id)) return absl::OkStatus();  // deleted since
        if (input.size() != dimension) {
          return absl::FailedPreconditionError("behaviour vectors do not match encoder.dimension");
        }
        // The same normalisation as the live updates (BehaviourEmbeddingSignal::FinishBatch).
        NormalizeInPlace(input);
        vectors.insert(vectors.end(), input.begin(), input.end());
        ids.push_back(id);
        return absl::OkStatus();
      }));
  return behaviour_index_.Restore(ids, vectors);
}

VectorCacheStats EventApplier::BehaviourCacheStats() {
  MutexLock lock(&mu_);
  return behaviour_signal_ != nullptr ? behaviour_signal_->cache_stats() : VectorCacheStats{};
}

RowCacheStats EventApplier::HotRowStats() {
  MutexLock lock(&mu_);
  return hot_rows_.stats();
}

uint64_t EventApplier::IndexedPosition() {
  // Under mu_, the last committed batch has also updated the indexes.
  MutexLock lock(&mu_);
  return tables_.index_journal().last_position();
}

absl::StatusOr<uint64_t> EventApplier::CatchUpIndex(uint64_t position) {
  MutexLock lock(&mu_);
  absl::flat_hash_set<uint64_t> changed;
  uint64_t entries = 0;
  RETURN_IF_ERROR(tables_.index_journal().ForEachAfter(
      position, [&](uint64_t, const IndexJournalEntry& entry) -> absl::Status {
        changed.insert(entry.content.begin(), entry.content.end());
        changed.insert(entry.behaviour.begin(), entry.behaviour.end());
        ++entries;
        return absl::OkStatus();
      }));
  for (uint64_t id : changed) RETURN_IF_ERROR(ReloadVectors(id));
  return entries;
}

absl::Status EventApplier::ReloadVectors(uint64_t id) {
  ASSIGN_OR_RETURN(std::optional<std::vector<float>> embedding,
                   tables_.articles().FindEmbedding(id));
  if (!embedding) {
    content_index_.Remove(id);
    behaviour_index_.Remove(id);
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(content_index_.Upsert(id, *embedding));
  ASSIGN_OR_RETURN(std::optional<BehaviourVectors> behaviour, tables_.behaviour().Find(id));
  if (!behaviour || behaviour->input.empty()) {
    behaviour_index_.Remove(id);
    return absl::OkStatus();
  }
  NormalizeInPlace(behaviour->input);  // as RestoreBehaviourIndex
  return behaviour_index_.Upsert(id, behaviour->input);
}

absl::Status EventApplier::TrimIndexJournal(uint64_t position) {
  MutexLock lock(&mu_);
  FinishInFlightLocked(/*wait=*/true);
  StagedBatch batch(tables_.database(), &hot_rows_);
  RETURN_IF_ERROR(tables_.index_journal().StageTrim(batch, position));
  return batch.size() > 0 ? batch.Commit() : absl::OkStatus();
}

absl::StatusOr<std::optional<int64_t>> EventApplier::StoredPosition(const std::string& topic,
                                                                    int32_t partition) const {
  return tables_.offsets().Find(topic, partition);
}

}  // namespace headliner
