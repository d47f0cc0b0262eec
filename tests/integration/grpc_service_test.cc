// The gRPC services through a real client over a TCP socket on 127.0.0.1.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/escaping.h"
#include "common/recommendation_token.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "headliner/v1/token.pb.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::TempDir;

class GrpcServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    config_.data_dir = dir_.path();
    config_.server.grpc_addr = "127.0.0.1:0";
    config_.server.admin_addr = "";  // Admin on the same port
    config_.server.max_message_bytes = 64 << 10;
    auto server = HeadlinerServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    related_ = v1::RelatedHeadlines::NewStub(channel_);
    admin_ = v1::Admin::NewStub(channel_);
  }

  grpc::Status Upsert(const v1::Article& a, v1::UpsertArticleResponse* out = nullptr) {
    v1::UpsertArticleRequest req;
    *req.mutable_article() = a;
    v1::UpsertArticleResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = admin_->UpsertArticle(&ctx, req, &resp);
    if (out) *out = resp;
    return s;
  }

  grpc::Status Related(const v1::GetRelatedRequest& req, v1::GetRelatedResponse& resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return related_->GetRelated(&ctx, req, &resp);
  }

  void LoadSome() {
    const absl::Time now = absl::Now();
    ASSERT_TRUE(Upsert(MakeArticle("jp1", "Japan, Pakistan agree on better industrial cooperation",
                                   now - absl::Hours(1)))
                    .ok());
    ASSERT_TRUE(Upsert(MakeArticle("jp2", "Pakistan and Japan sign industrial cooperation pact",
                                   now - absl::Hours(2)))
                    .ok());
    ASSERT_TRUE(Upsert(MakeArticle("tech", "Apple unveils new smartwatch at launch event",
                                   now - absl::Minutes(3), "technology"))
                    .ok());
  }

  Config config_;
  TempDir dir_;
  std::unique_ptr<HeadlinerServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RelatedHeadlines::Stub> related_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

