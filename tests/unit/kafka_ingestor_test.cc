// The Kafka ingestor against librdkafka's in-process mock cluster (fast; the real-broker tests
// are in tests/e2e).
#include "kafka/kafka_ingestor.h"

#include "cli/event_publisher.h"
#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "kafka/dead_letter_producer.h"
#include "kafka/embedded_kafka.h"
#include "kafka/message_codec.h"
#include "kafka_test_util.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "store/offset_store.h"
#include "store/rejection_counters.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;
using testing::WaitFor;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class KafkaIngestorTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    auto kafka = EmbeddedKafka::Start({"articles", "clicks", "articles-dlq", "clicks-dlq"}, 3);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    auto publisher = EventPublisher::Create(kafka_->bootstrap_servers());
    ASSERT_TRUE(publisher.ok()) << publisher.status();
    publisher_ = std::move(*publisher);
    kafka_config_.brokers = kafka_->bootstrap_servers();
    kafka_config_.consumer_properties["session.timeout.ms"] = "6000";
    kafka_config_.consumer_properties["heartbeat.interval.ms"] = "500";
    // As KafkaIngestor does for the embedded cluster (kafka_ingestor.cc says why): these topics
    // exist from the start, and a refresh during a join can stall it in the mock coordinator.
    kafka_config_.consumer_properties["topic.metadata.refresh.interval.ms"] = "300000";
    Open();
  }
  void TearDown() override {
    if (ingestor_) ingestor_->Stop();
  }

  void StartIngestor() {
    auto ingestor = KafkaIngestor::Start(kafka_config_, kafka_->bootstrap_servers(), applier());
    ASSERT_TRUE(ingestor.ok()) << ingestor.status();
    ingestor_ = std::move(*ingestor);
  }
  void Publish(const std::string& topic, const std::string& key, const std::string& payload,
               const std::string& content_type = "") {
    ASSERT_TRUE(publisher_->Publish(topic, key, &payload, content_type).ok());
  }
  void PublishArticle(const v1::Article& a) { Publish("articles", a.id(), a.SerializeAsString()); }
  void PublishClick(const v1::ClickEvent& c) {
    Publish("clicks", c.session_id(), c.SerializeAsString());
  }
  uint64_t Handled() {
    IngestStatus s = ingestor_->Status();
    return s.applied + s.ignored + s.rejected;
  }
  std::string Describe() {
    IngestStatus s = ingestor_->Status();
    std::string out = "handled " + std::to_string(s.applied + s.ignored + s.rejected) +
                      " flowing " + std::to_string(s.clicks_flowing) + " error " + s.last_error;
    for (const auto& p : s.partitions) {
      out += " " + p.topic + "/" + std::to_string(p.partition) + "@" +
             std::to_string(p.next_offset) + "/" + std::to_string(p.high_watermark);
    }
    return out;
  }
  uint64_t ClicksOf(const std::string& id) {
    auto stored = articles().FindByExternalId(id);
    if (!stored.ok() || !*stored) return 0;
    return clicks().FindArticleActivity((*stored)->dense_id)->clicks;
  }

  KafkaConfig kafka_config_;
  std::unique_ptr<EmbeddedKafka> kafka_;
  std::unique_ptr<EventPublisher> publisher_;
  std::unique_ptr<KafkaIngestor> ingestor_;
};

