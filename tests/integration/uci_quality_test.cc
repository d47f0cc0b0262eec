// Same-story precision@10 on real headlines (../shared/data/uci-news-dev.csv), through the apply
// path and the served ranker of an Engine. Skips when the file is absent (a user's fresh machine).
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "sample/uci_news.h"
#include "test_util.h"

namespace headliner {
namespace {

TEST(UciQualityTest, SameStoryPrecisionAt10) {
  std::optional<std::string> path = FindUciNews();
  if (!path) GTEST_SKIP() << "uci-news-dev.csv not found (set HEADLINER_SHARED_DIR); skipping";
  int skipped = 0;
  auto catalog = ReadUciNews(*path, &skipped);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_GT(catalog->size(), 2000u);

  testing::TempDir dir;
  auto engine = Engine::Open(dir.path(), EngineConfig());
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::flat_hash_map<std::string, std::string> story_of;
  absl::Time newest = absl::InfinitePast();
  for (const SampleArticle& s : *catalog) {
    ASSERT_TRUE((*engine)->applier().ApplyArticle(s.article).ok()) << s.article.id();
    story_of[s.article.id()] = s.story;
    newest = std::max(newest, absl::FromUnixSeconds(s.article.published_at().seconds()));
  }
  const Ranker& ranker = (*engine)->ranker();
  double precision = 0;
  for (const SampleArticle& s : *catalog) {
    RankRequest r;
    r.article_id = s.article.id();
    r.limit = 10;
    r.now = newest;
    auto result = ranker.Rank(r);
    ASSERT_TRUE(result.ok());
    int hits = 0;
    for (const auto& item : result->items) hits += story_of[item.article.id()] == s.story;
    precision += hits / 10.0;
  }
  precision /= catalog->size();
  std::printf("same-story precision@10 over %zu headlines: %.4f\n", catalog->size(), precision);
  EXPECT_GE(precision, 0.75);
}

}  // namespace
}  // namespace headliner