TEST_F(GrpcServiceTest, HealthIsServingForServiceAndServer) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const char* service : {"", kRelatedServiceName}) {
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(health->Check(&ctx, req, &resp).ok()) << service;
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(GrpcServiceTest, UpsertThenRelatedWithTokenAndVariant) {
  LoadSome();
  v1::GetRelatedRequest req;
  req.set_article_id("jp1");
  req.set_explain(true);
  v1::GetRelatedResponse resp;
  ASSERT_TRUE(Related(req, resp).ok());
  ASSERT_GE(resp.items_size(), 1);
  EXPECT_EQ(resp.items(0).article_id(), "jp2");
  // Every field of the shown article, as upserted (the service moves them out of the result).
  EXPECT_EQ(resp.items(0).headline(), "Pakistan and Japan sign industrial cooperation pact");
  EXPECT_EQ(resp.items(0).url(), "https://news.example.com/jp2");
  EXPECT_EQ(resp.items(0).section(), "world");
  EXPECT_GT(resp.items(0).published_at().seconds(), 0);
  EXPECT_FALSE(resp.fallback());
  EXPECT_EQ(resp.variant(), "default");
  EXPECT_FALSE(resp.items(0).reasons().empty());
  absl::StatusOr<v1::RecommendationToken> decoded = DecodeRecommendationToken(resp.token(), "");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  const v1::RecommendationToken& token = *decoded;
  EXPECT_EQ(token.source_article_id(), "jp1");
}

TEST_F(GrpcServiceTest, UnknownArticleIsFallbackNotError) {
  LoadSome();
  v1::GetRelatedRequest req;
  req.set_article_id("does-not-exist");
  v1::GetRelatedResponse resp;
  ASSERT_TRUE(Related(req, resp).ok());
  EXPECT_TRUE(resp.fallback());
  ASSERT_EQ(resp.items_size(), 3);
  EXPECT_EQ(resp.items(0).article_id(), "tech");  // freshest first
}

TEST_F(GrpcServiceTest, BadRequestsAreInvalidArgument) {
  std::vector<v1::GetRelatedRequest> bad(5);
  bad[0].set_article_id("");
  bad[1].set_article_id(std::string(300, 'x'));
  bad[2].set_article_id("a");
  bad[2].set_limit(101);
  bad[3].set_article_id("a");
  bad[3].set_limit(-3);
  bad[4].set_article_id("a");
  for (int i = 0; i < 40; ++i) bad[4].mutable_filter()->add_languages("en");
  for (const auto& req : bad) {
    v1::GetRelatedResponse resp;
    EXPECT_EQ(Related(req, resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << req.ShortDebugString().substr(0, 80);
  }
  v1::Article invalid = MakeArticle("x", "", absl::Now());
  EXPECT_EQ(Upsert(invalid).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// Defect: a request gRPC could not parse (invalid UTF-8 in a string field) was answered
// UNIMPLEMENTED with an empty message.
TEST_F(GrpcServiceTest, RequestBytesThatAreNotAValidMessageAreInvalidArgumentWithAMessage) {
  grpc::GenericStub generic(channel_);
  const std::string invalid_utf8 = std::string("\x0a\x03") + "\xff\xfe\xfd";  // article_id
  const std::string not_protobuf = "\xff\xff\xff\xff";
  const std::vector<std::string> methods = {"/headliner.v1.RelatedHeadlines/GetRelated",
                                            "/headliner.v1.Admin/GetArticle",
                                            "/headliner.v1.Admin/DeleteArticle"};
  for (const std::string& method : methods) {
    for (const std::string& payload : {invalid_utf8, not_protobuf}) {
      grpc::Slice slice(payload);
      grpc::ByteBuffer request(&slice, 1), response;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      std::mutex mu;
      std::condition_variable cv;
      bool done = false;
      grpc::Status status;
      generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                        [&](grpc::Status s) {
                          std::lock_guard<std::mutex> lock(mu);
                          status = std::move(s);
                          done = true;
                          cv.notify_one();
                        });
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done; });
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
      EXPECT_THAT(status.error_message(), ::testing::HasSubstr("is not a valid headliner.v1."))
          << method;
    }
  }
  // Well-formed calls still work.
  v1::GetRelatedRequest ok;
  ok.set_article_id("a");
  v1::GetRelatedResponse resp;
  EXPECT_TRUE(Related(ok, resp).ok());
}

TEST_F(GrpcServiceTest, OversizedMessageIsRejectedByTransport) {
  v1::GetRelatedRequest req;
  req.set_article_id("a");
  for (int i = 0; i < 1000; ++i) req.mutable_filter()->add_exclude_ids(std::string(200, 'x'));
  v1::GetRelatedResponse resp;
  EXPECT_EQ(Related(req, resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // And the server still answers afterwards.
  v1::GetRelatedRequest ok;
  ok.set_article_id("a");
  EXPECT_TRUE(Related(ok, resp).ok());
}

TEST_F(GrpcServiceTest, ExpiredDeadlineIsDeadlineExceeded) {
  LoadSome();
  v1::GetRelatedRequest req;
  req.set_article_id("jp1");
  v1::GetRelatedResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() - std::chrono::milliseconds(1));
  EXPECT_EQ(related_->GetRelated(&ctx, req, &resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(GrpcServiceTest, GetDeleteAndStats) {
  LoadSome();
  grpc::ClientContext get_ctx;
  v1::GetArticleRequest get;
  get.set_article_id("jp1");
  v1::Article article;
  ASSERT_TRUE(admin_->GetArticle(&get_ctx, get, &article).ok());
  EXPECT_EQ(article.embedding_size(), config_.encoder.vector_dimension());

  grpc::ClientContext del_ctx;
  v1::DeleteArticleRequest del;
  del.set_article_id("jp2");
  v1::DeleteArticleResponse del_resp;
  ASSERT_TRUE(admin_->DeleteArticle(&del_ctx, del, &del_resp).ok());
  EXPECT_TRUE(del_resp.applied());

  v1::GetRelatedRequest req;
  req.set_article_id("jp1");
  v1::GetRelatedResponse resp;
  ASSERT_TRUE(Related(req, resp).ok());
  for (const auto& item : resp.items()) EXPECT_NE(item.article_id(), "jp2");

  grpc::ClientContext missing_ctx;
  del.set_article_id("never");
  EXPECT_EQ(admin_->DeleteArticle(&missing_ctx, del, &del_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext stats_ctx;
  v1::StatsResponse stats;
  ASSERT_TRUE(admin_->Stats(&stats_ctx, v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.articles(), 2u);
  EXPECT_EQ(stats.deleted_articles(), 1u);
  EXPECT_EQ(stats.index_vectors(), 2u);
  EXPECT_GT(stats.data_dir_bytes(), 0u);
  EXPECT_FALSE(stats.version().empty());
  EXPECT_GT(stats.memory().content_index(), 0u);
  EXPECT_GT(stats.memory().memtables(), 0u);  // the upserts above, not flushed yet
  EXPECT_LE(stats.memory().block_cache(), 256u << 20);
  EXPECT_EQ(stats.memory().candidate_lists(), stats.candidates().bytes());
  // The upserts read and wrote the id map through the apply step's hot rows.
  EXPECT_GT(stats.hot_rows().entries(), 0u);
  EXPECT_GT(stats.hot_rows().misses(), 0u);
  EXPECT_GT(stats.hot_rows().bytes(), 0u);
  EXPECT_EQ(stats.memory().hot_rows(), stats.hot_rows().bytes());
}

TEST_F(GrpcServiceTest, StateSurvivesCleanRestart) {
  LoadSome();
  v1::GetRelatedRequest req;
  req.set_article_id("jp1");
  v1::GetRelatedResponse before, after;
  ASSERT_TRUE(Related(req, before).ok());
  server_.reset();
  StartServer();
  ASSERT_TRUE(Related(req, after).ok());
  ASSERT_EQ(before.items_size(), after.items_size());
  for (int i = 0; i < before.items_size(); ++i) {
    EXPECT_EQ(before.items(i).article_id(), after.items(i).article_id());
  }
}

TEST_F(GrpcServiceTest, ConcurrentClientsWhileWriting) {
  LoadSome();
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        v1::GetRelatedRequest req;
        req.set_article_id("jp1");
        v1::GetRelatedResponse resp;
        if (!Related(req, resp).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Upsert(MakeArticle("w" + std::to_string(i),
                                   "Japan industrial news " + std::to_string(i), absl::Now()))
                    .ok());
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace headliner
