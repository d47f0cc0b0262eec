#include "kafka/kafka_ingestor.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/background_thread.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "kafka/kafka_client_config.h"
#include "kafka/kafka_message.h"

namespace headliner {
namespace {

constexpr absl::Duration kRetryBackoff = absl::Seconds(1);
constexpr absl::Duration kDeadLetterFinishTimeout = absl::Seconds(5);

}  // namespace

// librdkafka callbacks; both run on the ingest thread, inside consume().
class KafkaIngestor::Callbacks : public RdKafka::RebalanceCb, public RdKafka::EventCb {
 public:
  explicit Callbacks(KafkaIngestor& owner) : owner_(owner) {}

  void rebalance_cb(RdKafka::KafkaConsumer* /*consumer*/, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_.OnAssign(partitions);
    } else {
      owner_.OnRevoke();
    }
  }

  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) owner_.OnStatistics(event.str());
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    owner_.SetError(absl::StrCat(RdKafka::err2str(event.err()), ": ", event.str()));
    if (event.fatal()) owner_.fatal_ = true;  // e.g. a static member fenced
    if (event.err() == RdKafka::ERR__ALL_BROKERS_DOWN) {
      owner_.brokers_up_ = false;
      MutexLock lock(&owner_.status_mu_);
      owner_.status_.connected = false;
    }
  }

 private:
  KafkaIngestor& owner_;
};

// Messages collected but not yet applied, with where each came from.
KafkaIngestor::KafkaIngestor(const KafkaConfig& config, std::string brokers, EventApplier& applier)
    : config_(config), brokers_(std::move(brokers)), applier_(applier), rejects_(config_) {
  status_.brokers = brokers_;
}

absl::StatusOr<std::unique_ptr<KafkaIngestor>> KafkaIngestor::Start(const KafkaConfig& config,
                                                                    const std::string& brokers,
                                                                    EventApplier& applier) {
  std::unique_ptr<KafkaIngestor> k(new KafkaIngestor(config, brokers, applier));
  k->callbacks_ = std::make_unique<Callbacks>(*k);
  RETURN_IF_ERROR(k->CreateConsumer());
  if (!config.articles_dead_letter_topic.empty() || !config.clicks_dead_letter_topic.empty()) {
    ASSIGN_OR_RETURN(k->dead_letters_,
                     DeadLetterDrain::Create(
                         k->config_, brokers, applier,
                         [raw = k.get()](const std::string& error) { raw->SetError(error); }));
  }
  k->thread_ = std::thread([raw = k.get()] {
    SetCurrentThreadName("kafka-apply");
    raw->Run();
  });
  return k;
}

absl::Status KafkaIngestor::CreateConsumer() {
  std::map<std::string, std::string> defaults = {{"group.id", config_.group_id},
                                                 {"client.id", "headliner"},
                                                 {"enable.auto.commit", "false"},
                                                 {"enable.auto.offset.store", "false"},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"fetch.wait.max.ms", "100"},
                                                 {"reconnect.backoff.max.ms", "1000"},
                                                 {"statistics.interval.ms", "1000"}};
  // How soon a subscribed topic created after the start is seen (librdkafka's default, 5 minutes,
  // left clicks waiting that long on a fresh cluster); one small request per interval. Not on the
  // embedded cluster, whose topics all exist from its start: there a refresh that lands while the
  // consumer completes a join makes it join again, and librdkafka 2.0.2's mock coordinator never
  // answers that second JoinGroup (the consumer stayed "joining"; checkpoint_test under load).
  if (config_.brokers != kEmbeddedKafka) defaults["topic.metadata.refresh.interval.ms"] = "3000";
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf,
                   MakeKafkaConf(brokers_, defaults, ConsumerProperties(config_)));
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(callbacks_.get()), error) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(callbacks_.get()), error) !=
          RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer_ == nullptr) return absl::InvalidArgumentError("kafka consumer: " + error);
  std::vector<std::string> topics = {config_.articles_topic, config_.clicks_topic};
  if (!config_.impressions_topic.empty()) topics.push_back(config_.impressions_topic);
  RdKafka::ErrorCode err = consumer_->subscribe(topics);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka subscribe: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

void KafkaIngestor::RecreateConsumer() {
  SetError("consumer hit a fatal error; creating a new one");
  DropInFlight();
  Check(consumer_->close(), "close the failed consumer");
  consumer_.reset();
  OnRevoke();
  fatal_ = false;
  while (!stopping_.load()) {
    absl::Status s = CreateConsumer();
    if (s.ok()) return;
    SetError(s.ToString());
    absl::SleepFor(kRetryBackoff);
  }
}

KafkaIngestor::~KafkaIngestor() { Stop(); }

void KafkaIngestor::Stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
}

IngestStatus KafkaIngestor::Status() const {
  MutexLock lock(&status_mu_);
  IngestStatus out = status_;
  DeriveState(out, storage_paused_);
  return out;
}

void KafkaIngestor::SetError(const std::string& error) {
  uint64_t dropped = 0;
  if (error_log_.Admit(absl::Now(), &dropped)) {
    if (dropped > 0) {
      LogWarning("kafka", "(%llu errors not logged by the rate limit)",
                 static_cast<unsigned long long>(dropped));
    }
    LogWarning("kafka", "%s", error);
  }
  MutexLock lock(&status_mu_);
  status_.last_error = error;
  status_.last_error_at = absl::Now();
}

