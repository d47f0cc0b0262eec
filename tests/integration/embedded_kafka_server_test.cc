// The whole server in embedded-Kafka mode (the demo's default without Java): events published to
// its in-process cluster reach GetRelated, Admin.GetActivity and Admin.Stats.
#include "cli/event_publisher.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "kafka_test_util.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;
using testing::WaitFor;

TEST(EmbeddedKafkaServerTest, EventsFlowFromTheEmbeddedClusterToTheRpcs) {
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "";  // Admin on the same port
  config.kafka.brokers = kEmbeddedKafka;
  auto server = HeadlinerServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string brokers = (*server)->embedded_kafka_brokers();
  ASSERT_FALSE(brokers.empty());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto admin = v1::Admin::NewStub(channel);
  auto related = v1::RelatedHeadlines::NewStub(channel);

  auto publisher = EventPublisher::Create(brokers);
  ASSERT_TRUE(publisher.ok());
  const absl::Time now = absl::Now();
  for (const auto& a : {MakeArticle("jp1", "Japan, Pakistan agree on industrial cooperation", now),
                        MakeArticle("jp2", "Pakistan and Japan sign industrial pact", now),
                        MakeArticle("fifa", "Arsenal beat Chelsea in cup final", now, "sport")}) {
    const std::string payload = a.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("articles", a.id(), &payload).ok());
  }
  for (int i = 0; i < 3; ++i) {
    const std::string payload =
        MakeClick("c" + std::to_string(i), "s1", "jp2", now + absl::Seconds(i)).SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("clicks", "s1", &payload).ok());
  }
  const std::string junk = "{oops";
  ASSERT_TRUE((*publisher)->Publish("clicks", "s1", &junk, "application/json").ok());
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());

  v1::StatsResponse stats;
  ASSERT_TRUE(WaitFor(
      [&] {
        grpc::ClientContext ctx;
        stats.Clear();
        return admin->Stats(&ctx, v1::StatsRequest(), &stats).ok() && stats.clicks() == 3 &&
               stats.rejected().contains("clicks/undecodable");
      },
      absl::Seconds(30)))
      << stats.DebugString();
  EXPECT_EQ(stats.articles(), 3u);
  EXPECT_TRUE(stats.ingest().enabled());
  EXPECT_EQ(stats.ingest().brokers(), brokers);
  EXPECT_EQ(stats.ingest().partitions_size(), 6);

  v1::GetActivityRequest activity_request;
  activity_request.add_article_ids("jp2");
  activity_request.add_sections("world");
  v1::GetActivityResponse activity;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(admin->GetActivity(&ctx, activity_request, &activity).ok());
  }
  ASSERT_EQ(activity.articles_size(), 1);
  EXPECT_EQ(activity.articles(0).clicks(), 3u);
  EXPECT_GT(activity.articles(0).popularity(), 2.99);
  EXPECT_EQ(activity.sections(0).clicks(), 3u);
  activity_request.add_article_ids("nope");
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(admin->GetActivity(&ctx, activity_request, &activity).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  v1::GetRelatedRequest request;
  request.set_article_id("jp1");
  v1::GetRelatedResponse response;
  grpc::ClientContext ctx;
  ASSERT_TRUE(related->GetRelated(&ctx, request, &response).ok());
  ASSERT_GE(response.items_size(), 1);
  EXPECT_EQ(response.items(0).article_id(), "jp2");
  (*server)->Shutdown();
}

}  // namespace
}  // namespace headliner