TEST_F(KafkaIngestorTest, AppliesEveryEventOnceAndDeadLettersTheBadOnes) {
  for (int i = 0; i < 20; ++i) {
    PublishArticle(
        MakeArticle("a" + std::to_string(i), "Headline number " + std::to_string(i), kT0));
  }
  // JSON, selected by header; then three bad articles.
  Publish("articles", "j1",
          R"({"id":"j1","headline":"Markets rally","publishedAt":"2023-11-14T22:13:20Z"})",
          kJsonContentType);
  Publish("articles", "junk", "\xff\xff\xff", kProtobufContentType);
  Publish("articles", "nohl", MakeArticle("nohl", "", kT0).SerializeAsString());
  Publish("articles", "typo", R"({"id":"typo","headlin":"x"})", kJsonContentType);
  // 60 clicks, 3 per article, one duplicate, one on an unknown article.
  for (int i = 0; i < 60; ++i) {
    PublishClick(MakeClick("c" + std::to_string(i), "s" + std::to_string(i % 7),
                           "a" + std::to_string(i % 20), kT0 + absl::Seconds(i)));
  }
  PublishClick(MakeClick("c0", "s0", "a0", kT0));
  PublishClick(MakeClick("c-unknown", "s1", "missing", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  const uint64_t total = 20 + 4 + 60 + 2;

  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == total; }, absl::Seconds(30)))
      << "handled " << Handled() << " of " << total;
  IngestStatus status = ingestor_->Status();
  EXPECT_EQ(status.applied, 21u + 60u);
  EXPECT_EQ(status.ignored, 1u);
  EXPECT_EQ(status.rejected, 4u);
  EXPECT_TRUE(status.connected);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ClicksOf("a" + std::to_string(i)), 3u) << i;
  EXPECT_EQ(articles().Counts()->live, 21u);

  auto dead =
      testing::ReadTopic(kafka_->bootstrap_servers(), "articles-dlq", 3, 3, absl::Seconds(10));
  std::multiset<std::string> reasons;
  for (const auto& m : dead) reasons.insert(m.headers.at("reason"));
  EXPECT_EQ(reasons,
            (std::multiset<std::string>{"undecodable", "undecodable", "missing_headline"}));
  auto dead_clicks =
      testing::ReadTopic(kafka_->bootstrap_servers(), "clicks-dlq", 3, 1, absl::Seconds(10));
  ASSERT_EQ(dead_clicks.size(), 1u);
  EXPECT_EQ(dead_clicks[0].headers.at("reason"), "unknown_article");
  EXPECT_EQ(dead_clicks[0].headers.at("source-topic"), "clicks");

  // A restart resumes from the offsets in RocksDB: nothing is applied twice.
  ingestor_->Stop();
  StartIngestor();
  PublishClick(MakeClick("late", "s1", "a1", kT0 + absl::Hours(1)));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  ASSERT_TRUE(WaitFor([&] { return Handled() == 1; }, absl::Seconds(30))) << Describe();
  EXPECT_EQ(ClicksOf("a1"), 4u);
  EXPECT_EQ(ClicksOf("a2"), 3u);
  // Offsets are stored under the cluster id.
  auto stored = tables().offsets().All();
  ASSERT_TRUE(stored.ok());
  int64_t total_clicks_offsets = 0;
  for (const auto& [tp, next] : *stored) {
    EXPECT_NE(tp.first.find("/"), std::string::npos) << tp.first;
    if (tp.first.ends_with("/clicks")) total_clicks_offsets += next;
  }
  EXPECT_EQ(total_clicks_offsets, 63);
  auto rejected = tables().rejections().All();
  EXPECT_EQ((*rejected)["articles/undecodable"], 2u);
  EXPECT_EQ((*rejected)["clicks/unknown_article"], 1u);
  // Every reject was dead-lettered exactly once, across the restart, and counted.
  ASSERT_TRUE(
      WaitFor([&] { return tables().dead_letters().Counts()->pending() == 0; }, absl::Seconds(10)));
  EXPECT_EQ(tables().dead_letters().Counts()->delivered, 4u);
  EXPECT_EQ(testing::ReadTopic(kafka_->bootstrap_servers(), "articles-dlq", 3, 4, absl::Seconds(2))
                .size(),
            3u);
}

