// KafkaIngestor, continued: taking messages into micro-batches and applying them, pipelined
// (EventApplier::ApplyBatchPipelined). A batch moves from `batch` (being filled) to `in_flight_`
// (staged, being written) to durable (RecordDurable: its offsets become where the partitions
// resume). All of it runs on the ingest thread.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kafka/kafka_ingestor.h"
#include "kafka/kafka_message.h"

namespace headliner {
namespace {

constexpr absl::Duration kRetryBackoff = absl::Seconds(1);

}  // namespace

int64_t KafkaIngestor::ExpectedOffset(const PartitionId& tp, const Batch& pending) const {
  if (auto it = pending.next.find(tp); it != pending.next.end()) return it->second;
  for (auto b = in_flight_.rbegin(); b != in_flight_.rend(); ++b) {
    if (auto it = b->next.find(tp); it != b->next.end()) return it->second;
  }
  auto durable = next_offset_.find(tp);
  return durable != next_offset_.end() ? durable->second : 0;
}

void KafkaIngestor::Add(std::unique_ptr<RdKafka::Message> message, Batch& batch) {
  const PartitionId tp{message->topic_name(), message->partition()};
  if (!next_offset_.contains(tp)) return;  // not ours (any more)
  const int64_t offset = message->offset();
  if (offset < ExpectedOffset(tp, batch)) return;  // applied, in flight, or in this batch

  if (batch.empty()) batch.started = absl::Now();
  if (IsArticles(tp.first)) {
    batch.events.push_back(
        DecodeKafkaMessage(*message, TopicKind::kArticles, config_.articles_format));
  } else if (tp.first == config_.clicks_topic) {
    batch.events.push_back(DecodeKafkaMessage(*message, TopicKind::kClicks, config_.clicks_format));
  } else {  // the service's own impressions: protobuf unless a header says otherwise
    batch.events.push_back(
        DecodeKafkaMessage(*message, TopicKind::kImpressions, WireFormat::kProtobuf));
  }
  batch.sources.push_back(std::move(message));
  batch.first.emplace(tp, offset);
  batch.next[tp] = offset + 1;
}

void KafkaIngestor::Apply(Batch& batch) {
  if (backlog_started_ == absl::InfinitePast()) backlog_started_ = absl::Now();
  std::vector<PartitionPosition> positions;
  for (const auto& [tp, next] : batch.next) {
    positions.push_back({OffsetTopic(tp.first), tp.second, next});
  }
  batch.tag = ++next_tag_;
  batch.applying = absl::Now();
  EventApplier::PipelinedResult result = applier_.ApplyBatchPipelined(
      batch.events, positions,
      [&](std::span<const EventOutcome> o) -> absl::StatusOr<std::vector<store::DeadLetterRecord>> {
        return rejects_.Report(batch.sources, o, absl::Now());
      },
      batch.tag);
  in_flight_.push_back(std::move(batch));
  batch.Clear();
  absl::Status why = result.staged;
  const bool recorded = Record(std::move(result.finished), why);
  if (!recorded || !result.staged.ok()) RewindNotDurable(why);
}

void KafkaIngestor::FinishInFlight(bool wait) {
  if (in_flight_.empty()) return;
  absl::Status why;
  if (!Record(applier_.FinishPipelined(wait), why)) RewindNotDurable(why);
}

bool KafkaIngestor::Record(std::vector<EventApplier::FinishedBatch> finished, absl::Status& why) {
  for (EventApplier::FinishedBatch& f : finished) {
    // Reported in the order applied; a batch the applier does not know of was never ours.
    while (!in_flight_.empty() && in_flight_.front().tag < f.tag) in_flight_.pop_front();
    if (in_flight_.empty() || in_flight_.front().tag != f.tag) continue;
    if (!f.outcomes.ok()) {
      why = f.outcomes.status();
      return false;  // it and everything after it were abandoned
    }
    RecordDurable(in_flight_.front(), *f.outcomes);
    in_flight_.pop_front();
  }
  return true;
}

void KafkaIngestor::RecordDurable(const Batch& batch, const std::vector<EventOutcome>& outcomes) {
  uint64_t applied = 0, ignored = 0, rejected = 0, articles = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const EventOutcome& o = outcomes[i];
    if (o.kind == EventOutcome::Kind::kApplied) ++applied;
    if (o.kind == EventOutcome::Kind::kApplied &&
        std::holds_alternative<v1::Article>(batch.events[i])) {
      ++articles;
    }
    if (o.kind == EventOutcome::Kind::kIgnored) ++ignored;
    if (o.kind == EventOutcome::Kind::kRejected) ++rejected;
  }
  for (const auto& [tp, next] : batch.next) {
    // A rebalance since may have taken the partition away.
    if (auto it = next_offset_.find(tp); it != next_offset_.end()) it->second = next;
  }
  if (rejected > 0 && dead_letters_ != nullptr) dead_letters_->Wake();
  {
    MutexLock lock(&status_mu_);
    status_.applied += applied;
    status_.ignored += ignored;
    status_.rejected += rejected;
    ++status_.batches;
    status_.batch_events.Observe(static_cast<double>(batch.events.size()));
    status_.batch_apply_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - batch.applying));
    status_.connected = true;
    status_.last_error.clear();  // recovered: a batch is applied
    storage_paused_ = false;
  }
  PublishPartitions();
  ReportCatchUp(articles);
  if (consumer_ != nullptr) MaybeOpenClicksGate();
}

void KafkaIngestor::RewindNotDurable(const absl::Status& why) {
  // Whatever is still being written finishes first; what became durable meanwhile counts.
  absl::Status ignored;
  Record(applier_.FinishPipelined(/*wait=*/true), ignored);
  // Nothing was written of the rest: consume it again after a pause. A storage that refuses
  // writes (disk nearly full) pauses ingestion until it has room again.
  if (absl::IsResourceExhausted(why)) {
    MutexLock lock(&status_mu_);
    storage_paused_ = true;
    ++status_.storage_refusals;
  }
  SetError(absl::StrCat("batch not applied, retrying: ", why.ToString()));
  std::map<PartitionId, int64_t> rewind_to;
  for (const Batch& b : in_flight_) {
    for (const auto& [tp, first] : b.first) rewind_to.emplace(tp, first);  // the earliest batch's
  }
  in_flight_.clear();
  for (const auto& [tp, first] : rewind_to) {
    if (!next_offset_.contains(tp)) continue;
    std::unique_ptr<RdKafka::TopicPartition> p(
        RdKafka::TopicPartition::create(tp.first, tp.second, first));
    Check(consumer_->seek(*p, 5000), "seek back to a failed batch");
  }
  for (absl::Time until = absl::Now() + kRetryBackoff; absl::Now() < until && !stopping_;) {
    absl::SleepFor(absl::Milliseconds(50));
  }
}

}  // namespace headliner
