#include "rank/candidate_refresher.h"

#include <thread>

#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "rank/ranker.h"

namespace headliner {
namespace {

using testing::MakeArticle;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

// The served ranker (candidate lists cached, kept fresh by the refresher) must rank exactly as a
// ranker that builds every list per request from the current state.
class CandidateRefresherTest : public testing::EngineFixture {
 protected:
  void Load() {
    Open();
    ASSERT_NE(engine_->candidate_cache(), nullptr);
    const std::vector<std::string> headlines = {
        "Japan, Pakistan agree on better industrial cooperation",
        "Pakistan and Japan sign industrial cooperation pact",
        "Japan pledges closer industrial ties with Pakistan",
        "Apple unveils new smartwatch at launch event",
        "Arsenal beat Chelsea to reach cup final",
        "Floods force thousands from homes in Kenya"};
    for (size_t i = 0; i < headlines.size(); ++i) {
      MustApply(MakeArticle("a" + std::to_string(i), headlines[i], kNow - absl::Hours(i + 1)));
    }
    uncached_ = std::make_unique<Ranker>(engine_->sources(), config_.ranking);
  }

  static std::vector<std::pair<std::string, double>> Ranked(const Ranker& ranker,
                                                            const std::string& id) {
    RankRequest r;
    r.article_id = id;
    r.limit = 10;
    r.now = kNow;
    absl::StatusOr<RankResult> result = ranker.Rank(r);
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::pair<std::string, double>> out;
    if (result.ok()) {
      for (const RankedArticle& item : result->items)
        out.emplace_back(item.article.id(), item.score);
    }
    return out;
  }

  void ExpectSameAsUncached(const std::string& id) {
    EXPECT_EQ(Ranked(engine_->ranker(), id), Ranked(*uncached_, id)) << id;
  }

  static bool Contains(const std::vector<std::pair<std::string, double>>& ranked,
                       const std::string& id) {
    for (const auto& [ranked_id, score] : ranked) {
      if (ranked_id == id) return true;
    }
    return false;
  }

  void ClickTogether(const std::string& a, const std::string& b, int sessions) {
    for (int s = 0; s < sessions; ++s) {
      const std::string session = "s" + std::to_string(s);
      for (const std::string& id : {a, b}) {
        auto r = applier().ApplyClick(
            testing::MakeClick(session + id, session, id, kNow + absl::Minutes(s)));
        ASSERT_TRUE(r.ok()) << r.status();
      }
    }
  }

  std::unique_ptr<Ranker> uncached_;
};

TEST_F(CandidateRefresherTest, CachedListsRankAsFreshlyBuiltOnesAfterEveryChange) {
  Load();
  ExpectSameAsUncached("a0");  // builds and caches the list of a0
  EXPECT_EQ(engine_->candidate_cache()->Stats().lists, 1u);
  ExpectSameAsUncached("a0");  // served from the cache
  EXPECT_GE(engine_->candidate_cache()->Stats().hits, 1u);

  // A new article close to a0: its cached list is rebuilt and includes it.
  MustApply(MakeArticle("new", "Japan and Pakistan agree industrial cooperation deal",
                        kNow - absl::Minutes(5)));
  EXPECT_TRUE(Contains(Ranked(engine_->ranker(), "a0"), "new"));
  ExpectSameAsUncached("a0");

  // Clicks: new co-visitation partners and behaviour vectors.
  ClickTogether("a0", "a3", 5);
  EXPECT_TRUE(Contains(Ranked(engine_->ranker(), "a0"), "a3"));
  ExpectSameAsUncached("a0");

  // A deletion: gone from the cached list at once.
  ASSERT_TRUE(applier().DeleteArticle("new", kNow).ok());
  EXPECT_FALSE(Contains(Ranked(engine_->ranker(), "a0"), "new"));
  ExpectSameAsUncached("a0");
}

TEST_F(CandidateRefresherTest, InTheBackgroundANewArticleIsServedWithinASecond) {
  config_.ranking.candidate_refresh_delay = absl::Milliseconds(100);
  Load();
  engine_->StartBackgroundCompaction();
  ExpectSameAsUncached("a0");
  MustApply(MakeArticle("new", "Japan and Pakistan agree industrial cooperation deal",
                        kNow - absl::Minutes(5)));
  const absl::Time applied = absl::Now();
  while (!Contains(Ranked(engine_->ranker(), "a0"), "new") &&
         absl::Now() - applied < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_LT(absl::Now() - applied, absl::Seconds(1));
  ExpectSameAsUncached("a0");
  EXPECT_GE(engine_->candidate_refresher()->Stats().rounds, 1u);
}

TEST_F(CandidateRefresherTest, TheBackgroundThreadWarmsEveryListBeforeItIsAskedFor) {
  config_.ranking.candidate_refresh_delay = absl::Milliseconds(20);
  Load();
  engine_->StartBackgroundCompaction();
  const absl::Time start = absl::Now();
  while (engine_->candidate_cache()->Stats().lists < 6 && absl::Now() - start < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(engine_->candidate_cache()->Stats().lists, 6u);
  EXPECT_EQ(engine_->candidate_refresher()->Stats().warmed, 6u);
  ExpectSameAsUncached("a2");
  EXPECT_EQ(engine_->candidate_cache()->Stats().misses, 0u);
}

// Click changes are rebuilt within a time budget per round; the rest waits, oldest first, and
// nothing is lost.
TEST_F(CandidateRefresherTest, ClickChangesBeyondTheBudgetWaitForTheNextRound) {
  Load();
  CandidateListCache cache(100, config_.ranking.candidate_pool);
  Ranker ranker(engine_->sources(), config_.ranking, &cache);
  CandidateRefresher refresher(ranker.builder(), engine_->sources(), cache, absl::Seconds(1));
  for (int i = 0; i < 6; ++i) Ranked(ranker, "a" + std::to_string(i));  // caches six lists
  ASSERT_EQ(cache.Stats().lists, 6u);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(**engine_->tables().articles().FindDenseId("a" + std::to_string(i)));
  }

  refresher.Notify({.content = {}, .clicks = ids});
  refresher.RefreshNow(/*click_budget=*/absl::ZeroDuration());
  EXPECT_EQ(refresher.Stats().pending, 6u);
  EXPECT_EQ(refresher.Stats().rebuilt, 0u);

  refresher.Notify({.content = {}, .clicks = {ids[0], ids[1]}});  // already waiting: once each
  EXPECT_EQ(refresher.Stats().pending, 6u);
  refresher.RefreshNow();
  EXPECT_EQ(refresher.Stats().pending, 0u);
  EXPECT_EQ(refresher.Stats().rebuilt, 6u);
}

}  // namespace
}  // namespace headliner
