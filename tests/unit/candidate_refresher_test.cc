#include "rank/candidate_refresher.h"

#include <algorithm>
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

  void ClickTogether(const std::string& a, const std::string& b, int sessions,
                     const std::string& prefix = "s") {
    for (int s = 0; s < sessions; ++s) {
      const std::string session = prefix + std::to_string(s);
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
  config_.ranking.list_search_max_age = absl::ZeroDuration();  // every change at once
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

  refresher.Notify({.content = {}, .partners = ids, .behaviour = {}});
  refresher.RefreshNow(/*click_budget=*/absl::ZeroDuration());
  EXPECT_EQ(refresher.Stats().pending, 6u);
  EXPECT_EQ(refresher.Stats().rebuilt, 0u);

  refresher.Notify({.content = {}, .partners = {ids[0]}, .behaviour = {ids[1]}});  // once each
  EXPECT_EQ(refresher.Stats().pending, 6u);
  refresher.RefreshNow();
  EXPECT_EQ(refresher.Stats().pending, 0u);
  EXPECT_EQ(refresher.Stats().rebuilt, 6u);
}

// A partner change patches the pair weights or regroups a list's kept search hits with the
// current partners: no search, and the same list a fresh build gives.
TEST_F(CandidateRefresherTest, PartnerChangesRegroupTheKeptHitsWithoutSearching) {
  Load();
  CandidateListCache cache(100, config_.ranking.candidate_pool);
  Ranker ranker(engine_->sources(), config_.ranking, &cache);
  CandidateRefresher refresher(ranker.builder(), engine_->sources(), cache, absl::Seconds(1),
                               /*search_max_age=*/absl::Hours(1));
  Ranked(ranker, "a0");
  const uint64_t a0 = **engine_->tables().articles().FindDenseId("a0");
  ClickTogether("a0", "a4", 5);  // a4: far from a0 by content, now its partner
  refresher.Notify({.content = {}, .partners = {a0}, .behaviour = {}});
  refresher.RefreshNow();
  EXPECT_EQ(refresher.Stats().regrouped, 1u);  // a4 was not listed: grouped again
  EXPECT_EQ(refresher.Stats().patched, 0u);
  EXPECT_EQ(refresher.Stats().searched, 0u);
  std::shared_ptr<const CandidateList> list = cache.Peek(a0);
  ASSERT_NE(list, nullptr);
  const uint64_t a4 = **engine_->tables().articles().FindDenseId("a4");
  auto member = std::find_if(list->members.begin(), list->members.end(),
                             [&](const CandidateMember& m) { return m.dense_id == a4; });
  ASSERT_NE(member, list->members.end());
  EXPECT_GT(member->partner_weight, 0);
  EXPECT_EQ(Ranked(ranker, "a0"), Ranked(*uncached_, "a0"));

  const float weight = member->partner_weight;
  ClickTogether("a0", "a4", 5, "t");  // the same pair in other sessions: only its weight changes
  refresher.Notify({.content = {}, .partners = {a0}, .behaviour = {}});
  refresher.RefreshNow();
  EXPECT_EQ(refresher.Stats().patched, 1u);
  EXPECT_EQ(refresher.Stats().regrouped, 1u);
  list = cache.Peek(a0);
  member = std::find_if(list->members.begin(), list->members.end(),
                        [&](const CandidateMember& m) { return m.dense_id == a4; });
  ASSERT_NE(member, list->members.end());
  EXPECT_GT(member->partner_weight, weight);
  EXPECT_EQ(Ranked(ranker, "a0"), Ranked(*uncached_, "a0"));
}

// With ranking.refresh_partner_changes off, the refresher leaves a partner change to the
// requests: no background work for it, and the next request still ranks with the new partner.
TEST_F(CandidateRefresherTest, PartnerChangesCanBeLeftToTheRequests) {
  Load();
  CandidateListCache cache(100, config_.ranking.candidate_pool);
  Ranker ranker(engine_->sources(), config_.ranking, &cache);
  CandidateRefresher refresher(ranker.builder(), engine_->sources(), cache, absl::Seconds(1),
                               /*search_max_age=*/absl::Hours(1),
                               /*refresh_partner_changes=*/false);
  Ranked(ranker, "a0");
  const uint64_t a0 = **engine_->tables().articles().FindDenseId("a0");
  const std::shared_ptr<const CandidateList> before = cache.Peek(a0);
  ClickTogether("a0", "a4", 5);
  refresher.Notify({.content = {}, .partners = {a0}, .behaviour = {}});
  refresher.RefreshNow();
  EXPECT_EQ(refresher.Stats().rebuilt, 0u);
  EXPECT_EQ(refresher.Stats().pending, 0u);
  EXPECT_EQ(cache.Peek(a0), before);  // untouched in the background
  EXPECT_EQ(Ranked(ranker, "a0"), Ranked(*uncached_, "a0"));
  EXPECT_NE(cache.Peek(a0), before);  // the request refreshed it and kept the result
}

// After a click a list is searched again only once its last search is search_max_age old:
// sooner, the search waits (counted) and is done when due, or in the first round with no new
// change (the refresher is idle: nothing to save).
TEST_F(CandidateRefresherTest, SearchesAfterClicksWaitWhileTheRefresherIsBusy) {
  Load();
  ClickTogether("a0", "a4", 5);  // a0 gets a behaviour vector
  CandidateListCache cache(100, config_.ranking.candidate_pool);
  Ranker ranker(engine_->sources(), config_.ranking, &cache);
  const absl::Duration max_age = absl::Milliseconds(300);
  CandidateRefresher refresher(ranker.builder(), engine_->sources(), cache, absl::Seconds(1),
                               max_age);
  const uint64_t a0 = **engine_->tables().articles().FindDenseId("a0");
  const uint64_t a3 = **engine_->tables().articles().FindDenseId("a3");
  Ranked(ranker, "a3");
  auto busy_round = [&](std::vector<uint64_t> behaviour) {  // with a partner change of a3
    refresher.Notify({.content = {}, .partners = {a3}, .behaviour = std::move(behaviour)});
    refresher.RefreshNow();
  };

  absl::Time before = absl::Now();
  Ranked(ranker, "a0");  // searched now
  busy_round({a0});
  if (absl::Now() - before < max_age) {  // else this machine was too slow to tell
    EXPECT_EQ(refresher.Stats().searched, 0u);
    EXPECT_EQ(refresher.Stats().waiting, 2u);  // a0, and a3 (its partners were applied)
    EXPECT_EQ(refresher.Stats().pending, 0u);
  }
  refresher.RefreshNow();  // nothing new: what waits is handled
  EXPECT_EQ(refresher.Stats().searched, 2u);
  EXPECT_EQ(refresher.Stats().waiting, 0u);
  EXPECT_FALSE(cache.Peek(a0)->behaviour_hits.empty());
  EXPECT_FALSE(cache.Peek(a0)->content_hits.empty());

  before = absl::Now();
  busy_round({a0});  // searched just now: waits again
  const absl::Time waited = absl::Now();
  if (waited - before < max_age) {
    EXPECT_EQ(refresher.Stats().searched, 2u);
  }
  absl::SleepFor(max_age);
  busy_round({});  // busy, and the searches of a0 and a3 are due
  EXPECT_EQ(refresher.Stats().searched, 4u);
  EXPECT_EQ(refresher.Stats().waiting, 0u);
  EXPECT_GE(cache.Peek(a0)->searched, waited + max_age);

  // With no waiting, the search is at once.
  CandidateRefresher eager(ranker.builder(), engine_->sources(), cache, absl::Seconds(1));
  eager.Notify({.content = {}, .partners = {a3}, .behaviour = {a0}});
  eager.RefreshNow();
  EXPECT_EQ(eager.Stats().searched, 2u);
}

}  // namespace
}  // namespace headliner
