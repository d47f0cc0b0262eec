#include "rank/ranker.h"

#include "engine_fixture.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::MakeArticle;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

class RankerTest : public testing::EngineFixture {
 protected:
  void Load() {
    Open();
    MustApply(MakeArticle("jp1", "Japan, Pakistan agree on better industrial cooperation",
                          kNow - absl::Hours(1)));
    MustApply(MakeArticle("jp2", "Pakistan and Japan sign industrial cooperation pact",
                          kNow - absl::Hours(2)));
    MustApply(MakeArticle("jp3", "Japan pledges closer industrial ties with Pakistan",
                          kNow - absl::Hours(30), "business"));
    MustApply(MakeArticle("jp1-copy", "Japan, Pakistan agree on better industrial cooperation",
                          kNow - absl::Hours(1)));
    MustApply(MakeArticle("apple", "Apple unveils new smartwatch at launch event",
                          kNow - absl::Minutes(5), "technology"));
    MustApply(MakeArticle("fifa", "Arsenal beat Chelsea to reach cup final",
                          kNow - absl::Minutes(1), "sport"));
    ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  }

  RankResult Rank(const std::string& id, ArticleFilter filter = {}, int limit = 10) {
    RankRequest r;
    r.article_id = id;
    r.limit = limit;
    r.filter = std::move(filter);
    r.now = kNow;
    r.explain = true;
    auto result = ranker_->Rank(r);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RankResult{};
  }

  static std::vector<std::string> Ids(const RankResult& r) {
    std::vector<std::string> ids;
    for (const auto& item : r.items) ids.push_back(item.article.id());
    return ids;
  }

  RankingConfig ranking_;
  std::unique_ptr<Ranker> ranker_;
};

TEST_F(RankerTest, RelatedFirstSelfAndDuplicatesExcluded) {
  Load();
  RankResult r = Rank("jp2");
  ASSERT_GE(r.items.size(), 2u);
  EXPECT_FALSE(r.fallback);
  const auto ids = Ids(r);
  EXPECT_TRUE(ids[0] == "jp1" || ids[0] == "jp1-copy") << ids[0];
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "jp2"), 0);
  // jp1 and jp1-copy are near-duplicates: at most one of them is shown.
  EXPECT_EQ(
      std::count(ids.begin(), ids.end(), "jp1") + std::count(ids.begin(), ids.end(), "jp1-copy"),
      1);
  for (size_t i = 1; i < r.items.size(); ++i) EXPECT_GE(r.items[i - 1].score, r.items[i].score);
}

TEST_F(RankerTest, NearDuplicateOfSourceIsDropped) {
  Load();
  const auto ids = Ids(Rank("jp1"));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "jp1-copy"), 0);
}

TEST_F(RankerTest, ExplainSumsToScore) {
  Load();
  for (const auto& item : Rank("jp1").items) {
    double sum = 0;
    for (const auto& reason : item.reasons) sum += reason.contribution;
    EXPECT_NEAR(sum, item.score, 1e-9);
  }
}

TEST_F(RankerTest, FiltersApply) {
  Load();
  ArticleFilter sections;
  sections.sections = {"business"};
  EXPECT_EQ(Ids(Rank("jp1", sections)), (std::vector<std::string>{"jp3"}));
  ArticleFilter recent;
  recent.max_age = absl::Hours(3);
  for (const auto& id : Ids(Rank("jp1", recent))) EXPECT_NE(id, "jp3");
  ArticleFilter excluded;
  excluded.exclude_ids = {"jp2"};
  for (const auto& id : Ids(Rank("jp1", excluded))) EXPECT_NE(id, "jp2");
}

TEST_F(RankerTest, FreshnessBreaksTiesTowardsNewer) {
  ranking_.freshness_weight = 1.0;
  ranking_.content_weight = 1e-6;  // still the candidate source
  Load();
  const auto ids = Ids(Rank("jp1"));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "fifa");  // the newest article wins when only freshness counts
}

