// Experiments through the served API: readers get their GrowthBook-assigned variant's ranking,
// responses and tokens say which, a QA request may force a variant when allowed, and a changed
// experiments file is served within seconds while a broken one changes nothing.
#include <fstream>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "cli/event_publisher.h"
#include "common/recommendation_token.h"
#include "experiment/growthbook_hash.h"
#include "experiment/team_draft.h"
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

// An interleaving experiment: team A ranks as the service does, team B by content alone.
constexpr char kInterleaving[] = R"(
allow_forced_variant: true
layers:
  - name: order
    experiments:
      - key: served-vs-content
        type: interleave
        unit: session
        control: served
        variants:
          - name: served
          - name: content
            ranking: {behaviour_weight: 0, covisitation_weight: 0, popularity_weight: 0,
                      freshness_weight: 0}
)";

class ExperimentsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() + "/experiments.yaml";
    Write(ContentOnly(false));
    config_.data_dir = dir_.path() + "/data";
    config_.server.grpc_addr = "127.0.0.1:0";
    config_.server.admin_addr = "";  // Admin on the same port
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

std::vector<uint64_t> HashedIds(const v1::GetRelatedResponse& resp) {
  std::vector<uint64_t> out;
  for (const v1::RelatedItem& item : resp.items()) out.push_back(absl::HashOf(item.article_id()));
  return out;
}

TEST_F(ExperimentsServiceTest, InterleavedResponsesMixBothRankingsAndReplayFromTheirToken) {
  Write(kInterleaving);
  v1::GetRelatedResponse resp;
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Related("s", resp).ok() && resp.variant() == "served-vs-content:interleaved"; },
      absl::Seconds(10)))
      << resp.variant();
  std::set<v1::InterleavingTeam> first_teams;
  for (int i = 0; i < 30; ++i) {
    resp.Clear();
    ASSERT_TRUE(Related("reader-" + std::to_string(i), resp).ok());
    ASSERT_EQ(resp.experiments_size(), 1);
    const v1::ExperimentVariant& e = resp.experiments(0);
    EXPECT_EQ(e.variant(), "interleaved");
    ASSERT_EQ(e.teams_size(), resp.items_size());
    ASSERT_GT(resp.items_size(), 1);
    first_teams.insert(e.teams(0));
    // Each item keeps its own ranking's explanation: team B's name content similarity only.
    for (int p = 0; p < resp.items_size(); ++p) {
      bool content_only = true;
      for (const v1::Reason& r : resp.items(p).reasons()) {
        content_only = content_only && r.feature() == "content_similarity";
      }
      EXPECT_EQ(content_only, e.teams(p) == v1::INTERLEAVING_TEAM_B) << p;
    }
    // The token records the teams, and its nonce replays the draft from the two rankings.
    absl::StatusOr<v1::RecommendationToken> token = DecodeRecommendationToken(resp.token(), "");
    ASSERT_TRUE(token.ok());
    EXPECT_EQ(token->experiments(0).teams_size(), resp.items_size());
    v1::GetRelatedResponse a, b;
    ASSERT_TRUE(Related("qa", a, "served-vs-content:served").ok());
    ASSERT_TRUE(Related("qa", b, "served-vs-content:content").ok());
    const std::vector<DraftPick> replay =
        TeamDraft(HashedIds(a), HashedIds(b), resp.items_size(), token->nonce());
    ASSERT_EQ(replay.size(), static_cast<size_t>(resp.items_size()));
    for (size_t p = 0; p < replay.size(); ++p) {
      const v1::GetRelatedResponse& from = replay[p].team == Team::kA ? a : b;
      EXPECT_EQ(from.items(replay[p].index).article_id(), resp.items(p).article_id());
    }
  }
  EXPECT_EQ(first_teams.size(), 2u) << "the coin never chose one of the teams to start";
  // QA may look at the mixed lists too.
  ASSERT_TRUE(Related("qa", resp, "served-vs-content:interleaved").ok());
  EXPECT_EQ(resp.experiments(0).teams_size(), resp.items_size());
}

