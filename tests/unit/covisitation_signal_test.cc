#include "ingest/covisitation_signal.h"

#include <cmath>

#include "absl/strings/str_cat.h"
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
    config_.covisitation.half_life = absl::InfiniteDuration();  // the ageing tests set one
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
    absl::StatusOr<PartnerRow> row = tables().covisitation().FindPartners(ids_[a]);
    EXPECT_TRUE(row.ok());
    for (const Partner& p : row.value_or(PartnerRow{}).partners) out.push_back(p.dense_id);
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
  ASSERT_EQ(tracked->tracked.size(), 2u);
  EXPECT_EQ(tracked->tracked[1].dense_id, ids_["c"]);
  // Stored as float32.
  EXPECT_FLOAT_EQ(tracked->tracked[1].count, 0.25 + std::exp2(-0.1));
  EXPECT_FLOAT_EQ(tracked->tracked[1].error, 0.25);
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
  EXPECT_EQ(tables().covisitation().FindTracked(ids_["a"])->tracked.size(), 3u);
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

class CoVisitationAgeingTest : public CoVisitationSignalTest {
 protected:
  void SetUp() override {
    CoVisitationSignalTest::SetUp();
    Close();
    config_.covisitation.half_life = absl::Hours(1);
    config_.covisitation.max_partners = 3;
    config_.covisitation.tracked_partners = 3;
    Open();
  }
};

TEST_F(CoVisitationAgeingTest, ARowsWeightsAgeToItsLatestClick) {
  Click("1", "s1", "a", absl::ZeroDuration());
  Click("2", "s1", "b", absl::ZeroDuration());  // a-b 1 at t0
  Click("3", "s2", "a", absl::Hours(1));
  Click("4", "s2", "c", absl::Hours(1));  // a-c 1 at t0 + 1h, when a-b is 1/2
  auto row = tables().covisitation().FindTracked(ids_["a"]);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->as_of_micros, absl::ToUnixMicros(kT0 + absl::Hours(1)));
  EXPECT_FLOAT_EQ(Weight("a", "b"), 0.5);
  EXPECT_FLOAT_EQ(Weight("a", "c"), 1.0);
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["c"], ids_["b"]}));
  // b's row was not touched since t0: its weight is as of then.
  EXPECT_FLOAT_EQ(Weight("b", "a"), 1.0);
  EXPECT_EQ(tables().covisitation().FindTracked(ids_["b"])->as_of_micros, absl::ToUnixMicros(kT0));
}

TEST_F(CoVisitationAgeingTest, AClickOlderThanTheRowAddsItsWeightAgedToTheRowsTime) {
  Click("1", "s1", "a", absl::Hours(2));
  Click("2", "s1", "b", absl::Hours(2));  // a-b 1 at t0 + 2h
  Click("3", "s2", "a", absl::ZeroDuration());
  Click("4", "s2", "b", absl::ZeroDuration());  // late: 1 at t0 is 1/4 at t0 + 2h
  EXPECT_FLOAT_EQ(Weight("a", "b"), 1.25);
  EXPECT_EQ(tables().covisitation().FindTracked(ids_["a"])->as_of_micros,
            absl::ToUnixMicros(kT0 + absl::Hours(2)));
}

TEST_F(CoVisitationAgeingTest, AClickSoonAfterTheRowsTimeAddsItsWeightAsOfThatTime) {
  Click("1", "s1", "a", absl::ZeroDuration());
  Click("2", "s1", "b", absl::ZeroDuration());  // a's row at t0
  // 30 s later (within half_life / 64) the row is not rewritten: c's 1 at t0 + 30 s is
  // 2^(30 / 3600) as of t0, and b keeps its count.
  Click("3", "s2", "a", absl::Seconds(30));
  Click("4", "s2", "c", absl::Seconds(30));
  auto row = tables().covisitation().FindTracked(ids_["a"]);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->as_of_micros, absl::ToUnixMicros(kT0));
  EXPECT_FLOAT_EQ(Weight("a", "b"), 1.0);
  EXPECT_FLOAT_EQ(Weight("a", "c"), std::exp2(30.0 / 3600));
}

TEST_F(CoVisitationAgeingTest, ThisMorningsPairOutweighsYesterdaysHeavierOne) {
  for (int i = 0; i < 8; ++i) {  // a-b read together by eight sessions
    Click(absl::StrCat("b", i), absl::StrCat("s", i), "a", absl::ZeroDuration());
    Click(absl::StrCat("b", i, "x"), absl::StrCat("s", i), "b", absl::ZeroDuration());
  }
  for (int i = 0; i < 2; ++i) {  // a-c by two sessions, 6 h later: 8 / 64 < 2
    Click(absl::StrCat("c", i), absl::StrCat("t", i), "a", absl::Hours(6));
    Click(absl::StrCat("c", i, "x"), absl::StrCat("t", i), "c", absl::Hours(6));
  }
  EXPECT_EQ(PartnerIds("a"), (std::vector<uint64_t>{ids_["c"], ids_["b"]}));
  EXPECT_FLOAT_EQ(Weight("a", "b"), 8.0 / 64);
}

}  // namespace
}  // namespace headliner
