#include "kafka/impression_publisher.h"

#include "gtest/gtest.h"
#include "kafka/embedded_kafka.h"
#include "kafka_test_util.h"

namespace headliner {
namespace {

v1::ImpressionEvent Event(int i) {
  v1::ImpressionEvent e;
  e.set_token("token-" + std::to_string(i));
  e.set_session_id("session-" + std::to_string(i));
  e.add_item_ids("a");
  return e;
}

TEST(ImpressionPublisherTest, EventsReachTheTopicKeyedByTheReader) {
  auto kafka = EmbeddedKafka::Start({"impressions"}, 1);
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  KafkaConfig config;
  auto publisher = ImpressionPublisher::Start(config, (*kafka)->bootstrap_servers());
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  for (int i = 0; i < 5; ++i) (*publisher)->Publish(Event(i));
  const auto read =
      testing::ReadTopic((*kafka)->bootstrap_servers(), "impressions", 1, 5, absl::Seconds(20));
  ASSERT_EQ(read.size(), 5u);
  v1::ImpressionEvent first;
  ASSERT_TRUE(first.ParseFromString(read[0].payload));
  EXPECT_EQ(first.token(), "token-0");
  EXPECT_EQ(read[0].key, "session-0");
  EXPECT_EQ(read[0].headers.at("content-type"), "application/x-protobuf");
  EXPECT_TRUE(
      testing::WaitFor([&] { return (*publisher)->Stats().delivered == 5; }, absl::Seconds(10)));
  EXPECT_EQ((*publisher)->Stats().published, 5u);
  EXPECT_EQ((*publisher)->Stats().dropped, 0u);
}

TEST(ImpressionPublisherTest, WithTheBrokersAwayAFullQueueDropsInsteadOfWaiting) {
  KafkaConfig config;
  config.impression_queue_max = 3;
  auto publisher = ImpressionPublisher::Start(config, "127.0.0.1:1");  // nothing listens
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  const absl::Time start = absl::Now();
  for (int i = 0; i < 10; ++i) (*publisher)->Publish(Event(i));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  const ImpressionPublisherStats s = (*publisher)->Stats();
  EXPECT_EQ(s.published, 3u);
  EXPECT_EQ(s.dropped, 7u);
  EXPECT_EQ(s.delivered, 0u);
}

}  // namespace
}  // namespace headliner
