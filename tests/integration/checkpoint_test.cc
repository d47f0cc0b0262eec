// Admin.Checkpoint and a replica started from the checkpoint: it serves the same related lists as
// the server it was taken from, without replaying the topics (its offsets came with the state),
// and then catches up with what is produced after.
#include <filesystem>

#include "absl/strings/str_cat.h"
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

// A running server and its stubs (Admin on the same port).
struct Replica {
  std::unique_ptr<HeadlinerServer> server;
  std::unique_ptr<v1::Admin::Stub> admin;
  std::unique_ptr<v1::RelatedHeadlines::Stub> related;

  v1::StatsResponse Stats() const {
    grpc::ClientContext ctx;
    v1::StatsResponse stats;
    if (!admin->Stats(&ctx, v1::StatsRequest(), &stats).ok()) stats.Clear();
    return stats;
  }
  std::vector<std::string> RelatedIds(const std::string& id) const {
    grpc::ClientContext ctx;
    v1::GetRelatedRequest request;
    request.set_article_id(id);
    request.set_limit(5);
    v1::GetRelatedResponse response;
    std::vector<std::string> ids;
    if (!related->GetRelated(&ctx, request, &response).ok()) return {"<error>"};
    for (const auto& item : response.items()) ids.push_back(item.article_id());
    return ids;
  }
  grpc::Status Checkpoint(const std::string& dir, v1::CheckpointResponse& response) const {
    grpc::ClientContext ctx;
    v1::CheckpointRequest request;
    request.set_dir(dir);
    return admin->Checkpoint(&ctx, request, &response);
  }
};

Config ReplicaConfig(const std::string& data_dir, const std::string& brokers) {
  Config config;
  config.data_dir = data_dir;
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "";  // Admin on the same port
  config.encoder.kind = EncoderKind::kHashed;
  config.kafka.brokers = brokers;
  return config;
}

Replica Start(const Config& config) {
  Replica r;
  auto server = HeadlinerServer::Start(config);
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return r;
  r.server = std::move(*server);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", r.server->port()),
                                     grpc::InsecureChannelCredentials());
  r.admin = v1::Admin::NewStub(channel);
  r.related = v1::RelatedHeadlines::NewStub(channel);
  return r;
}

TEST(CheckpointTest, AReplicaFromACheckpointServesTheSameListsAndCatchesUp) {
  testing::TempDir dir;
  Replica a = Start(ReplicaConfig(dir.path() + "/a", kEmbeddedKafka));
  ASSERT_NE(a.server, nullptr);
  const std::string brokers = a.server->embedded_kafka_brokers();
  auto publisher = EventPublisher::Create(brokers);
  ASSERT_TRUE(publisher.ok());
  const absl::Time now = absl::Now();
  const std::vector<std::string> headlines = {
      "Japan, Pakistan agree on better industrial cooperation",
      "Pakistan and Japan sign an industrial pact",
      "Japan to invest in Pakistan's car industry",
      "Arsenal beat Chelsea in the cup final",
      "Chelsea fans despair after cup final defeat",
      "Central bank holds interest rates steady",
      "Interest rates unchanged as inflation eases",
      "New telescope finds water on a distant planet",
  };
  for (size_t i = 0; i < headlines.size(); ++i) {
    const std::string payload =
        MakeArticle(absl::StrCat("a", i), headlines[i], now - absl::Hours(i)).SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("articles", absl::StrCat("a", i), &payload).ok());
  }
  int clicks = 0;
  auto click = [&](const std::string& session, const std::string& article) {
    const std::string payload =
        MakeClick(absl::StrCat("c", clicks), session, article, now + absl::Seconds(clicks))
            .SerializeAsString();
    ++clicks;
    return (*publisher)->Publish("clicks", session, &payload).ok();
  };
  for (int s = 0; s < 6; ++s) {
    ASSERT_TRUE(click(absl::StrCat("s", s), "a0"));
    ASSERT_TRUE(click(absl::StrCat("s", s), s % 2 ? "a3" : "a5"));
  }
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        const v1::StatsResponse s = a.Stats();
        return s.clicks() == static_cast<uint64_t>(clicks) && s.ingest().state() == "live";
      },
      absl::Seconds(30)))
      << a.Stats().ShortDebugString();

  // Refusals first: they write nothing.
  v1::CheckpointResponse response;
  EXPECT_EQ(a.Checkpoint("relative/dir", response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(a.Checkpoint(dir.path() + "/missing/parent", response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(a.Checkpoint(dir.path() + "/a", response).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  const std::string checkpoint = dir.path() + "/checkpoint";
  ASSERT_TRUE(a.Checkpoint(checkpoint, response).ok());
  EXPECT_EQ(response.dir(), checkpoint);
  EXPECT_GT(response.bytes(), 0u);
  EXPECT_FALSE(std::filesystem::exists(checkpoint + ".partial"));
  std::map<std::string, std::vector<std::string>> lists;
  for (size_t i = 0; i < headlines.size(); ++i) {
    const std::string id = absl::StrCat("a", i);
    lists[id] = a.RelatedIds(id);
    EXPECT_FALSE(lists[id].empty()) << id;
  }

  // Replica B starts on the checkpoint, consuming the same cluster.
  Config b_config = ReplicaConfig(checkpoint, brokers);
  b_config.kafka.group_id = "replica-b";
  Replica b = Start(b_config);
  ASSERT_NE(b.server, nullptr);
  ASSERT_TRUE(WaitFor([&] { return b.Stats().ingest().state() == "live"; }, absl::Seconds(30)))
      << b.Stats().ingest().DebugString();
  v1::StatsResponse b_stats = b.Stats();
  EXPECT_EQ(b_stats.clicks(), static_cast<uint64_t>(clicks));
  EXPECT_EQ(b_stats.articles(), headlines.size());
  EXPECT_EQ(b_stats.ingest().events_applied(), 0u) << "the checkpoint's offsets were not used";
  EXPECT_TRUE(b_stats.index_snapshots().restored_from_snapshots());
  for (const auto& [id, ids] : lists) EXPECT_EQ(b.RelatedIds(id), ids) << id;

  // Both apply what comes next.
  ASSERT_TRUE(click("s9", "a0"));
  ASSERT_TRUE(click("s9", "a7"));
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  for (const Replica* r : {&a, &b}) {
    EXPECT_TRUE(WaitFor([&] { return r->Stats().clicks() == static_cast<uint64_t>(clicks); },
                        absl::Seconds(30)));
  }
  // The two new clicks and nothing before them (the counter is published after the batch).
  EXPECT_TRUE(WaitFor([&] { return b.Stats().ingest().events_applied() == 2; }, absl::Seconds(10)))
      << b.Stats().ingest().events_applied();
  b.server->Shutdown();
  a.server->Shutdown();
}

}  // namespace
}  // namespace headliner
