// KafkaIngestor, continued: where each assigned partition stands. The watermarks (lag, the
// connection state), the clicks gate that waits for the articles, the status the RPCs read, and
// the offset commits that show lag tools how far the group is. All run on the ingest thread.
#include <algorithm>
#include <cstdio>

#include "common/log.h"
#include "kafka/kafka_ingestor.h"
#include "kafka/kafka_message.h"
#include "kafka/partition_list.h"

namespace headliner {
namespace {

constexpr absl::Duration kRefreshInterval = absl::Seconds(1);
constexpr absl::Duration kConnectedWindow = absl::Seconds(3);

}  // namespace

void KafkaIngestor::CommitForLagTools(bool now) {
  // The offsets that count are in RocksDB; these only show lag tools how far the group is. One
  // commit per batch (hundreds a second on a quiet stream applied event by event) queued 11,000
  // requests at a local broker's group coordinator, timed out, and lost the group membership.
  // Called from the loop rather than after a batch, so the last offsets of a stream that stops
  // are committed a second later too.
  if (!now && absl::Now() - last_commit_ < absl::Seconds(1)) return;
  if (next_offset_.empty() || next_offset_ == committed_offset_) return;
  last_commit_ = absl::Now();
  PartitionList commit;
  for (const auto& [tp, next] : next_offset_) {
    commit.items.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, next));
  }
  if (!Check(consumer_->commitAsync(commit.items), "commit offsets for lag tools")) return;
  committed_offset_ = next_offset_;
  MutexLock lock(&status_mu_);
  ++status_.offset_commits;
}

void KafkaIngestor::RefreshWatermarks() {
  const absl::Time now = absl::Now();
  if (now - last_refresh_ < kRefreshInterval) return;
  last_refresh_ = now;
  {
    MutexLock lock(&status_mu_);
    const bool connected = brokers_up_ || now - last_message_ < kConnectedWindow;
    if (connected && !status_.connected) status_.last_error.clear();  // recovered: reconnected
    status_.connected = connected;
  }
  if (next_offset_.empty()) return;
  // End offsets come from librdkafka's cache, which every fetch response updates. No call here
  // waits for the broker: a broker query queues behind the long-polling fetch (stalling
  // consumption) and can block far past its timeout while the broker is down. A partition not
  // fetched yet has no cached end offset (an error here), and is simply left out.
  std::map<PartitionId, int64_t> highs;
  for (const auto& [tp, next] : next_offset_) {
    int64_t low = 0, high = -1;
    if (consumer_->get_watermark_offsets(tp.first, tp.second, &low, &high) ==
            RdKafka::ERR_NO_ERROR &&
        high >= 0) {
      highs[tp] = high;
    }
  }
  {
    MutexLock lock(&status_mu_);
    for (const auto& [tp, high] : highs) high_watermark_[tp] = high;
  }
  // The clicks gate waits for the articles partitions' end offsets as first seen after the
  // assignment (they are fetched; the paused clicks partitions are not).
  if (clicks_gate_.needs_targets()) {
    std::map<int32_t, int64_t> targets;
    for (const auto& [tp, next] : next_offset_) {
      if (!IsArticles(tp.first)) continue;
      auto high = highs.find(tp);
      if (high == highs.end()) return;  // not fetched yet
      targets[tp.second] = high->second;
    }
    clicks_gate_.SetTargets(std::move(targets));
  }
  PublishPartitions();
  MaybeOpenClicksGate();
}

void KafkaIngestor::OnStatistics(const std::string& json) { brokers_up_ = AnyBrokerUp(json); }

void KafkaIngestor::MaybeOpenClicksGate() {
  const bool opened = clicks_gate_.TryOpen([&](int32_t partition) -> std::optional<int64_t> {
    const PartitionId tp{config_.articles_topic, partition};
    auto it = next_offset_.find(tp);
    if (it == next_offset_.end()) return std::nullopt;
    // The application position also moves past offsets that hold no message (transaction
    // markers), which next_offset_ cannot see.
    PartitionList owned;
    owned.items.push_back(RdKafka::TopicPartition::create(tp.first, tp.second));
    if (consumer_->position(owned.items) == RdKafka::ERR_NO_ERROR) {
      return std::max(it->second, owned.items[0]->offset());
    }
    return it->second;
  });
  if (!opened) return;
  PartitionList clicks;
  for (const auto& [tp, next] : next_offset_) {
    if (!IsArticles(tp.first)) {
      clicks.items.push_back(RdKafka::TopicPartition::create(tp.first, tp.second));
    }
  }
  Check(consumer_->resume(clicks.items), "resume the clicks partitions");
  MutexLock lock(&status_mu_);
  status_.clicks_flowing = true;
}

void KafkaIngestor::PublishPartitions() {
  MutexLock lock(&status_mu_);
  status_.partitions.clear();
  for (const auto& [tp, next] : next_offset_) {
    auto high = high_watermark_.find(tp);
    status_.partitions.push_back(
        {tp.first, tp.second, next, high == high_watermark_.end() ? -1 : high->second});
  }
}

void KafkaIngestor::ReportCatchUp(uint64_t articles_applied) {
  // A backlog runs from the first batch applied while behind to the batch that catches up; only
  // a large one (a bulk load, a replay) is worth a line.
  constexpr uint64_t kReportedBacklog = 1000;
  backlog_articles_ += articles_applied;
  if (Status().state != IngestState::kLive) return;
  if (backlog_articles_ >= kReportedBacklog) {
    const double seconds = absl::ToDoubleSeconds(absl::Now() - backlog_started_);
    LogInfo("kafka", "caught up: %llu articles applied in %.1f s (%.0f headlines/s)",
            static_cast<unsigned long long>(backlog_articles_), seconds,
            seconds > 0 ? backlog_articles_ / seconds : 0.0);
  }
  backlog_articles_ = 0;
  backlog_started_ = absl::InfinitePast();
}

}  // namespace headliner