TEST_F(RankerTest, UnknownArticleFallsBackToFreshest) {
  Load();
  RankResult r = Rank("no-such-article", {}, 3);
  EXPECT_TRUE(r.fallback);
  // jp1 and jp1-copy were published at the same instant; the later-ingested one lists first.
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"fifa", "apple", "jp1-copy"}));
  ArticleFilter tech;
  tech.sections = {"technology"};
  EXPECT_EQ(Ids(Rank("no-such-article", tech)), (std::vector<std::string>{"apple"}));
}

TEST_F(RankerTest, DeletedSourceFallsBackAndDeletedNeverReturned) {
  Load();
  ASSERT_TRUE(applier().DeleteArticle("jp2", kNow).ok());
  for (const auto& id : Ids(Rank("jp1"))) EXPECT_NE(id, "jp2");
  EXPECT_TRUE(Rank("jp2").fallback);
}

TEST_F(RankerTest, DeadlineInThePastFails) {
  Load();
  RankRequest r;
  r.article_id = "jp1";
  r.now = kNow;
  r.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_EQ(ranker_->Rank(r).status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(RankerTest, CoVisitedArticlesBecomeRelatedWithoutSharedWords) {
  Load();
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  // Readers of the smartwatch launch go on to the cup final in several sessions.
  for (int s = 0; s < 4; ++s) {
    const std::string session = "s" + std::to_string(s);
    for (const char* id : {"apple", "fifa"}) {
      auto r = applier().ApplyClick(
          testing::MakeClick(session + id, session, id, kNow + absl::Minutes(s)));
      ASSERT_TRUE(r.ok() && r->kind == EventOutcome::Kind::kApplied);
    }
  }
  RankResult r = Rank("apple");
  ASSERT_FALSE(r.items.empty());
  EXPECT_EQ(r.items[0].article.id(), "fifa");
  const auto& reasons = r.items[0].reasons;
  ASSERT_EQ(reasons.size(), 5u);  // every feature is weighted by default
  EXPECT_EQ(reasons[2].feature, "covisitation");
  // c = 4, clicks(apple) = 4: conditional 4 / 4 (both aged over the minutes between, c in float32)
  EXPECT_NEAR(reasons[2].value, 1.0, 1e-6);
  double sum = 0;
  for (const auto& reason : reasons) sum += reason.contribution;
  EXPECT_NEAR(sum, r.items[0].score, 1e-9);
  // Symmetric, and content ranking is untouched for articles without clicks.
  EXPECT_EQ(Rank("fifa").items[0].article.id(), "apple");
  EXPECT_NE(Ids(Rank("jp2"))[0], "fifa");
}

TEST_F(RankerTest, CoVisitationDividesAgedPairWeightsByClicksAgedAlike) {
  config_.covisitation.half_life = absl::Hours(1);
  Load();
  auto click = [&](const std::string& event, const std::string& session, const char* id,
                   absl::Time at) {
    auto r = applier().ApplyClick(testing::MakeClick(event, session, id, at));
    ASSERT_TRUE(r.ok() && r->kind == EventOutcome::Kind::kApplied) << event;
  };
  for (int s = 0; s < 4; ++s) {  // c(apple, fifa) = 4 and n(apple) = 4 at kNow
    const std::string session = "s" + std::to_string(s);
    click(session + "a", session, "apple", kNow);
    click(session + "f", session, "fifa", kNow);
  }
  for (int s = 0; s < 4; ++s) {  // an hour later four readers read apple alone
    const std::string session = "t" + std::to_string(s);
    click(session, session, "apple", kNow + absl::Hours(1));
  }
  RankResult r = Rank("apple");
  ASSERT_FALSE(r.items.empty());
  ASSERT_EQ(r.items[0].article.id(), "fifa");
  ASSERT_EQ(r.items[0].reasons[2].feature, "covisitation");
  // An hour on, c is 2 and n(apple) 2 + 4: conditional 1/3. Unaged it would be 4 / 8; aged
  // weights over raw counts 2 / 8.
  EXPECT_NEAR(r.items[0].reasons[2].value, 1.0 / 3, 1e-6);
}

TEST_F(RankerTest, ACachedListShowsACoClickAsSoonAsItIsAppliedWithoutARefresher) {
  Load();
  CandidateListCache cache(1000, ranking_.candidate_pool);
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_, &cache);
  EXPECT_NE(Ids(Rank("apple"))[0], "fifa");  // the list is cached now, without partners
  for (const char* id : {"apple", "fifa"}) {
    auto r = applier().ApplyClick(testing::MakeClick(std::string("e-") + id, "s1", id, kNow));
    ASSERT_TRUE(r.ok() && r->kind == EventOutcome::Kind::kApplied);
  }
  // Nothing refreshes the cache here: the request itself sees the source's partners changed.
  EXPECT_EQ(Ids(Rank("apple"))[0], "fifa");
  EXPECT_EQ(Ids(Rank("apple"))[0], "fifa");  // and the refreshed list was cached
}

TEST_F(RankerTest, WhatTheReaderJustReadIsNotRecommended) {
  Load();
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  ASSERT_TRUE(applier().ApplyClick(testing::MakeClick("e1", "reader", "jp1", kNow)).ok());
  v1::ClickEvent by_user = testing::MakeClick("e2", "", "jp3", kNow);
  by_user.set_user_id("alice");
  ASSERT_TRUE(applier().ApplyClick(by_user).ok());

  RankRequest r;
  r.article_id = "jp2";
  r.limit = 10;
  r.now = kNow;
  r.session_id = "reader";
  r.user_id = "alice";
  auto result = ranker_->Rank(r);
  ASSERT_TRUE(result.ok());
  const auto ids = Ids(*result);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "jp1"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "jp3"), 0);
  EXPECT_EQ(ids[0], "jp1-copy");
  // Another reader still gets them.
  r.session_id = "someone-else";
  r.user_id.clear();
  const auto others = Ids(*ranker_->Rank(r));
  EXPECT_EQ(std::count(others.begin(), others.end(), "jp3"), 1);
  // The fallback for an unknown article leaves them out too.
  r.article_id = "unknown";
  r.session_id = "reader";
  const auto fallback = Ids(*ranker_->Rank(r));
  EXPECT_EQ(std::count(fallback.begin(), fallback.end(), "jp1"), 0);
  EXPECT_FALSE(fallback.empty());
}

}  // namespace
}  // namespace headliner

