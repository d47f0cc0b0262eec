#include "store/catalog_read_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace headliner {
namespace {

v1::Article Headline(const std::string& id, const std::string& headline) {
  v1::Article a;
  a.set_id(id);
  a.set_headline(headline);
  return a;
}

TEST(CatalogReadCacheTest, MappingsAreKeptAndUnknownIdsMiss) {
  CatalogReadCache cache(1 << 20);
  EXPECT_FALSE(cache.FindDenseId("a"));
  cache.PutDenseId("a", 7);
  EXPECT_EQ(cache.FindDenseId("a"), 7u);
  EXPECT_FALSE(cache.FindDenseId("b"));
  const CatalogReadCacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
}

TEST(CatalogReadCacheTest, AnArticleIsServedOnlyUnderTheRevisionItWasReadAt) {
  CatalogReadCache cache(1 << 20);
  cache.PutArticle(3, /*revision=*/1, Headline("a", "Old"));
  std::optional<v1::Article> found = cache.FindArticle(3, 1);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->headline(), "Old");
  // Written since: the entry is not used, and the newer read replaces it.
  EXPECT_FALSE(cache.FindArticle(3, 2));
  cache.PutArticle(3, 2, Headline("a", "New"));
  ASSERT_TRUE(cache.FindArticle(3, 2));
  EXPECT_EQ(cache.FindArticle(3, 2)->headline(), "New");
  EXPECT_FALSE(cache.FindArticle(3, 1));
  // Dense ids and external ids do not collide, whatever their bytes.
  EXPECT_FALSE(cache.FindArticle(4, 2));
}

TEST(CatalogReadCacheTest, AnEmbeddingIsServedOnlyUnderTheRevisionItWasReadAt) {
  CatalogReadCache cache(1 << 20);
  cache.PutEmbedding(3, 1, std::make_shared<const std::vector<float>>(std::vector<float>{1, 2}));
  ASSERT_NE(cache.FindEmbedding(3, 1), nullptr);
  EXPECT_EQ(*cache.FindEmbedding(3, 1), (std::vector<float>{1, 2}));
  EXPECT_EQ(cache.FindEmbedding(3, 2), nullptr);
  EXPECT_EQ(cache.FindEmbedding(4, 1), nullptr);
}

TEST(CatalogReadCacheTest, StaysWithinItsCapacity) {
  constexpr size_t kCapacity = 64 << 10;
  CatalogReadCache cache(kCapacity);
  for (uint64_t i = 0; i < 5000; ++i) {
    cache.PutArticle(i, 1, Headline("id-" + std::to_string(i), std::string(100, 'x')));
    cache.PutDenseId("id-" + std::to_string(i), i);
  }
  EXPECT_LE(cache.stats().bytes, kCapacity);
  EXPECT_GT(cache.stats().bytes, kCapacity / 2);
  EXPECT_TRUE(cache.FindArticle(4999, 1));  // the newest stay
  EXPECT_FALSE(cache.FindArticle(0, 1));    // the oldest went
}

TEST(CatalogReadCacheTest, ZeroCapacityCachesNothing) {
  CatalogReadCache cache(0);
  cache.PutDenseId("a", 1);
  cache.PutArticle(1, 1, Headline("a", "A"));
  EXPECT_FALSE(cache.FindDenseId("a"));
  EXPECT_FALSE(cache.FindArticle(1, 1));
  EXPECT_EQ(cache.stats().bytes, 0u);
}

}  // namespace
}  // namespace headliner