// Clicks on an interleaved response credit the team of the clicked position; the report counts
// the impression as won by that team.
TEST_F(ExperimentsServiceTest, InterleavedClicksCreditTheirTeamInTheReport) {
  Config config = config_;
  config.data_dir = dir_.path() + "/interleave-kafka";
  config.kafka.brokers = kEmbeddedKafka;
  Write(kInterleaving);
  auto server = HeadlinerServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string brokers = (*server)->embedded_kafka_brokers();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto related = v1::RelatedHeadlines::NewStub(channel);
  auto admin = v1::Admin::NewStub(channel);
  auto publisher = EventPublisher::Create(brokers);
  ASSERT_TRUE(publisher.ok());
  const absl::Time now = absl::Now();
  for (int i = 0; i < 6; ++i) {
    const std::string id = "jp" + std::to_string(i);
    const std::string article =
        MakeArticle(id, "Japan and Pakistan industrial pact " + id, now - absl::Minutes(i))
            .SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("articles", id, &article).ok());
  }
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  auto ask = [&](const std::string& session, v1::GetRelatedResponse& resp) {
    v1::GetRelatedRequest req;
    req.set_article_id("jp0");
    req.set_session_id(session);
    grpc::ClientContext ctx;
    resp.Clear();
    return related->GetRelated(&ctx, req, &resp).ok() && resp.items_size() >= 3;
  };
  v1::GetRelatedResponse resp;
  // Waits for the catalog without a session (no exposure), then serves the one impression.
  ASSERT_TRUE(testing::WaitFor([&] { return ask("", resp); }, absl::Seconds(10)));
  ASSERT_TRUE(ask("reader-1", resp));
  ASSERT_EQ(resp.experiments(0).teams_size(), resp.items_size());
  // Two clicks on position 1's team; one more with a position the response did not have.
  const v1::InterleavingTeam team = resp.experiments(0).teams(1);
  int n = 0;
  for (int position : {1, 1, 40}) {
    v1::ClickEvent click = testing::MakeClick("c" + std::to_string(n++), "reader-1",
                                              resp.items(1).article_id(), absl::Now());
    click.set_token(resp.token());
    click.set_position(position);
    const std::string payload = click.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("clicks", "reader-1", &payload).ok());
  }
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  v1::ExperimentReportResponse report;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        v1::ExperimentReportRequest req;
        grpc::ClientContext ctx;
        report.Clear();
        return admin->ExperimentReport(&ctx, req, &report).ok() &&
               report.experiments(0).interleaving().impressions_with_clicks() == 1 &&
               report.unattributed_clicks().contains("bad_position") &&
               report.experiments(0).variants(0).impressions() == 1;
      },
      absl::Seconds(20)))
      << report.DebugString();
  const v1::InterleavingReport& r = report.experiments(0).interleaving();
  EXPECT_EQ(r.variant_a(), "served");
  EXPECT_EQ(r.variant_b(), "content");
  const bool a = team == v1::INTERLEAVING_TEAM_A;
  EXPECT_EQ(r.wins_a(), a ? 1u : 0u);
  EXPECT_EQ(r.wins_b(), a ? 0u : 1u);
  EXPECT_EQ(r.ties(), 0u);
  EXPECT_EQ(a ? r.clicks_a() : r.clicks_b(), 2u);
  EXPECT_DOUBLE_EQ(r.preference_b(), a ? -0.5 : 0.5);
  EXPECT_DOUBLE_EQ(r.p_value(), 1.0);  // one win proves nothing
  const v1::VariantReport& mixed = report.experiments(0).variants(0);
  EXPECT_EQ(mixed.variant(), "interleaved");
  EXPECT_EQ(mixed.units(), 1u);
  EXPECT_EQ(mixed.clicks(), 2u);
  EXPECT_EQ(report.unattributed_clicks().at("bad_position"), 1u);
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
