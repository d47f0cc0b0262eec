#include "engine/engine.h"

#include <fstream>

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

EngineConfig SmallConfig() {
  EngineConfig c;
  c.encoder.kind = EncoderKind::kHashed;
  c.encoder.dimension = 64;
  return c;
}

RankRequest Request(const std::string& id) {
  RankRequest r;
  r.article_id = id;
  r.limit = 5;
  r.now = kNow;
  return r;
}

TEST(EngineTest, WhatTheApplierWritesTheServedRankerReads) {
  testing::TempDir dir;
  auto engine = Engine::Open(dir.path(), SmallConfig());
  ASSERT_TRUE(engine.ok()) << engine.status();
  Engine& e = **engine;
  ASSERT_TRUE(e.applier().ApplyArticle(MakeArticle("a", "Fed raises interest rates", kNow)).ok());
  ASSERT_TRUE(e.applier().ApplyArticle(MakeArticle("b", "Fed raises rates again", kNow)).ok());
  ASSERT_TRUE(e.applier().ApplyClick(MakeClick("e1", "s1", "a", kNow)).ok());
  auto ranked = e.ranker().Rank(Request("a"));
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_EQ(ranked->items.size(), 1u);
  EXPECT_EQ(ranked->items[0].article.id(), "b");
  EXPECT_EQ(e.tables().articles().Counts()->live, 2u);
  EXPECT_EQ(*e.tables().clicks().TotalClicks(), 1u);
  EXPECT_EQ(e.content_index().Stats().live, 2u);
  EXPECT_EQ(e.data_dir(), dir.path());
}

TEST(EngineTest, ReopeningRestoresBothIndexes) {
  testing::TempDir dir;
  uint64_t behaviour_vectors = 0;
  {
    auto engine = Engine::Open(dir.path(), SmallConfig());
    ASSERT_TRUE(engine.ok()) << engine.status();
    Engine& e = **engine;
    for (const char* id : {"a", "b", "c"}) {
      ASSERT_TRUE(
          e.applier().ApplyArticle(MakeArticle(id, std::string("Markets rally ") + id, kNow)).ok());
    }
    ASSERT_TRUE(e.applier().ApplyClick(MakeClick("e1", "s1", "a", kNow)).ok());
    ASSERT_TRUE(e.applier().ApplyClick(MakeClick("e2", "s1", "b", kNow + absl::Minutes(1))).ok());
    behaviour_vectors = e.behaviour_index().Stats().live;
    ASSERT_GT(behaviour_vectors, 0u);
  }
  auto reopened = Engine::Open(dir.path(), SmallConfig());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->content_index().Stats().live, 3u);
  EXPECT_EQ((*reopened)->behaviour_index().Stats().live, behaviour_vectors);
  EXPECT_TRUE((*reopened)->ranker().Rank(Request("a")).ok());
}

TEST(EngineTest, BadOptionsAreRefusedNamingTheKey) {
  testing::TempDir dir;
  EngineConfig c = SmallConfig();
  c.encoder.dimension = 4;
  auto engine = Engine::Open(dir.path(), c);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("encoder.dimension"), absl::string_view::npos)
      << engine.status();
}

TEST(EngineTest, ADataDirThatCannotBeCreatedIsAnError) {
  testing::TempDir dir;
  const std::string file = dir.path() + "/a-file";
  std::ofstream(file) << "x";
  auto engine = Engine::Open(file + "/data", SmallConfig());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition) << engine.status();
}

TEST(EngineTest, AnotherRankingOverTheSameSourcesSeesTheSameState) {
  testing::TempDir dir;
  auto engine = Engine::Open(dir.path(), SmallConfig());
  ASSERT_TRUE(engine.ok()) << engine.status();
  Engine& e = **engine;
  ASSERT_TRUE(e.applier().ApplyArticle(MakeArticle("a", "Storm hits the coast", kNow)).ok());
  ASSERT_TRUE(
      e.applier().ApplyArticle(MakeArticle("b", "Storm damage along the coast grows", kNow)).ok());
  RankingConfig content_only;
  content_only.behaviour_weight = content_only.covisitation_weight = 0;
  content_only.popularity_weight = 0;
  const Ranker other(e.sources(), content_only);
  auto served = e.ranker().Rank(Request("a"));
  auto ranked = other.Rank(Request("a"));
  ASSERT_TRUE(served.ok() && ranked.ok());
  ASSERT_EQ(ranked->items.size(), served->items.size());
  ASSERT_EQ(ranked->items.size(), 1u);
  EXPECT_EQ(ranked->items[0].article.id(), served->items[0].article.id());
}

}  // namespace
}  // namespace headliner
