#include "ingest/behaviour_vector_cache.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

BehaviourVectors Vectors(float x) { return {{x, x}, {-x}}; }

TEST(BehaviourVectorCacheTest, FindsWhatWasPutAndCountsHitsAndMisses) {
  BehaviourVectorCache cache(4);
  EXPECT_EQ(cache.Find(1), nullptr);
  cache.Put(1, Vectors(1));
  const BehaviourVectors* found = cache.Find(1);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->input, (std::vector<float>{1, 1}));
  EXPECT_EQ(found->output, (std::vector<float>{-1}));
  cache.Put(1, Vectors(2));  // replaced
  EXPECT_EQ(cache.Find(1)->input, (std::vector<float>{2, 2}));
  const VectorCacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(BehaviourVectorCacheTest, EvictsTheLeastRecentlyUsed) {
  BehaviourVectorCache cache(2);
  cache.Put(1, Vectors(1));
  cache.Put(2, Vectors(2));
  ASSERT_NE(cache.Find(1), nullptr);  // 2 is now the least recently used
  cache.Put(3, Vectors(3));
  EXPECT_EQ(cache.Find(2), nullptr);
  EXPECT_NE(cache.Find(1), nullptr);
  EXPECT_NE(cache.Find(3), nullptr);
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(BehaviourVectorCacheTest, EraseForgetsAndCapacityZeroKeepsNothing) {
  BehaviourVectorCache cache(2);
  cache.Put(1, Vectors(1));
  cache.Erase(1);
  cache.Erase(7);  // absent: no-op
  EXPECT_EQ(cache.Find(1), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);

  BehaviourVectorCache none(0);
  none.Put(1, Vectors(1));
  EXPECT_EQ(none.Find(1), nullptr);
  EXPECT_EQ(none.stats().entries, 0u);
}

TEST(BehaviourVectorCacheTest, TakeRemovesAndReturnsWithoutCopying) {
  BehaviourVectorCache cache(4);
  cache.Put(1, {{1.0f, 2.0f}, {3.0f}});
  std::optional<BehaviourVectors> taken = cache.Take(1);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->input, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(cache.Find(1), nullptr);  // gone until put back
  EXPECT_FALSE(cache.Take(2).has_value());
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 2u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

}  // namespace
}  // namespace headliner
