// Experiments through the served API: readers get their GrowthBook-assigned variant's ranking,
// responses and tokens say which, a QA request may force a variant when allowed, and a changed
// experiments file is served within seconds while a broken one changes nothing.
#include <fstream>

#include "absl/strings/escaping.h"
#include "cli/event_publisher.h"
#include "common/recommendation_token.h"
#include "experiment/growthbook_hash.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/impression.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "headliner/v1/token.pb.h"
#include "kafka_test_util.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

using ::testing::HasSubstr;
using testing::MakeArticle;

// A treatment that ranks by content alone: its explanations name no other feature.
std::string ContentOnly(bool allow_forced, const std::string& state = "running") {
  return std::string("allow_forced_variant: ") + (allow_forced ? "true" : "false") + R"(
layers:
  - name: blend
    experiments:
      - key: content-only
        unit: session
        state: )" +
         state + R"(
        control: control
        variants:
          - {name: control, weight: 0.5}
          - name: treatment
            weight: 0.5
            ranking: {behaviour_weight: 0, covisitation_weight: 0, popularity_weight: 0,
                      freshness_weight: 0}
)";
}

class ExperimentsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() + "/experiments.yaml";
    Write(ContentOnly(false));
    config_.data_dir = dir_.path() + "/data";
    config_.server.grpc_addr = "127.0.0.1:0";
    config_.experiments.file = file_;
    config_.experiments.reload_interval = absl::Milliseconds(50);
    auto server = HeadlinerServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                       grpc::InsecureChannelCredentials());
    related_ = v1::RelatedHeadlines::NewStub(channel);
    admin_ = v1::Admin::NewStub(channel);
    const absl::Time now = absl::Now();
    for (const auto& [id, headline] :
         {std::pair<std::string, std::string>{"jp1", "Japan, Pakistan agree on industrial pact"},
          {"jp2", "Pakistan and Japan sign industrial cooperation pact"},
          {"jp3", "Japan and Pakistan to deepen industrial cooperation"}}) {
      v1::UpsertArticleRequest req;
      *req.mutable_article() = MakeArticle(id, headline, now - absl::Hours(1));
      v1::UpsertArticleResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(admin_->UpsertArticle(&ctx, req, &resp).ok());
    }
  }

  void Write(const std::string& text) {
    const std::string tmp = file_ + ".tmp";
    std::ofstream(tmp) << text;
    std::filesystem::rename(tmp, file_);
  }

  grpc::Status Related(const std::string& session, v1::GetRelatedResponse& resp,
                       const std::string& force = "") {
    v1::GetRelatedRequest req;
    req.set_article_id("jp1");
    req.set_session_id(session);
    req.set_force_variant(force);
    req.set_explain(true);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return related_->GetRelated(&ctx, req, &resp);
  }

  // The variant a session gets, computed here from GrowthBook's hash (no namespace range: the
  // experiment takes the whole layer).
  static std::string Expected(const std::string& session) {
    return GrowthBookHash("content-only", session, 2) < 0.5 ? "control" : "treatment";
  }

  static std::vector<std::string> Features(const v1::GetRelatedResponse& resp) {
    std::vector<std::string> out;
    for (const v1::Reason& r : resp.items(0).reasons()) out.push_back(r.feature());
    return out;
  }

  testing::TempDir dir_;
  std::string file_;
  Config config_;
  std::unique_ptr<HeadlinerServer> server_;
  std::unique_ptr<v1::RelatedHeadlines::Stub> related_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

TEST_F(ExperimentsServiceTest, ReadersGetTheirAssignedVariantsRanking) {
  std::set<std::string> seen;
  for (int i = 0; i < 40; ++i) {
    const std::string session = "session-" + std::to_string(i);
    v1::GetRelatedResponse resp;
    ASSERT_TRUE(Related(session, resp).ok());
    ASSERT_GT(resp.items_size(), 0);
    const std::string variant = Expected(session);
    seen.insert(variant);
    ASSERT_EQ(resp.experiments_size(), 1);
    EXPECT_EQ(resp.experiments(0).experiment(), "content-only");
    EXPECT_EQ(resp.experiments(0).variant(), variant) << session;
    EXPECT_EQ(resp.variant(), "content-only:" + variant);
    if (variant == "treatment") {
      EXPECT_THAT(Features(resp), ::testing::ElementsAre("content_similarity"));
    } else {
      EXPECT_THAT(Features(resp), ::testing::Contains("freshness"));
    }
    absl::StatusOr<v1::RecommendationToken> decoded = DecodeRecommendationToken(resp.token(), "");
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    const v1::RecommendationToken& token = *decoded;
    ASSERT_EQ(token.experiments_size(), 1);
    EXPECT_EQ(token.experiments(0).variant(), variant);
    EXPECT_EQ(token.variant(), resp.variant());
  }
  EXPECT_EQ(seen.size(), 2u);
  // Without the unit id: the service's ranking, in no experiment.
  v1::GetRelatedResponse anonymous;
  ASSERT_TRUE(Related("", anonymous).ok());
  EXPECT_EQ(anonymous.variant(), "default");
  EXPECT_EQ(anonymous.experiments_size(), 0);
}