void KafkaIngestor::SetMissing(const std::string& topic, bool missing) {
  MutexLock lock(&status_mu_);
  std::vector<std::string>& list = status_.missing_topics;
  auto it = std::find(list.begin(), list.end(), topic);
  if (missing && it == list.end() && !topic.empty()) {
    list.push_back(topic);
    std::sort(list.begin(), list.end());
  } else if (!missing && it != list.end()) {
    list.erase(it);
  }
}

bool KafkaIngestor::Check(RdKafka::ErrorCode err, const char* what) {
  if (err == RdKafka::ERR_NO_ERROR) return true;
  SetError(absl::StrCat(what, ": ", RdKafka::err2str(err)));
  return false;
}

void KafkaIngestor::Run() {
  Batch batch;
  while (!stopping_.load()) {
    if (fatal_) {
      batch.Clear();
      RecreateConsumer();
      if (consumer_ == nullptr) break;
    }
    FinishInFlight(/*wait=*/false);  // publishes a batch whose write is done
    RefreshWatermarks();
    CommitForLagTools(/*now=*/false);
    if (dead_letters_ != nullptr) dead_letters_->Pump(absl::Now());
    // A pending batch is applied once the local queue runs dry and the batch is batch_linger old
    // (so a lone event waits batch_linger, not batch_max_wait); until then the consume call
    // waits only for what is left of the linger.
    const absl::Duration linger_left =
        batch.empty() ? absl::ZeroDuration() : batch.started + config_.batch_linger - absl::Now();
    // While a batch is being written, wake often to publish it as soon as it is durable.
    const int wait_cap_ms = in_flight_.empty() ? 100 : 2;
    const int timeout_ms =
        batch.empty() ? wait_cap_ms
                      : static_cast<int>(std::clamp<int64_t>(
                            absl::ToInt64Milliseconds(linger_left + absl::Microseconds(999)), 0,
                            wait_cap_ms));
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(timeout_ms));
    if (discard_batch_) {
      batch.Clear();
      discard_batch_ = false;
    }
    bool drained = false;
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        last_message_ = absl::Now();
        Add(std::move(message), batch);
        break;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        drained = batch.empty() || absl::Now() - batch.started >= config_.batch_linger;
        break;
      case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      case RdKafka::ERR__UNKNOWN_TOPIC:
        SetMissing(message->topic_name(), true);
        SetError(absl::StrCat(message->errstr(), " (", message->topic_name(), ")"));
        break;
      default:
        SetError(absl::StrCat(message->errstr(), " (", message->topic_name(), ")"));
        break;
    }
    if (!batch.empty() &&
        (drained || static_cast<int>(batch.events.size()) >= config_.batch_max_events ||
         absl::Now() - batch.started >= config_.batch_max_wait)) {
      Apply(batch);
    }
  }
  if (consumer_ != nullptr && !batch.empty() && !discard_batch_) Apply(batch);
  if (consumer_ != nullptr) FinishInFlight(/*wait=*/true);
  if (consumer_ != nullptr) CommitForLagTools(/*now=*/true);
  if (dead_letters_ != nullptr) dead_letters_->Finish(kDeadLetterFinishTimeout);
  if (consumer_ != nullptr) Check(consumer_->close(), "close the consumer");
}

void KafkaIngestor::DropInFlight() {
  absl::Status why;
  Record(applier_.FinishPipelined(/*wait=*/true), why);
  in_flight_.clear();  // not durable: the next assignment resumes from the stored offsets
}

void KafkaIngestor::OnAssign(std::vector<RdKafka::TopicPartition*>& partitions) {
  // The stored offsets read below must include the batch being written.
  DropInFlight();
  next_offset_.clear();
  committed_offset_.clear();
  // Known once the group is joined, so this does not wait.
  cluster_id_ = consumer_->clusterid(5000);
  std::vector<RdKafka::TopicPartition*> clicks;
  for (RdKafka::TopicPartition* p : partitions) {
    absl::StatusOr<std::optional<int64_t>> stored =
        applier_.StoredPosition(OffsetTopic(p->topic()), p->partition());
    if (!stored.ok()) SetError(stored.status().ToString());
    const int64_t next = stored.ok() && *stored ? **stored : 0;
    p->set_offset(stored.ok() && *stored ? next : RdKafka::Topic::OFFSET_BEGINNING);
    next_offset_[{p->topic(), p->partition()}] = next;
    SetMissing(p->topic(), false);
    if (!IsArticles(p->topic())) clicks.push_back(p);
  }
  Check(consumer_->assign(partitions), "assign partitions");
  clicks_gate_.Reset(/*has_clicks_partitions=*/!clicks.empty());
  if (clicks_gate_.closed()) Check(consumer_->pause(clicks), "pause the clicks partitions");
  discard_batch_ = true;
  last_refresh_ = absl::InfinitePast();  // fetch the gate's targets now
  {
    MutexLock lock(&status_mu_);
    status_.clicks_flowing = !clicks_gate_.closed();
  }
  PublishPartitions();
}

void KafkaIngestor::OnRevoke() {
  DropInFlight();
  if (consumer_ != nullptr) Check(consumer_->unassign(), "unassign partitions");
  next_offset_.clear();
  clicks_gate_.Reset(/*has_clicks_partitions=*/false);
  discard_batch_ = true;
  PublishPartitions();
}

}  // namespace headliner