// Defect: before partitions were assigned, Stats reported lag 0 as if caught up.
TEST_F(KafkaIngestorTest, LagIsUnknownUntilPartitionsAreAssignedThenLive) {
  for (int i = 0; i < 30; ++i) PublishArticle(MakeArticle("a" + std::to_string(i), "H", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  IngestStatus early = ingestor_->Status();
  EXPECT_TRUE(early.partitions.empty());
  EXPECT_EQ(early.total_lag, -1);
  EXPECT_NE(early.state, IngestState::kLive);
  ASSERT_TRUE(
      WaitFor([&] { return ingestor_->Status().state == IngestState::kLive; }, absl::Seconds(20)))
      << Describe();
  IngestStatus live = ingestor_->Status();
  EXPECT_EQ(live.total_lag, 0);
  EXPECT_EQ(live.applied, 30u);
  EXPECT_TRUE(live.connected);
  EXPECT_STREQ(IngestStateName(live.state), "live");
}

TEST_F(KafkaIngestorTest, ClicksWaitForTheArticlesTheyReferTo) {
  // Clicks are published first, so a consumer without the gate would see many of them before
  // their articles and reject them.
  for (int i = 0; i < 200; ++i) {
    PublishClick(MakeClick("c" + std::to_string(i), "s", "a" + std::to_string(i % 50), kT0));
  }
  for (int i = 0; i < 50; ++i) {
    PublishArticle(MakeArticle("a" + std::to_string(i), "Headline " + std::to_string(i), kT0));
  }
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 250; }, absl::Seconds(30))) << Handled();
  EXPECT_EQ(ingestor_->Status().rejected, 0u);
  EXPECT_TRUE(ingestor_->Status().clicks_flowing);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ClicksOf("a" + std::to_string(i)), 4u);
}

// On a quiet stream the events that arrive within batch_linger share one batch (one commit),
// and a lone event is not held longer than that.
TEST_F(KafkaIngestorTest, EventsArrivingWithinTheLingerShareOneBatch) {
  kafka_config_.batch_linger = absl::Seconds(2);
  kafka_config_.batch_max_wait = absl::Seconds(2);
  PublishArticle(MakeArticle("warm", "Fetched before the test starts", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 1; }, absl::Seconds(30))) << Describe();
  const uint64_t batches = ingestor_->Status().batches;

  PublishArticle(MakeArticle("first", "First of the linger", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  const absl::Time first_sent = absl::Now();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Handled(), 1u) << "applied before the linger ended";
  PublishArticle(MakeArticle("second", "Second of the linger", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  ASSERT_TRUE(WaitFor([&] { return Handled() == 3; }, absl::Seconds(30))) << Describe();
  EXPECT_GE(absl::Now() - first_sent, absl::Milliseconds(1500));
  EXPECT_EQ(ingestor_->Status().batches, batches + 1);
}

TEST_F(KafkaIngestorTest, WithoutALingerAnEventIsAppliedAsSoonAsTheQueueRunsDry) {
  kafka_config_.batch_linger = absl::ZeroDuration();
  kafka_config_.batch_max_wait = absl::Seconds(5);
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return !ingestor_->Status().partitions.empty(); }, absl::Seconds(30)));
  PublishArticle(MakeArticle("alone", "Applied at once", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  const absl::Time sent = absl::Now();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 1; }, absl::Seconds(30))) << Describe();
  EXPECT_LT(absl::Now() - sent, absl::Milliseconds(2500));  // not held for batch_max_wait
}

// Defect: every batch committed its offsets to Kafka (for lag tools). Applied event by event,
// a quiet stream sent hundreds of commits a second, which queued at the group coordinator of a
// local broker until its requests timed out and the consumer lost its group membership.
TEST_F(KafkaIngestorTest, OffsetsAreCommittedToKafkaAtMostOnceASecond) {
  kafka_config_.batch_linger = absl::ZeroDuration();
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return !ingestor_->Status().partitions.empty(); }, absl::Seconds(30)));
  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    PublishArticle(MakeArticle("one-" + std::to_string(i), "One at a time", kT0));
    ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
    ASSERT_TRUE(
        WaitFor([&] { return Handled() == static_cast<uint64_t>(i + 1); }, absl::Seconds(30)))
        << Describe();
  }
  const IngestStatus s = ingestor_->Status();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_GE(s.batches, 20u);
  EXPECT_GE(s.offset_commits, 1u);
  EXPECT_LE(static_cast<double>(s.offset_commits), seconds + 1) << s.batches << " batches";
}

