#include "ingest/covisitation_signal.h"

#include <cmath>

#include "engine_fixture.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class CoVisitationSignalTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    config_.covisitation.window = absl::Minutes(30);
    config_.covisitation.gap_half_life = absl::Minutes(10);
    config_.covisitation.max_partners = 2;
    config_.covisitation.tracked_partners = 2;
    Open();
    for (const char* id : {"a", "b", "c", "d"}) {
      ids_[id] = MustApply(MakeArticle(id, std::string("Headline ") + id, kT0)).dense_id;
    }
  }
  void Click(const std::string& event, const std::string& session, const std::string& article,
             absl::Duration after) {
    auto r = applier().ApplyClick(MakeClick(event, session, article, kT0 + after));
    ASSERT_TRUE(r.ok() && r->kind == EventOutcome::Kind::kApplied) << event;
  }
  double Weight(const std::string& a, const std::string& b) {
    return *tables().covisitation().FindWeight(ids_[a], ids_[b]);
  }
  std::vector<uint64_t> PartnerIds(const std::string& a) {
    std::vector<uint64_t> out;
    absl::StatusOr<std::vector<Partner>> partners = tables().covisitation().FindPartners(ids_[a]);
    EXPECT_TRUE(partners.ok());
    for (const Partner& p : partners.value_or(std::vector<Partner>{})) out.push_back(p.dense_id);
    return out;
  }

  // a-b twice (weights 1 and 1/2), a-d once far apart (1/4), a-c once close (2^-0.1).
  void ClickBThenDThenC() {
    Click("1", "s1", "a", absl::ZeroDuration());
    Click("2", "s1", "b", absl::ZeroDuration());
    Click("3", "s2", "a", absl::ZeroDuration());
    Click("4", "s2", "b", absl::Minutes(10));
    Click("5", "s3", "a", absl::ZeroDuration());
    Click("6", "s3", "d", absl::Minutes(20));
    Click("7", "s4", "a", absl::ZeroDuration());
    Click("8", "s4", "c", absl::Minutes(1));
  }

  std::map<std::string, uint64_t> ids_;
};

TEST_F(CoVisitationSignalTest, PairsWithinTheWindowWeighedByTheirGap) {
  Click("1", "s1", "a", absl::ZeroDuration());
  Click("2", "s1", "b", absl::Minutes(10));  // gap 10 min: weight 1/2
  Click("3", "s1", "c", absl::Minutes(35));  // b is 25 min back: 2^-2.5; a is 35 min: out
  EXPECT_FLOAT_EQ(Weight("a", "b"), 0.5);
  EXPECT_FLOAT_EQ(Weight("b", "a"), 0.5);  // symmetric
  EXPECT_FLOAT_EQ(Weight("b", "c"), std::exp2(-2.5));
  EXPECT_EQ(Weight("a", "c"), 0.0);
  EXPECT_EQ(Weight("a", "a"), 0.0);
}

TEST_F(CoVisitationSignalTest, AnArticleReadTwiceCountsOnceAtItsClosestGap) {
  Click("1", "s1", "a", absl::ZeroDuration());
  Click("2", "s1", "a", absl::Minutes(20));
  Click("3", "s1", "b", absl::Minutes(30));  // closest a is 10 min back
  EXPECT_FLOAT_EQ(Weight("a", "b"), 0.5);
}

TEST_F(CoVisitationSignalTest, PartnerListsKeepTheHeaviestInOrder) {
  // a-b twice, a-c once (closer), a-d once (farther): with room for two, a keeps b and c.
  ClickBThenDThenC();
  EXPECT_FLOAT_EQ(Weight("a", "b"), 1.5);
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["b"], ids_["c"]}));
  EXPECT_EQ(PartnerIds("d"), (std::vector<uint64_t>{ids_["a"]}));
  // d overtakes c once its weight is higher.
  Click("9", "s5", "a", absl::ZeroDuration());
  Click("10", "s5", "d", absl::ZeroDuration());
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["b"], ids_["d"]}));
}

TEST_F(CoVisitationSignalTest, AFullRowReplacesItsSmallestCountWhichTheNewcomerInherits) {
  // Space-Saving with room for two: a-b 1.5, a-d 0.25; then c (2^-0.1) replaces d, the smallest
  // count, inheriting 0.25 as its error; then d (1.0) replaces c (count 0.25 + 2^-0.1).
  ClickBThenDThenC();
  auto tracked = tables().covisitation().FindTracked(ids_["a"]);
  ASSERT_TRUE(tracked.ok());
  ASSERT_EQ(tracked->size(), 2u);
  EXPECT_EQ((*tracked)[1].dense_id, ids_["c"]);
  // Stored as float32.
  EXPECT_FLOAT_EQ((*tracked)[1].count, 0.25 + std::exp2(-0.1));
  EXPECT_FLOAT_EQ((*tracked)[1].error, 0.25);
  EXPECT_FLOAT_EQ(Weight("a", "c"), std::exp2(-0.1));  // the lower bound is exact here
  EXPECT_EQ(Weight("a", "d"), 0.0);                    // evicted

  Click("9", "s5", "a", absl::ZeroDuration());
  Click("10", "s5", "d", absl::ZeroDuration());
  // d's true weight is 1.25; its first 0.25 went with its eviction, so the bound says 1.
  EXPECT_FLOAT_EQ(Weight("a", "d"), 1.0);
  EXPECT_EQ(Weight("a", "c"), 0.0);
  EXPECT_FLOAT_EQ(Weight("a", "b"), 1.5);  // never evicted: exact
}

TEST_F(CoVisitationSignalTest, TrackedPartnersBeyondThoseRankingSeesKeepTheirWeight) {
  Close();
  config_.covisitation.max_partners = 1;
  config_.covisitation.tracked_partners = 3;
  Open();
  // a-b 1, a-c 0.5, a-d 0.25: all tracked, only b served; then c passes b.
  Click("1", "s1", "a", absl::ZeroDuration());
  Click("2", "s1", "b", absl::ZeroDuration());
  Click("3", "s2", "a", absl::ZeroDuration());
  Click("4", "s2", "c", absl::Minutes(10));
  Click("5", "s3", "a", absl::ZeroDuration());
  Click("6", "s3", "d", absl::Minutes(20));
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["b"]}));
  EXPECT_EQ(tables().covisitation().FindTracked(ids_["a"])->size(), 3u);
  Click("7", "s4", "a", absl::ZeroDuration());
  Click("8", "s4", "c", absl::Minutes(10));  // c: 0.5 + 0.5 = 1, tied with b: b stays first
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["b"]}));
  Click("9", "s5", "a", absl::ZeroDuration());
  Click("10", "s5", "c", absl::Minutes(20));  // c: 1.25
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["c"]}));
  EXPECT_FLOAT_EQ(Weight("a", "c"), 1.25);  // never evicted: exact
}

TEST_F(CoVisitationSignalTest, ASessionsClicksInOneBatchSeeEachOther) {
  std::vector<IngestEvent> events = {MakeClick("1", "s1", "a", kT0), MakeClick("2", "s1", "b", kT0),
                                     MakeClick("3", "s1", "c", kT0)};
  ASSERT_TRUE(applier().ApplyBatch(events).ok());
  EXPECT_FLOAT_EQ(Weight("a", "b"), 1.0);
  EXPECT_FLOAT_EQ(Weight("a", "c"), 1.0);
  EXPECT_FLOAT_EQ(Weight("b", "c"), 1.0);
}

}  // namespace
}  // namespace headliner
