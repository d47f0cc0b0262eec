// Consumes the `articles` and `clicks` topics and applies them exactly once through EventApplier.
//
// How exactly-once works: messages are collected into micro-batches (applied when the fetched
// messages run out, or at a bound on count or age);
// each batch is applied as one RocksDB WriteBatch together with the next offset of every
// partition it covers. On every partition assignment the consumer seeks to the offsets stored in
// RocksDB, never to Kafka's committed offsets (those are committed after each batch only so that
// lag tools see them). A crash before the write loses the batch and its offsets together, so it
// is consumed again; a crash after it keeps both.
//
// Pipelining (apply.pipelined_writes): while one batch is being written, the next is consumed and
// staged (EventApplier::ApplyBatchPipelined). A batch counts as applied, and its offsets as the
// place to resume, only once its write is durable; when a write fails, every batch not yet durable
// is consumed again from the last durable offsets.
//
// Offsets are stored under the Kafka cluster id: a data dir consumed from one cluster never
// skips messages of another (a recreated cluster, or the embedded demo cluster after a restart).
// Articles replay idempotently by version and clicks are de-duplicated by event id.
//
// Articles before clicks: after an assignment the clicks partitions stay paused (ClicksGate) until
// the articles partitions have caught up with their end offsets as of the assignment, so that a
// replica replaying history does not reject clicks on articles it has not read yet.
//
// Bad messages are counted and their dead letters staged in the outbox, in the same batch
// (RejectReporter); the DeadLetterDrain delivers them afterwards, so a dead-letter topic that
// refuses or is unreachable never stops consumption.
//
// Threads: one ingest thread owns the consumer, the reject reporter and all fields below
// `thread_`; `Status()` may be called from any thread and reads a snapshot under `status_mu_`.
#ifndef HEADLINER_KAFKA_KAFKA_INGESTOR_H_
#define HEADLINER_KAFKA_KAFKA_INGESTOR_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log_limiter.h"
#include "common/mutex.h"
#include "ingest/event_applier.h"
#include "kafka/clicks_gate.h"
#include "kafka/dead_letter_drain.h"
#include "kafka/ingest_status.h"
#include "kafka/kafka_config.h"
#include "kafka/reject_reporter.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

// A topic and a partition number.
using PartitionId = std::pair<std::string, int32_t>;

class KafkaIngestor {
 public:
  // Creates the consumer (subscribing to both topics) and starts the ingest thread. `brokers` is
  // the bootstrap list to use (the embedded cluster's when configured "embedded"). `applier`
  // must outlive the ingestor; it records the consumed offsets and is asked for them back.
  static absl::StatusOr<std::unique_ptr<KafkaIngestor>> Start(const KafkaConfig& config,
                                                              const std::string& brokers,
                                                              EventApplier& applier);
  ~KafkaIngestor();

  // Applies the pending batch, leaves the group and joins the thread. Idempotent.
  void Stop();

  IngestStatus Status() const;

 private:
  class Callbacks;
  struct Batch {
    std::vector<IngestEvent> events;
    // The messages themselves, kept (not copied) for the few that get dead-lettered.
    std::vector<std::unique_ptr<RdKafka::Message>> sources;
    std::map<PartitionId, int64_t> first;  // first offset per partition (rewind target)
    std::map<PartitionId, int64_t> next;   // offset after the last one per partition
    absl::Time started;
    absl::Time applying;  // when staging began
    uint64_t tag = 0;     // names it to EventApplier::ApplyBatchPipelined

    bool empty() const { return events.empty(); }
    void Clear() { *this = Batch(); }
  };

  KafkaIngestor(const KafkaConfig& config, std::string brokers, EventApplier& applier);

