#include "kafka/dead_letter_drain.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "kafka/kafka_client_config.h"

namespace headliner {
namespace {

// Letters handed to the producer per scan of the outbox.
constexpr size_t kScanLimit = 256;
constexpr absl::Duration kRetryBackoff = absl::Seconds(5);
// How long the read-back after a start may take, and how far before a letter's staging time it
// looks (clock differences between this host and the broker).
constexpr absl::Duration kReconcileTimeout = absl::Seconds(10);
constexpr int64_t kReconcileSlackMs = 60 * 1000;
constexpr int64_t kReconcileTail = 4096;

std::string HeaderOf(RdKafka::Message& m, const std::string& name) {
  RdKafka::Headers* headers = m.headers();
  if (headers == nullptr) return "";
  const RdKafka::Headers::Header h = headers->get_last(name);
  if (h.err() != RdKafka::ERR_NO_ERROR || h.value() == nullptr) return "";
  return std::string(static_cast<const char*>(h.value()), h.value_size());
}

DeliveredAs HowDelivered(const store::DeadLetterRecord& record, bool as_reference) {
  if (as_reference) return DeliveredAs::kReference;
  return record.payload().size() < record.original_bytes() ? DeliveredAs::kTruncated
                                                           : DeliveredAs::kWhole;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeadLetterDrain>> DeadLetterDrain::Create(const KafkaConfig& config,
                                                                         const std::string& brokers,
                                                                         EventApplier& applier,
                                                                         ErrorSink on_error) {
  std::unique_ptr<DeadLetterDrain> d(
      new DeadLetterDrain(config, brokers, applier, std::move(on_error)));
  const std::map<std::string, std::string> properties = ProducerProperties(config);
  ASSIGN_OR_RETURN(d->producer_, DeadLetterProducer::Create(brokers, properties));
  return d;
}

void DeadLetterDrain::Fail(const std::string& error, absl::Time now) {
  on_error_(absl::StrCat("dead letters: ", error));
  next_scan_ = std::max(next_scan_, now + kRetryBackoff);
}

bool DeadLetterDrain::Send(store::DeadLetterRecord record, bool as_reference) {
  const uint64_t ticket = next_ticket_++;
  RdKafka::ErrorCode err = producer_->Send(record, as_reference, ticket);
  if (err == RdKafka::ERR_MSG_SIZE_TOO_LARGE && !as_reference) {
    as_reference = true;
    err = producer_->Send(record, as_reference, ticket);
  }
  if (err != RdKafka::ERR_NO_ERROR) {
    Fail(absl::StrCat("produce ", DeadLetterId(record), " to ", record.topic(), ": ",
                      RdKafka::err2str(err)),
         absl::Now());
    return false;
  }
  in_flight_ids_.insert(DeadLetterId(record));
  in_flight_.emplace(ticket, InFlight{std::move(record), as_reference});
  return true;
}

void DeadLetterDrain::OnReports(const std::vector<DeadLetterProducer::Report>& reports,
                                absl::Time now) {
  for (const DeadLetterProducer::Report& report : reports) {
    auto it = in_flight_.find(report.ticket);
    if (it == in_flight_.end()) continue;
    InFlight sent = std::move(it->second);
    in_flight_.erase(it);
    if (report.error == RdKafka::ERR_NO_ERROR) {
      in_flight_ids_.erase(DeadLetterId(sent.record));
      const DeliveredAs how = HowDelivered(sent.record, sent.as_reference);
      recorded_.push_back({std::move(sent.record), how});
    } else if (report.error == RdKafka::ERR_MSG_SIZE_TOO_LARGE && !sent.as_reference) {
      in_flight_ids_.erase(DeadLetterId(sent.record));
      Send(std::move(sent.record), /*as_reference=*/true);
    } else {
      in_flight_ids_.erase(DeadLetterId(sent.record));
      Fail(absl::StrCat("deliver ", DeadLetterId(sent.record), " to ", sent.record.topic(), ": ",
                        RdKafka::err2str(report.error)),
           now);
    }
  }
}

void DeadLetterDrain::Record() {
  if (recorded_.empty()) return;
  absl::Status s = applier_.RecordDeadLettersDelivered(recorded_);
  if (!s.ok()) {
    // Delivered but not recorded: kept (and not sent again) until the outbox can be written.
    on_error_(absl::StrCat("dead letters delivered but not recorded: ", s.ToString()));
    return;
  }
  recorded_.clear();
}

void DeadLetterDrain::Pump(absl::Time now) {
  const size_t before = in_flight_.size();
  OnReports(producer_->Poll(), now);
  Record();
  // A finished delivery frees room in a full scan.
  if (in_flight_.size() < before && before >= kScanLimit) next_scan_ = std::min(next_scan_, now);
  if (now < next_scan_ || !recorded_.empty()) return;
  next_scan_ = absl::InfiniteFuture();  // until woken, or a retry
  absl::StatusOr<std::vector<store::DeadLetterRecord>> pending =
      applier_.PendingDeadLetters(kScanLimit);
  if (!pending.ok()) return Fail(pending.status().ToString(), now);
  if (!reconciled_) {
    reconciled_ = true;
    if (!pending->empty()) {
      Reconcile(*pending);
      Record();
      next_scan_ = now;
      return;
    }
  }
  for (store::DeadLetterRecord& letter : *pending) {
    if (in_flight_ids_.contains(DeadLetterId(letter))) continue;
    if (!Send(std::move(letter), /*as_reference=*/false)) return;
  }
}

void DeadLetterDrain::Finish(absl::Duration timeout) {
  if (!in_flight_.empty()) {
    OnReports(producer_->Flush(static_cast<int>(absl::ToInt64Milliseconds(timeout))), absl::Now());
  }
  Record();
}

void DeadLetterDrain::Reconcile(const std::vector<store::DeadLetterRecord>& pending) {
  absl::flat_hash_map<std::string, const store::DeadLetterRecord*> by_id;
  std::map<std::string, int64_t> since_ms;  // dead-letter topic -> earliest staging time
  for (const store::DeadLetterRecord& r : pending) {
    by_id[DeadLetterId(r)] = &r;
    auto [it, added] = since_ms.emplace(r.topic(), r.staged_at_ms());
    if (!added) it->second = std::min(it->second, r.staged_at_ms());
  }
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf =
      MakeKafkaConf(brokers_,
                    {{"group.id", config_.group_id + "-dead-letter-check"},
                     {"enable.auto.commit", "false"},
                     {"enable.partition.eof", "true"}},
                    config_.properties);  // not consumer_properties: its group.instance.id is the
                                          // ingest consumer's, which this reader would fence
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> reader(
      conf.ok() ? RdKafka::KafkaConsumer::create(conf->get(), error) : nullptr);
  if (reader == nullptr) return on_error_("dead-letter read-back: " + error);

  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& [topic, since] : since_ms) {
    std::unique_ptr<RdKafka::Topic> handle(
        RdKafka::Topic::create(reader.get(), topic, nullptr, error));
    RdKafka::Metadata* raw = nullptr;
    if (handle == nullptr ||
        reader->metadata(false, handle.get(), &raw, 5000) != RdKafka::ERR_NO_ERROR) {
      continue;
    }
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
        partitions.push_back(
            RdKafka::TopicPartition::create(topic, p->id(), since - kReconcileSlackMs));
      }
    }
  }
  // From the first message at or after the staging time; where the broker cannot tell (none
  // later, or no timestamp index), from the last kReconcileTail messages.
  (void)reader->offsetsForTimes(partitions, 5000);
  std::vector<RdKafka::TopicPartition*> readable;
  for (RdKafka::TopicPartition* p : partitions) {
    int64_t low = 0, high = 0;
    if (reader->query_watermark_offsets(p->topic(), p->partition(), &low, &high, 5000) !=
            RdKafka::ERR_NO_ERROR ||
        high <= low) {
      continue;
    }
    if (p->err() != RdKafka::ERR_NO_ERROR || p->offset() < 0) {
      p->set_offset(std::max(low, high - kReconcileTail));
    }
    readable.push_back(p);
  }
  size_t open = readable.size();
  if (open > 0 && reader->assign(readable) == RdKafka::ERR_NO_ERROR) {
    const absl::Time deadline = absl::Now() + kReconcileTimeout;
    while (open > 0 && absl::Now() < deadline) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(100));
      if (m->err() == RdKafka::ERR__PARTITION_EOF) --open;
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      const std::string id =
          absl::StrCat(HeaderOf(*m, "source-topic"), "/", HeaderOf(*m, "source-partition"), "@",
                       HeaderOf(*m, "source-offset"));
      auto found = by_id.find(id);
      if (found == by_id.end()) continue;
      recorded_.push_back(
          {*found->second, HowDelivered(*found->second, HeaderOf(*m, "payload") == "omitted")});
      by_id.erase(found);
    }
    if (open > 0) on_error_("dead-letter read-back timed out; some letters may be sent twice");
  }
  RdKafka::TopicPartition::destroy(partitions);
  (void)reader->close();
}

}  // namespace headliner