namespace headliner {
namespace {

// Wire copy: one headline republished hundreds of times (with the prefixes and suffixes outlets
// add) next to the source, and a few dozen distinct related articles. The copies must take one
// group of the list, not the pool, and the work of the request stays under the documented bound
// (candidate_list.h) instead of growing with the copies.
TEST_F(RankerTest, HundredsOfNearDuplicatesDoNotExplodeTheWork) {
  config_.encoder.dimension = 256;
  Open();
  MustApply(MakeArticle("source", "Japan, Pakistan agree on better industrial cooperation",
                        kNow - absl::Hours(1)));
  const std::vector<std::string> decorations = {"", "UPDATE 1-", "WRAPUP-", "(video) "};
  for (int i = 0; i < 400; ++i) {
    MustApply(MakeArticle("copy-" + std::to_string(i),
                          decorations[i % decorations.size()] +
                              "Japan and Pakistan sign industrial cooperation pact in Tokyo",
                          kNow - absl::Minutes(i)));
  }
  const std::vector<std::string> topics = {"energy",  "trade",    "security", "climate", "rail",
                                           "farming", "maritime", "cyber",    "space",   "water"};
  for (int i = 0; i < 40; ++i) {
    MustApply(MakeArticle("other-" + std::to_string(i),
                          "Japan and Pakistan discuss " + topics[i % topics.size()] +
                              " cooperation, round " + std::to_string(i),
                          kNow - absl::Hours(2)));
  }
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  RankResult r = Rank("source");
  ASSERT_EQ(r.items.size(), 10u);
  int copies = 0;
  for (const RankedArticle& item : r.items) copies += item.article.id().rfind("copy-", 0) == 0;
  // Each variant (plain, "UPDATE 1-", ...) is its own near-duplicate group at the default
  // threshold, shown once.
  EXPECT_LE(copies, static_cast<int>(decorations.size()));
  EXPECT_LE(r.widest_list, CandidateList::kMaxSearch);
  EXPECT_LE(r.candidates_scored, CandidateList::kMaxListMembers + ranking_.popular_candidates);
  // Each list the request scored holds at most kMaxGroupMembers of the copies.
  EXPECT_LE(r.candidates_scored, 3 * (CandidateList::kMaxGroupMembers + 40));
}

class FilteredRankerTest : public RankerTest {
 protected:
  // A source whose 300 nearest articles are all in "world", and business articles further away:
  // its own list cannot fill a business filter.
  void ApplyWorldSourceAndBusinessArticles() {
    config_.encoder.dimension = 256;
    config_.index.min_main_segment = 100;  // a real graph
    Open();
    MustApply(MakeArticle("source", "Japan, Pakistan agree on better industrial cooperation",
                          kNow - absl::Hours(1)));
    for (int i = 0; i < 300; ++i) {  // many world articles closer to the source than any business
      MustApply(
          MakeArticle("world-" + std::to_string(i),
                      "Japan Pakistan industrial cooperation talks round " + std::to_string(i),
                      kNow - absl::Minutes(i)));
    }
    for (int i = 0; i < 12; ++i) {
      MustApply(MakeArticle("biz-" + std::to_string(i),
                            "Markets: industrial output " + std::to_string(i) + " in Pakistan",
                            kNow - absl::Hours(2), "business"));
    }
    for (int i = 0; i < 30; ++i) {
      MustApply(MakeArticle("biz-other-" + std::to_string(i),
                            "Tech shares rally on chip demand, day " + std::to_string(i),
                            kNow - absl::Hours(3), "business"));
    }
  }
};

// A section filter that the source's own list cannot fill is served by a search within the
// filter, not by widening the list to hundreds of neighbours; it finds the nearest articles of
// that section however far down the unfiltered neighbours they are.
TEST_F(FilteredRankerTest, AFilterTheListCannotFillIsSearchedWithin) {
  ApplyWorldSourceAndBusinessArticles();
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  ArticleFilter business;
  business.sections = {"business"};
  RankResult r = Rank("source", business);
  EXPECT_TRUE(r.filtered_search);
  ASSERT_EQ(r.items.size(), 10u);
  for (const RankedArticle& item : r.items) {
    EXPECT_EQ(item.article.section(), "business") << item.article.id();
  }
  // The Pakistan business articles come first: the nearest within the filter.
  EXPECT_EQ(r.items[0].article.id().rfind("biz-", 0), 0u);
  EXPECT_NE(r.items[0].article.id().rfind("biz-other-", 0), 0u);
  EXPECT_LE(r.widest_list, ranking_.candidate_pool);  // no widening
  // Without a filter the list is the source's own, cached as usual.
  EXPECT_FALSE(Rank("source").filtered_search);
}

// The next request of the same source and filter (within ranking.filtered_list_ttl) takes the
// list kept in the cache instead of searching again, and ranks the same.
TEST_F(FilteredRankerTest, AListSearchedWithinAFilterIsReusedForTheSameFilter) {
  ApplyWorldSourceAndBusinessArticles();
  CandidateListCache cache(1000, ranking_.candidate_pool, 100, absl::Seconds(1));
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_, &cache);
  ArticleFilter business;
  business.sections = {"business"};
  const RankResult first = Rank("source", business);
  ASSERT_TRUE(first.filtered_search);
  EXPECT_EQ(first.lists_built, 2);  // the source's base list, then the one within the filter
  EXPECT_EQ(cache.Stats().filtered_hits, 0u);
  const RankResult again = Rank("source", business);  // kNow: within the TTL
  EXPECT_EQ(cache.Stats().filtered_hits, 1u);
  EXPECT_EQ(again.lists_built, 0);
  EXPECT_EQ(Ids(again), Ids(first));
  ArticleFilter world;
  world.sections = {"world", "business"};  // another filter: not the business list
  Rank("source", world);
  EXPECT_EQ(cache.Stats().filtered_hits, 1u);
}

class HybridRankerTest : public RankerTest {
 protected:
  void ClickTogether(const std::vector<std::string>& articles, int sessions) {
    for (int s = 0; s < sessions; ++s) {
      const std::string session = "h" + std::to_string(s);
      for (size_t i = 0; i < articles.size(); ++i) {
        auto r =
            applier().ApplyClick(testing::MakeClick(session + articles[i], session, articles[i],
                                                    kNow + absl::Minutes(s) + absl::Seconds(i)));
        ASSERT_TRUE(r.ok() && r->kind == EventOutcome::Kind::kApplied);
      }
    }
  }
};

TEST_F(HybridRankerTest, EachSourceIsUsedOnlyWhenItsFeatureIsWeighted) {
  Load();
  ClickTogether({"apple", "fifa"}, 6);
  // Behaviour only: the co-read article, found through the behaviour index.
  ranking_ = RankingConfig();
  ranking_.content_weight = ranking_.covisitation_weight = ranking_.freshness_weight = 0;
  ranking_.behaviour_weight = 1;
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  EXPECT_EQ(Ids(Rank("apple")), std::vector<std::string>{"fifa"});
  // Nothing clicked with jp1: no behaviour vector, so no candidates at all.
  EXPECT_TRUE(Rank("jp1").items.empty());

  // Popularity only: the trending articles of the source's section, if fresh enough.
  ranking_.behaviour_weight = 0;
  ranking_.popularity_weight = 1;
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  EXPECT_TRUE(Rank("jp1").items.empty());  // nothing in "world" was clicked
  ClickTogether({"jp2", "jp3"}, 2);        // jp3 is "business"
  EXPECT_EQ(Ids(Rank("jp1")), std::vector<std::string>{"jp2"});
  ranking_.popular_max_age = absl::Minutes(30);  // jp2 was published two hours ago
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  EXPECT_TRUE(Rank("jp1").items.empty());
}

TEST_F(HybridRankerTest, ExplainShowsEveryWeightedFeatureAndSumsToTheScore) {
  Load();
  ClickTogether({"jp1", "jp2", "apple"}, 3);
  ranking_ = RankingConfig();
  ranking_.behaviour_weight = 0.5;
  ranking_.popularity_weight = 0.3;
  ranker_ = std::make_unique<Ranker>(engine_->sources(), ranking_);
  RankResult r = Rank("jp1");
  ASSERT_FALSE(r.items.empty());
  EXPECT_EQ(r.items[0].article.id(), "jp2");
  std::vector<std::string> features;
  for (const auto& reason : r.items[0].reasons) features.push_back(reason.feature);
  EXPECT_EQ(features, (std::vector<std::string>{"content_similarity", "behaviour_similarity",
                                                "covisitation", "freshness", "popularity"}));
  for (const RankedArticle& item : r.items) {
    double sum = 0;
    for (const auto& reason : item.reasons) sum += reason.contribution;
    EXPECT_NEAR(sum, item.score, 1e-9) << item.article.id();
  }
  // jp2 was read after jp1 in every session: its co-visitation score is c / clicks(jp1) > 0.
  EXPECT_GT(r.items[0].reasons[2].value, 0.5);
}

}  // namespace
}  // namespace headliner