// Defect: offsets were committed only after a batch, at most once a second, so the last batches
// of a stream that then stopped stayed uncommitted and lag tools showed a lag that was not there.
TEST_F(KafkaIngestorTest, TheLastOffsetsOfAStreamThatStopsAreCommittedToo) {
  kafka_config_.batch_linger = absl::ZeroDuration();
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return !ingestor_->Status().partitions.empty(); }, absl::Seconds(30)));
  for (int i = 0; i < 3; ++i) {  // batches a few milliseconds apart, then nothing
    PublishArticle(MakeArticle("last-" + std::to_string(i), "Then silence", kT0));
    ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
    ASSERT_TRUE(
        WaitFor([&] { return Handled() == static_cast<uint64_t>(i + 1); }, absl::Seconds(30)))
        << Describe();
  }
  ASSERT_GE(ingestor_->Status().batches, 3u);
  int64_t committed = -1;
  EXPECT_TRUE(WaitFor(
      [&] {
        committed = testing::CommittedOffsets(kafka_->bootstrap_servers(), kafka_config_.group_id,
                                              "articles", 3);
        return committed == 3;
      },
      absl::Seconds(4)))
      << committed << " committed; " << Describe();
  // Nothing moved since: no more commits.
  const uint64_t settled = ingestor_->Status().offset_commits;
  absl::SleepFor(absl::Milliseconds(2500));
  EXPECT_EQ(ingestor_->Status().offset_commits, settled);
}

TEST_F(KafkaIngestorTest, AnUnknownContentTypeIsRejectedNotDecodedAsProtobuf) {
  // A valid protobuf payload, labelled as something else: it must not be guessed at.
  Publish("articles", "x", MakeArticle("x", "Labelled as XML", kT0).SerializeAsString(),
          "text/xml");
  PublishArticle(MakeArticle("y", "Unlabelled protobuf", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 2; }, absl::Seconds(30))) << Describe();
  EXPECT_FALSE(articles().FindByExternalId("x")->has_value());
  EXPECT_TRUE(articles().FindByExternalId("y")->has_value());
  EXPECT_EQ((*tables().rejections().All())["articles/unknown_content_type"], 1u);
}

TEST_F(KafkaIngestorTest, ATombstoneOnTheArticlesTopicDeletesTheArticle) {
  PublishArticle(MakeArticle("gone", "Soon deleted", kT0));
  ASSERT_TRUE(publisher_->Publish("articles", "gone", nullptr).ok());
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 2; }, absl::Seconds(30)));
  auto stored = articles().FindByExternalId("gone");
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_TRUE((*stored)->article.deleted());
  EXPECT_EQ(content_index().Stats().live, 0u);
}

