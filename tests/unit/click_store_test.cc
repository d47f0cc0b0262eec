#include "store/click_store.h"

#include "store/keys.h"
#include "store_fixture.h"

namespace headliner {
namespace {

class ClickStoreTest : public testing::StoreFixture {};

TEST_F(ClickStoreTest, ReaderKeysPreferTheSession) {
  EXPECT_EQ(ClickStore::ReaderKey("s1", "u1"), "s/s1");
  EXPECT_EQ(ClickStore::ReaderKey("", "u1"), "u/u1");
}

TEST_F(ClickStoreTest, EventIdsAreRememberedWithTheirTime) {
  ClickStore clicks(*db_);
  EXPECT_FALSE(clicks.FindEvent("e1")->has_value());
  Commit([&](StagedBatch& b) { clicks.StageEvent(b, "e1", 1234567); });
  Reopen();
  EXPECT_EQ(**ClickStore(*db_).FindEvent("e1"), 1234567);
}

TEST_F(ClickStoreTest, SessionsRoundTripOldestFirst) {
  ClickStore clicks(*db_);
  EXPECT_TRUE(clicks.FindSession("s/a")->empty());
  const std::vector<SessionClick> session = {{3, 100}, {1ULL << 40, 200}, {3, 300}};
  Commit([&](StagedBatch& b) { clicks.StageSession(b, "s/a", session); });
  auto found = clicks.FindSession("s/a");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  for (size_t i = 0; i < session.size(); ++i) {
    EXPECT_EQ((*found)[i].dense_id, session[i].dense_id);
    EXPECT_EQ((*found)[i].micros, session[i].micros);
  }
}

TEST_F(ClickStoreTest, ActivityOfArticlesAndSectionsIsKeptApart) {
  ClickStore clicks(*db_);
  Activity article{.clicks = 4,
                   .popularity = {.value = 2.5, .as_of_micros = 77},
                   .aged_clicks = {.value = 3.5, .as_of_micros = 77}};
  Activity section{.clicks = 9,
                   .popularity = {.value = 6.0, .as_of_micros = 88},
                   .aged_clicks = {.value = 8.5, .as_of_micros = 87}};
  Commit([&](StagedBatch& b) {
    clicks.StageArticleActivity(b, 5, article);
    clicks.StageSectionActivity(b, "world", section);
  });
  EXPECT_EQ(clicks.FindArticleActivity(5)->clicks, 4u);
  EXPECT_EQ(clicks.FindArticleActivity(5)->popularity.value, 2.5);
  EXPECT_EQ(clicks.FindSectionActivity("world")->clicks, 9u);
  EXPECT_EQ(clicks.FindSectionActivity("world")->popularity.as_of_micros, 88);
  EXPECT_EQ(clicks.FindArticleActivity(5)->aged_clicks.value, 3.5);
  EXPECT_EQ(clicks.FindSectionActivity("world")->aged_clicks.as_of_micros, 87);
  EXPECT_EQ(clicks.FindArticleActivity(6)->clicks, 0u);  // never clicked
  EXPECT_EQ(clicks.FindSectionActivity("sport")->clicks, 0u);
}

TEST_F(ClickStoreTest, ActivityWrittenBeforeClicksAgedCountsEveryClickAsOfTheLatest) {
  // u64 clicks, f64 popularity, i64 its time: the 24 bytes the previous version wrote.
  std::string row;
  const uint64_t count = 6;
  const double popularity = 1.5;
  const int64_t at = 99;
  row.append(reinterpret_cast<const char*>(&count), 8);
  row.append(reinterpret_cast<const char*>(&popularity), 8);
  row.append(reinterpret_cast<const char*>(&at), 8);
  Commit([&](StagedBatch& b) { b.Put(Column::kActivity, "a" + EncodeU64(5), row); });
  ClickStore clicks(*db_);
  auto found = clicks.FindArticleActivity(5);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->clicks, 6u);
  EXPECT_EQ(found->aged_clicks.value, 6.0);
  EXPECT_EQ(found->aged_clicks.as_of_micros, 99);
}

TEST_F(ClickStoreTest, TheTotalIsKeptApartFromSections) {
  ClickStore clicks(*db_);
  Commit([&](StagedBatch& b) {
    clicks.StageTotalActivity(b, Activity{.clicks = 7, .popularity = {}, .aged_clicks = {2, 3}});
    clicks.StageSectionActivity(b, "", Activity{.clicks = 1, .popularity = {}, .aged_clicks = {}});
  });
  EXPECT_EQ(clicks.FindTotalActivity()->clicks, 7u);
  EXPECT_EQ(clicks.FindTotalActivity()->aged_clicks.as_of_micros, 3);
  EXPECT_EQ(clicks.FindSectionActivity("")->clicks, 1u);
}

TEST_F(ClickStoreTest, MultiGetOfActivitiesKeepsTheOrderAndFillsGaps) {
  ClickStore clicks(*db_);
  Commit([&](StagedBatch& b) {
    clicks.StageArticleActivity(b, 1, Activity{.clicks = 1, .popularity = {}, .aged_clicks = {}});
    clicks.StageArticleActivity(b, 3, Activity{.clicks = 3, .popularity = {}, .aged_clicks = {}});
  });
  const std::vector<uint64_t> ids = {3, 2, 1};
  auto found = clicks.FindArticleActivities(ids);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].clicks, 3u);
  EXPECT_EQ((*found)[1].clicks, 0u);
  EXPECT_EQ((*found)[2].clicks, 1u);
}

TEST_F(ClickStoreTest, TrendingListsRoundTripInOrder) {
  ClickStore clicks(*db_);
  EXPECT_TRUE(clicks.FindTrending("world")->empty());
  const std::vector<TrendingArticle> list = {{8, {3.0, 10}}, {2, {1.5, 10}}};
  Commit([&](StagedBatch& b) { clicks.StageTrending(b, "world", list); });
  auto found = clicks.FindTrending("world");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].dense_id, 8u);
  EXPECT_EQ((*found)[1].popularity.value, 1.5);
}

TEST_F(ClickStoreTest, TotalClicksCountsEveryStagedClickDurably) {
  ClickStore clicks(*db_);
  EXPECT_EQ(*clicks.TotalClicks(), 0u);
  Commit([&](StagedBatch& b) {
    clicks.StageClickCounted(b);
    clicks.StageClickCounted(b);
  });
  Commit([&](StagedBatch& b) { clicks.StageClickCounted(b); });
  Reopen();
  EXPECT_EQ(*ClickStore(*db_).TotalClicks(), 3u);
}

TEST_F(ClickStoreTest, StagedWritesAreVisibleThroughTheBatchOnly) {
  ClickStore clicks(*db_);
  StagedBatch batch(*db_);
  clicks.StageSession(batch, "s/b", {{1, 10}});
  clicks.StageEvent(batch, "e2", 10);
  EXPECT_EQ(clicks.FindSession("s/b", &batch)->size(), 1u);
  EXPECT_TRUE(clicks.FindEvent("e2", &batch)->has_value());
  EXPECT_TRUE(clicks.FindSession("s/b")->empty());
  EXPECT_FALSE(clicks.FindEvent("e2")->has_value());
}

}  // namespace
}  // namespace headliner