  absl::Status CreateConsumer();
  // After a fatal consumer error (librdkafka cannot recover such a handle).
  void RecreateConsumer();
  void Run();
  // Takes `message` into the batch unless it was applied before.
  void Add(std::unique_ptr<RdKafka::Message> message, Batch& batch);
  // Applies `batch` (pipelined: stages it and starts its write); on failure rewinds every batch
  // not yet durable, so they are consumed again. Leaves `batch` empty.
  void Apply(Batch& batch);
  // Records the batches EventApplier reports finished (offsets, counts); on a failure among them,
  // rewinds what is not durable. `wait`: first wait for the batch in flight.
  void FinishInFlight(bool wait);
  // Takes the applier's report: records each durable batch; returns false (and sets `why`) when
  // one was abandoned, which means every batch after it was too.
  bool Record(std::vector<EventApplier::FinishedBatch> finished, absl::Status& why);
  // Counts and offsets of one durable batch.
  void RecordDurable(const Batch& batch, const std::vector<EventOutcome>& outcomes);
  // After a failure: waits for the write in flight, records what became durable, then seeks every
  // partition of the batches not durable back to their first offsets, and pauses a moment.
  void RewindNotDurable(const absl::Status& why);
  // The offset `tp` continues at: after the pending batch, the batches in flight, or what is
  // durable.
  int64_t ExpectedOffset(const PartitionId& tp, const Batch& pending) const;
  // Commits every assigned partition's next offset to Kafka for lag tools when they moved since
  // the last commit, at most once a second unless `now`.
  void CommitForLagTools(bool now);
  // Before a rebalance: records what the write in flight made durable and forgets the rest.
  void DropInFlight();
  void OnAssign(std::vector<RdKafka::TopicPartition*>& partitions);
  void OnRevoke();
  // At most once a second: reads the cached end offsets (lag), sets the clicks gate's targets
  // and opens it when the articles have caught up.
  void RefreshWatermarks();
  void MaybeOpenClicksGate();
  // librdkafka's periodic statistics (JSON): whether any broker connection is up.
  void OnStatistics(const std::string& json);
  void SetError(const std::string& error);
  // Records a failed librdkafka call (`what` names it); returns whether it succeeded.
  bool Check(RdKafka::ErrorCode err, const char* what);
  // Copies the ingest thread's view of the partitions into `status_`.
  void PublishPartitions();
  // After each applied batch: when the batch caught every partition up, logs the rate at which a
  // large backlog of articles was applied (a bulk load or replay through the articles topic, the
  // encoder's cost included).
  void ReportCatchUp(uint64_t articles_applied);
  bool IsArticles(const std::string& topic) const { return topic == config_.articles_topic; }
  // Records that the brokers said `topic` does not exist, or that partitions of it are assigned.
  void SetMissing(const std::string& topic, bool missing);
  // The key offsets of `topic` are stored under: "<cluster id>/<topic>".
  std::string OffsetTopic(const std::string& topic) const { return cluster_id_ + "/" + topic; }

  const KafkaConfig config_;
  const std::string brokers_;
  EventApplier& applier_;
  std::unique_ptr<Callbacks> callbacks_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  RejectReporter rejects_;
  std::unique_ptr<DeadLetterDrain> dead_letters_;  // null when dead-lettering is off
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  // Owned by the ingest thread.
  std::string cluster_id_;
  std::map<PartitionId, int64_t> next_offset_;  // assigned partitions -> next to apply
  std::deque<Batch> in_flight_;  // applied in order, not yet durable (pipelining: at most one)
  uint64_t next_tag_ = 0;
  std::map<PartitionId, int64_t> committed_offset_;  // what was last committed to Kafka
  ClicksGate clicks_gate_;
  bool discard_batch_ = false;  // set by a rebalance: the pending batch is re-read
  bool fatal_ = false;          // set by the event callback
  bool brokers_up_ = false;     // from the statistics callback
  absl::Time last_refresh_ = absl::InfinitePast();
  absl::Time last_commit_ = absl::InfinitePast();  // the last offset commit to Kafka
  absl::Time last_message_ = absl::InfinitePast();
  // The backlog being applied (ReportCatchUp): since when, and its articles so far.
  absl::Time backlog_started_ = absl::InfinitePast();
  uint64_t backlog_articles_ = 0;

  mutable Mutex status_mu_;
  IngestStatus status_ ABSL_GUARDED_BY(status_mu_);
  bool storage_paused_ ABSL_GUARDED_BY(status_mu_) = false;  // the last batch was refused
  LogLimiter error_log_{10, absl::Minutes(1)};               // lines SetError prints
  std::map<PartitionId, int64_t> high_watermark_ ABSL_GUARDED_BY(status_mu_);
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_KAFKA_INGESTOR_H_