TEST_F(ExperimentsServiceTest, AVariantIsForcedOnlyWhenTheFileAllowsIt) {
  v1::GetRelatedResponse resp;
  grpc::Status refused = Related("", resp, "content-only:treatment");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("allow_forced_variant"));

  Write(ContentOnly(true));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status forced;
  do {
    resp.Clear();
    forced = Related("", resp, "content-only:treatment");
  } while (!forced.ok() && absl::Now() < deadline);
  ASSERT_TRUE(forced.ok()) << forced.error_message();
  EXPECT_EQ(resp.variant(), "content-only:treatment");
  EXPECT_THAT(Features(resp), ::testing::ElementsAre("content_similarity"));
  EXPECT_EQ(Related("", resp, "content-only:nope").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ExperimentsServiceTest, AChangedFileIsServedWithinSecondsAndABrokenOneChangesNothing) {
  // Sessions in the treatment, before and after the experiment stops.
  std::vector<std::string> treated;
  for (int i = 0; treated.size() < 3; ++i) {
    const std::string s = "s" + std::to_string(i);
    if (Expected(s) == "treatment") treated.push_back(s);
  }
  Write(ContentOnly(false, "stopped"));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  v1::GetRelatedResponse resp;
  do {
    resp.Clear();
    ASSERT_TRUE(Related(treated[0], resp).ok());
  } while (resp.variant() != "default" && absl::Now() < deadline);
  EXPECT_EQ(resp.variant(), "default");

  Write("layers: [\n");  // broken: the stopped experiment stays in force
  absl::SleepFor(absl::Milliseconds(500));
  for (const std::string& s : treated) {
    resp.Clear();
    ASSERT_TRUE(Related(s, resp).ok());
    EXPECT_EQ(resp.variant(), "default");
  }
  v1::StatsResponse stats;
  grpc::ClientContext ctx;
  ASSERT_TRUE(admin_->Stats(&ctx, v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.experiments().file(), file_);
  EXPECT_EQ(stats.experiments().reload_failures(), 1u);
  EXPECT_THAT(stats.experiments().last_error(), HasSubstr("experiments.yaml:2: not valid YAML"));
  EXPECT_EQ(stats.experiments().experiments(), 1u);
  EXPECT_EQ(stats.experiments().running(), 0u);  // the stopped one stays in force
}

TEST_F(ExperimentsServiceTest, TokensAreSignedWithTheDeploymentsKey) {
  Config config = config_;
  config.data_dir = dir_.path() + "/keyed";
  config.experiments.token_key_file = dir_.path() + "/token.key";
  EXPECT_THAT(HeadlinerServer::Start(config).status().message(),
              HasSubstr("experiments.token_key_file: cannot read"));
  std::ofstream(config.experiments.token_key_file) << "k8s-secret-bytes";
  auto server = HeadlinerServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  auto related = v1::RelatedHeadlines::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*server)->port()), grpc::InsecureChannelCredentials()));
  v1::GetRelatedRequest req;
  req.set_article_id("anything");
  v1::GetRelatedResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(related->GetRelated(&ctx, req, &resp).ok());
  EXPECT_TRUE(DecodeRecommendationToken(resp.token(), "k8s-secret-bytes").ok());
  EXPECT_FALSE(DecodeRecommendationToken(resp.token(), "").ok());
}