// Defect: a rejected message too large for the dead-letter topic (~1 MB with its headers) made
// the batch fail and retry forever, stalling every partition and dead-lettering the batch's other
// rejects again on every retry.
TEST_F(KafkaIngestorTest, AMessageTooLargeToDeadLetterWholeDoesNotStopIngestion) {
  auto big_publisher =
      EventPublisher::Create(kafka_->bootstrap_servers(), {{"message.max.bytes", "4000000"}});
  ASSERT_TRUE(big_publisher.ok());
  const std::string huge(1100000, 'x');  // undecodable, and over the producer's 1 MB default
  ASSERT_TRUE((*big_publisher)->Publish("articles", "huge", &huge).ok());
  ASSERT_TRUE((*big_publisher)->Flush(absl::Seconds(10)).ok());
  Publish("articles", "junk", "\xff\xff\xff");
  for (int i = 0; i < 5; ++i) PublishArticle(MakeArticle("a" + std::to_string(i), "Fine", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());

  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 7; }, absl::Seconds(20))) << Describe();
  EXPECT_EQ(articles().Counts()->live, 5u);
  ASSERT_TRUE(
      WaitFor([&] { return tables().dead_letters().Counts()->pending() == 0; }, absl::Seconds(20)))
      << Describe();
  // Each reject reaches the topic once, the huge one cut to kafka.dead_letter_max_bytes.
  auto dead =
      testing::ReadTopic(kafka_->bootstrap_servers(), "articles-dlq", 3, 3, absl::Seconds(5));
  ASSERT_EQ(dead.size(), 2u);
  std::map<std::string, testing::ReadMessage> by_key;
  for (auto& m : dead) by_key[m.key] = m;
  EXPECT_EQ(by_key["huge"].headers.at("payload"), "truncated");
  EXPECT_EQ(by_key["huge"].headers.at("original-bytes"), "1100000");
  EXPECT_EQ(by_key["huge"].payload.size(),
            static_cast<size_t>(kafka_config_.dead_letter_max_bytes));
  EXPECT_EQ(by_key["junk"].headers.at("payload"), "whole");
  EXPECT_EQ(by_key["junk"].payload, "\xff\xff\xff");
  DeadLetterCounts counts = *tables().dead_letters().Counts();
  EXPECT_EQ(counts.delivered, 2u);
  EXPECT_EQ(counts.truncated, 1u);
  EXPECT_EQ(counts.reference, 0u);
}

TEST_F(KafkaIngestorTest, ALetterRefusedEvenCutIsDeadLetteredAsAReference) {
  kafka_config_.dead_letter_max_bytes = 64 << 10;
  kafka_config_.producer_properties["message.max.bytes"] = "10000";
  const std::string big(50000, 'x');
  Publish("articles", "big", big);
  PublishArticle(MakeArticle("after", "Still applied", kT0));
  ASSERT_TRUE(publisher_->Flush(absl::Seconds(10)).ok());
  StartIngestor();
  ASSERT_TRUE(WaitFor([&] { return Handled() == 2; }, absl::Seconds(20))) << Describe();
  EXPECT_TRUE(articles().FindByExternalId("after")->has_value());
  ASSERT_TRUE(
      WaitFor([&] { return tables().dead_letters().Counts()->pending() == 0; }, absl::Seconds(20)))
      << Describe();
  auto dead =
      testing::ReadTopic(kafka_->bootstrap_servers(), "articles-dlq", 3, 2, absl::Seconds(3));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].headers.at("payload"), "omitted");
  EXPECT_EQ(dead[0].headers.at("original-bytes"), "50000");
  EXPECT_EQ(dead[0].headers.at("reason"), "missing_id");  // x...x parses as unknown fields
  EXPECT_EQ(dead[0].headers.at("source-topic"), "articles");
  EXPECT_TRUE(dead[0].payload.empty());
  EXPECT_EQ(tables().dead_letters().Counts()->reference, 1u);
}

