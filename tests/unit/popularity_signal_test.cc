#include "ingest/popularity_signal.h"

#include "engine_fixture.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class PopularitySignalTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    config_.clicks.popularity_half_life = absl::Hours(1);
    config_.clicks.trending_per_section = 2;
    Open();
    for (const char* id : {"a", "b", "c"}) {
      ids_[id] =
          MustApply(MakeArticle(id, std::string("Sport headline ") + id, kT0, "sport")).dense_id;
    }
    ids_["w"] = MustApply(MakeArticle("w", "World headline", kT0, "world")).dense_id;
  }
  void Clicks(const std::string& article, int n, absl::Duration at) {
    std::vector<IngestEvent> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(MakeClick(article + std::to_string(i) + absl::FormatDuration(at),
                                "s" + std::to_string(i), article, kT0 + at));
    }
    ASSERT_TRUE(applier().ApplyBatch(batch).ok());
  }
  std::vector<uint64_t> Trending(const std::string& section) {
    std::vector<uint64_t> out;
    absl::StatusOr<std::vector<TrendingArticle>> list = clicks().FindTrending(section);
    EXPECT_TRUE(list.ok()) << list.status();
    for (const TrendingArticle& t : list.value_or(std::vector<TrendingArticle>{})) {
      out.push_back(t.dense_id);
    }
    return out;
  }
  std::map<std::string, uint64_t> ids_;
};

TEST_F(PopularitySignalTest, ClickCountsAlsoAgeAtTheCoVisitationHalfLife) {
  Close();
  config_.covisitation.half_life = absl::Hours(2);
  Open();
  Clicks("a", 4, absl::ZeroDuration());
  Clicks("a", 1, absl::Hours(2));
  Clicks("w", 2, absl::Hours(4));
  absl::StatusOr<Activity> a = clicks().FindArticleActivity(ids_["a"]);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->clicks, 5u);
  EXPECT_DOUBLE_EQ(a->aged_clicks.value, 4.0 / 2 + 1);  // as of its latest click, t0 + 2h
  EXPECT_EQ(a->aged_clicks.as_of_micros, absl::ToUnixMicros(kT0 + absl::Hours(2)));
  EXPECT_DOUBLE_EQ(a->popularity.value, 4.0 / 4 + 1);  // popularity_half_life is 1 h
  absl::StatusOr<Activity> total = clicks().FindTotalActivity();
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->clicks, 7u);
  EXPECT_DOUBLE_EQ(total->aged_clicks.value, 3.0 / 2 + 2);
}

TEST_F(PopularitySignalTest, TrendingListIsOrderedByDecayedPopularityAndBounded) {
  Clicks("a", 8, absl::ZeroDuration());
  Clicks("b", 3, absl::ZeroDuration());
  EXPECT_EQ(Trending("sport"), (std::vector<uint64_t>{ids_["a"], ids_["b"]}));
  EXPECT_EQ(Trending("world"), std::vector<uint64_t>{});
  // Three hours later a's 8 clicks are worth 1; c's 2 fresh clicks overtake it, and b (3 clicks,
  // now worth 3/8) drops off the two-entry list.
  Clicks("c", 2, absl::Hours(3));
  EXPECT_EQ(Trending("sport"), (std::vector<uint64_t>{ids_["c"], ids_["a"]}));
  Clicks("w", 1, absl::Hours(3));
  EXPECT_EQ(Trending("world"), std::vector<uint64_t>{ids_["w"]});
  // Durable: the same after a restart.
  Close();
  Open();
  EXPECT_EQ(Trending("sport"), (std::vector<uint64_t>{ids_["c"], ids_["a"]}));
}

}  // namespace
}  // namespace headliner