// The loop through Kafka: a response's exposure is published, every replica's apply step reads
// it back, a click carrying the response's token is attributed to the same variant, and the
// report shows both.
TEST_F(ExperimentsServiceTest, ExposuresAndClicksComeBackThroughKafkaIntoTheReport) {
  Config config = config_;
  config.data_dir = dir_.path() + "/with-kafka";
  config.kafka.brokers = kEmbeddedKafka;
  Write(ContentOnly(true));
  auto server = HeadlinerServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string brokers = (*server)->embedded_kafka_brokers();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto related = v1::RelatedHeadlines::NewStub(channel);
  auto admin = v1::Admin::NewStub(channel);
  auto ask = [&](const std::string& session, const std::string& force) {
    v1::GetRelatedRequest req;
    req.set_article_id("jp1");
    req.set_session_id(session);
    req.set_force_variant(force);
    v1::GetRelatedResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(related->GetRelated(&ctx, req, &resp).ok());
    return resp;
  };
  const v1::GetRelatedResponse exposed = ask("reader-1", "");
  ask("", "");                                // in no experiment: no exposure
  ask("reader-2", "content-only:treatment");  // QA: no exposure
  const auto read = testing::ReadTopic(brokers, "impressions", 3, 2, absl::Seconds(10));
  ASSERT_EQ(read.size(), 1u);
  v1::ImpressionEvent event;
  ASSERT_TRUE(event.ParseFromString(read[0].payload));
  EXPECT_EQ(event.token(), exposed.token());
  EXPECT_EQ(event.session_id(), "reader-1");
  ASSERT_EQ(event.experiments_size(), 1);
  EXPECT_EQ(event.experiments(0).variant(), Expected("reader-1"));
  EXPECT_EQ(event.experiments(0).unit(), v1::EXPERIMENT_UNIT_SESSION);

  // The reader clicks (the article is in the catalog), with the response's token; a forger
  // clicks with a made-up one.
  auto publisher = EventPublisher::Create(brokers);
  ASSERT_TRUE(publisher.ok());
  const std::string article =
      MakeArticle("jp9", "Japan and Pakistan", absl::Now()).SerializeAsString();
  ASSERT_TRUE((*publisher)->Publish("articles", "jp9", &article).ok());
  v1::ClickEvent click = testing::MakeClick("k1", "reader-1", "jp9", absl::Now());
  click.set_token(exposed.token());
  v1::ClickEvent forged = testing::MakeClick("k2", "reader-3", "jp9", absl::Now());
  forged.set_token(exposed.token().substr(0, exposed.token().find('.')) + ".AAAA");
  for (const v1::ClickEvent& c : {click, forged}) {
    const std::string payload = c.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("clicks", c.session_id(), &payload).ok());
  }
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());

  v1::ExperimentReportResponse report;
  const bool counted = testing::WaitFor(
      [&] {
        v1::ExperimentReportRequest req;
        req.set_experiment("content-only");
        grpc::ClientContext ctx;
        report.Clear();
        if (!admin->ExperimentReport(&ctx, req, &report).ok()) return false;
        uint64_t impressions = 0, clicks = 0;
        for (const v1::VariantReport& v : report.experiments(0).variants()) {
          impressions += v.impressions();
          clicks += v.clicks();
        }
        return impressions == 1 && clicks == 1;
      },
      absl::Seconds(20));
  ASSERT_TRUE(counted) << report.DebugString();
  for (const v1::VariantReport& v : report.experiments(0).variants()) {
    const bool exposed_variant = v.variant() == Expected("reader-1");
    EXPECT_EQ(v.units(), exposed_variant ? 1u : 0u) << v.variant();
    EXPECT_EQ(v.clicks(), exposed_variant ? 1u : 0u) << v.variant();
    EXPECT_DOUBLE_EQ(v.weight(), 0.5);
  }
  EXPECT_TRUE(report.experiments(0).in_config());
  EXPECT_EQ(report.unattributed_clicks().at("forged_token"), 1u);
  v1::StatsResponse stats;
  grpc::ClientContext ctx;
  ASSERT_TRUE(admin->Stats(&ctx, v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.experiments().impressions_published(), 1u);
  grpc::ClientContext unknown_ctx;
  v1::ExperimentReportRequest unknown;
  unknown.set_experiment("nope");
  EXPECT_EQ(admin->ExperimentReport(&unknown_ctx, unknown, &report).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ExperimentsServiceTest, AnInvalidFileStopsTheStartNamingLineAndKey) {
  Write(ContentOnly(false).replace(ContentOnly(false).find("weight: 0.5"), 11, "weight: 0.7"));
  Config config = config_;
  config.data_dir = dir_.path() + "/other";
  auto server = HeadlinerServer::Start(config);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(),
              HasSubstr("experiments.yaml:10: layers[0].experiments[0].variants: weights must add "
                        "up to 1, got 1.2"));
}

}  // namespace
}  // namespace headliner