// A crash after a dead letter reached its topic but before the outbox recorded it: the restart
// finds it on the topic instead of producing it again.
TEST_F(KafkaIngestorTest, ALetterDeliveredBeforeACrashIsNotSentAgain) {
  store::DeadLetterRecord letter;
  letter.set_topic("articles-dlq");
  letter.set_key("k");
  letter.set_payload("bad");
  letter.set_original_bytes(3);
  letter.set_reason("undecodable");
  letter.set_source_topic("articles");
  letter.set_source_partition(1);
  letter.set_source_offset(7);
  letter.set_staged_at_ms(absl::ToUnixMillis(absl::Now()));
  store::DeadLetterRecord undelivered = letter;
  undelivered.set_source_offset(8);
  ASSERT_TRUE(applier()
                  .ApplyBatch({}, {},
                              [&](std::span<const EventOutcome>) {
                                return std::vector<store::DeadLetterRecord>{letter, undelivered};
                              })
                  .ok());
  // The first one made it to the topic before the "crash".
  auto producer = DeadLetterProducer::Create(kafka_->bootstrap_servers(), {});
  ASSERT_TRUE(producer.ok());
  ASSERT_EQ((*producer)->Send(letter, false, 1), RdKafka::ERR_NO_ERROR);
  ASSERT_EQ((*producer)->Flush(10000).size(), 1u);

  StartIngestor();
  ASSERT_TRUE(
      WaitFor([&] { return tables().dead_letters().Counts()->pending() == 0; }, absl::Seconds(20)))
      << Describe();
  auto dead =
      testing::ReadTopic(kafka_->bootstrap_servers(), "articles-dlq", 3, 3, absl::Seconds(3));
  std::multiset<std::string> offsets;
  for (const auto& m : dead) offsets.insert(m.headers.at("source-offset"));
  EXPECT_EQ(offsets, (std::multiset<std::string>{"7", "8"}));
  EXPECT_EQ(tables().dead_letters().Counts()->delivered, 2u);
}

// Exactly-once through Kafka: the same topics consumed from the start into three data dirs, in
// batches of up to 1,000 events and of up to 7 with pipelined writes, and of up to 97 without,
// give the same stored rows byte for byte.
// (One partition per topic: across partitions the consumption order may differ, and with it the
// order in which floating-point weights are summed.)
TEST_F(KafkaIngestorTest, TwoReplaysOfTheTopicsGiveBitIdenticalState) {
  auto single = EmbeddedKafka::Start({"articles", "clicks", "articles-dlq", "clicks-dlq"}, 1);
  ASSERT_TRUE(single.ok()) << single.status();
  auto publisher = EventPublisher::Create((*single)->bootstrap_servers());
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  SampleCatalogOptions catalog_options;
  catalog_options.articles = 200;
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  ClickSimulatorOptions sim;
  sim.sessions = 300;
  const std::vector<v1::ClickEvent> clicks = SimulateClicks(catalog, sim);
  for (const SampleArticle& a : catalog) {
    const std::string payload = a.article.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("articles", a.article.id(), &payload, "").ok());
  }
  for (const v1::ClickEvent& c : clicks) {
    const std::string payload = c.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("clicks", c.session_id(), &payload, "").ok());
  }
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  const uint64_t total = catalog.size() + clicks.size();

  std::vector<std::map<std::pair<int, std::string>, std::string>> states;
  for (auto [batch, pipelined] :
       {std::pair{1000, true}, std::pair{7, true}, std::pair{97, false}}) {
    Close();
    config_.apply.pipelined_writes = pipelined;
    testing::TempDir dir;
    OpenAt(dir.path());
    kafka_config_.brokers = (*single)->bootstrap_servers();
    kafka_config_.group_id = "replay-" + std::to_string(batch);
    kafka_config_.batch_max_events = batch;
    auto ingestor = KafkaIngestor::Start(kafka_config_, (*single)->bootstrap_servers(), applier());
    ASSERT_TRUE(ingestor.ok()) << ingestor.status();
    auto handled = [&] {
      IngestStatus s = (*ingestor)->Status();
      return s.applied + s.ignored + s.rejected;
    };
    ASSERT_TRUE(WaitFor([&] { return handled() == total; }, absl::Seconds(180)))
        << "handled " << handled() << " of " << total;
    EXPECT_EQ((*ingestor)->Status().rejected, 0u);
    (*ingestor)->Stop();
    Close();
    states.push_back(testing::StoredRows(dir.path()));
  }
  ASSERT_GT(states[0].size(), 1000u);
  EXPECT_EQ(testing::CountDifferingRows(states[0], states[1]), 0u);
  EXPECT_EQ(testing::CountDifferingRows(states[0], states[2]), 0u);
}

}  // namespace
}  // namespace headliner
