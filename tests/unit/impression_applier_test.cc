// Exposures and clicks attributed to experiment variants through the apply path: impressions from
// the impressions topic (ImpressionApplier) and clicks carrying response tokens
// (ExperimentClickSignal), exactly once and only with tokens this deployment signed.
#include "ingest/impression_applier.h"

#include <fstream>

#include "common/recommendation_token.h"
#include "engine_fixture.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

constexpr char kKey[] = "deployment key";
const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class ImpressionApplierTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    const std::string key_file = dir_.path() + "/token.key";
    std::ofstream(key_file) << kKey;
    config_.experiments.token_key_file = key_file;
    OpenAt(dir_.path() + "/data");
    MustApply(MakeArticle("a1", "Japan and Pakistan sign a pact", kT0));
    MustApply(MakeArticle("a2", "Pakistan, Japan agree on industry", kT0));
  }
  static std::string Token(const std::string& variant, const std::string& key = kKey) {
    v1::RecommendationToken t;
    t.set_source_article_id("a1");
    t.set_nonce(7);
    v1::ExperimentVariant* e = t.add_experiments();
    e->set_experiment("exp");
    e->set_variant(variant);
    e->set_unit(v1::EXPERIMENT_UNIT_SESSION);
    return EncodeRecommendationToken(t, key);
  }
  static v1::ImpressionEvent Impression(const std::string& session, const std::string& variant) {
    v1::ImpressionEvent e;
    e.set_token(Token(variant));
    e.set_session_id(session);
    v1::ExperimentVariant* x = e.add_experiments();
    x->set_experiment("exp");
    x->set_variant(variant);
    x->set_unit(v1::EXPERIMENT_UNIT_SESSION);
    e.add_item_ids("a2");
    return e;
  }
  static v1::ClickEvent Click(const std::string& id, const std::string& session,
                              const std::string& token) {
    v1::ClickEvent c = MakeClick(id, session, "a2", kT0 + absl::Minutes(1));
    c.set_source_article_id("a1");
    c.set_token(token);
    return c;
  }
  std::vector<EventOutcome> Apply(std::vector<IngestEvent> events) {
    auto outcomes = applier().ApplyBatch(events);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<EventOutcome>();
  }
  VariantTotals Totals(const std::string& variant) {
    auto all = tables().experiments().AllTotals();
    EXPECT_TRUE(all.ok());
    auto it = all->find({"exp", variant});
    return it == all->end() ? VariantTotals() : it->second;
  }
};

TEST_F(ImpressionApplierTest, ImpressionsAndClicksCountPerUnitAndVariant) {
  Apply({Impression("s1", "t"), Impression("s1", "t"), Impression("s2", "c"),
         Click("k1", "s1", Token("t")), Click("k2", "s2", "")});
  Apply({Click("k1", "s1", Token("t"))});  // the same click again: a duplicate, not counted
  const VariantTotals t = Totals("t");
  EXPECT_EQ(t.units, 1u);
  EXPECT_EQ(t.impressions, 2u);
  EXPECT_EQ(t.clicks, 1u);
  EXPECT_EQ(t.impressions_squared, 4u);
  EXPECT_EQ(t.impressions_clicks, 2u);
  EXPECT_EQ(Totals("c").impressions, 1u);
  EXPECT_EQ(Totals("c").clicks, 0u);  // its click had no token
  // The click counted for the other signals too.
  EXPECT_EQ(clicks().FindArticleActivity(*articles().FindDenseId("a2").value())->clicks, 2u);
}

TEST_F(ImpressionApplierTest, ForgedAndMalformedTokensAreCountedNotAttributed) {
  Apply({Click("k1", "s1", Token("t", "another key")), Click("k2", "s1", "garbage"),
         Click("k3", "", Token("t"))});
  EXPECT_EQ(Totals("t").clicks, 0u);
  auto unattributed = tables().experiments().Unattributed();
  ASSERT_TRUE(unattributed.ok());
  EXPECT_EQ((*unattributed)["forged_token"], 1u);
  EXPECT_EQ((*unattributed)["malformed_token"], 1u);
  EXPECT_EQ(unattributed->count("missing_unit"), 0u);  // k3 has no session: rejected as a click
}

TEST_F(ImpressionApplierTest, BadImpressionsAreRejectedWithAReason) {
  v1::ImpressionEvent forged = Impression("s1", "t");
  forged.set_token(Token("t", "another key"));
  v1::ImpressionEvent no_unit = Impression("", "t");
  v1::ImpressionEvent none = Impression("s1", "t");
  none.clear_experiments();
  const std::vector<EventOutcome> out = Apply({forged, no_unit, none});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].reason, "bad_token");
  EXPECT_EQ(out[1].reason, "missing_unit");
  EXPECT_EQ(out[2].reason, "bad_experiments");
  EXPECT_EQ(Totals("t").impressions, 0u);
  EXPECT_EQ((*tables().rejections().All())["impressions/bad_token"], 1u);
}

// An interleaved response's token and exposure: items a2 (team B) and a1 (team A).
std::string InterleavedToken() {
  v1::RecommendationToken t;
  t.set_source_article_id("a1");
  t.set_nonce(42);
  v1::ExperimentVariant* e = t.add_experiments();
  e->set_experiment("mix");
  e->set_variant("interleaved");
  e->set_unit(v1::EXPERIMENT_UNIT_SESSION);
  e->add_teams(v1::INTERLEAVING_TEAM_B);
  e->add_teams(v1::INTERLEAVING_TEAM_A);
  t.set_item_checks(ItemCheck("a2") + ItemCheck("a1"));
  return EncodeRecommendationToken(t, kKey);
}

TEST_F(ImpressionApplierTest, InterleavedClicksCreditTheTeamOfTheirPositionOnce) {
  v1::ImpressionEvent shown;
  shown.set_token(InterleavedToken());
  shown.set_session_id("s1");
  v1::RecommendationToken decoded = *DecodeRecommendationToken(shown.token(), kKey);
  *shown.add_experiments() = decoded.experiments(0);
  shown.add_item_ids("a2");
  shown.add_item_ids("a1");
  v1::ImpressionEvent missing_teams = shown;
  missing_teams.mutable_experiments(0)->clear_teams();
  v1::ClickEvent on_b = Click("k1", "s1", InterleavedToken());  // a2, position 0: team B
  v1::ClickEvent nowhere = Click("k2", "s1", InterleavedToken());
  nowhere.set_position(2);
  v1::ClickEvent not_there = Click("k3", "s1", InterleavedToken());  // a2 is not at position 1
  not_there.set_position(1);
  const std::vector<EventOutcome> out = Apply({shown, missing_teams, on_b, nowhere, not_there});
  EXPECT_EQ(out[1].reason, "bad_experiments");
  Apply({on_b});  // a duplicate: not counted again
  const auto all = tables().interleaving().AllTotals();
  ASSERT_TRUE(all.ok());
  const InterleavingTotals& t = all->at("mix");
  EXPECT_EQ(t.impressions_with_clicks, 1u);
  EXPECT_EQ(t.wins_b, 1u);
  EXPECT_EQ(t.clicks_b, 1u);
  EXPECT_EQ(t.wins_a + t.ties + t.clicks_a, 0u);
  auto mixed = tables().experiments().AllTotals();
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->at({"mix", "interleaved"}).impressions, 1u);
  EXPECT_EQ(mixed->at({"mix", "interleaved"}).clicks, 1u);
  EXPECT_EQ((*tables().experiments().Unattributed())["bad_position"], 2u);
}

}  // namespace
}  // namespace headliner
