#include "rank/candidate_list_cache.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

std::shared_ptr<const CandidateList> ListOf(uint64_t source, int k) {
  auto list = std::make_shared<CandidateList>();
  list->source = source;
  list->k = k;
  list->exhausted = false;
  return list;
}

TEST(CandidateListCacheTest, BaseAndWideListsAreKeptApart) {
  CandidateListCache cache(100, /*base_k=*/50);
  cache.Put(ListOf(7, 50), cache.round());
  cache.Put(ListOf(7, 800), cache.round());
  // A request without filters gets the base list, not the wide one.
  EXPECT_EQ(cache.Find(7, 50)->k, 50);
  EXPECT_EQ(cache.Find(7, 200)->k, 800);
  EXPECT_EQ(cache.Find(7, 801), nullptr);
  EXPECT_EQ(cache.Stats().hits, 2u);
  EXPECT_EQ(cache.Stats().misses, 1u);
  cache.Erase(7);
  EXPECT_EQ(cache.Peek(7), nullptr);
  EXPECT_EQ(cache.Peek(7, /*wide=*/true), nullptr);
}

TEST(CandidateListCacheTest, ReplaceNeverAddsAndCapacityEvicts) {
  CandidateListCache cache(16, 50);  // one list per shard
  cache.Replace(ListOf(1, 50));
  EXPECT_FALSE(cache.Contains(1));
  for (uint64_t id = 0; id < 1000; ++id) cache.Put(ListOf(id, 50), cache.round());
  EXPECT_LE(cache.Stats().lists, cache.capacity());
  EXPECT_GT(cache.Stats().evictions, 0u);
}

// The bug this catches: wide lists, built by filtered requests, counted against the same
// capacity and pushed out base lists that the refresher had built for every article.
TEST(CandidateListCacheTest, WideListsNeverEvictBaseLists) {
  CandidateListCache cache(1024, 50);  // 64 base lists and 2 wide lists per shard
  for (uint64_t id = 0; id < 100; ++id) cache.Put(ListOf(id, 50), cache.round());
  ASSERT_EQ(cache.Stats().evictions, 0u);
  for (uint64_t id = 0; id < 100; ++id) cache.Put(ListOf(id, 200), cache.round());
  const CandidateCacheStats stats = cache.Stats();
  EXPECT_EQ(stats.evictions, 0u);
  EXPECT_GT(stats.wide_evictions, 0u);
  EXPECT_LE(stats.wide_lists, cache.capacity() / CandidateListCache::kWideShare);
  EXPECT_EQ(stats.lists - stats.wide_lists, 100u);
  for (uint64_t id = 0; id < 100; ++id) EXPECT_EQ(cache.Find(id, 50)->k, 50) << id;
  // Base lists past the capacity evict base lists only.
  for (uint64_t id = 100; id < 3000; ++id) cache.Put(ListOf(id, 50), cache.round());
  EXPECT_EQ(cache.Stats().lists - cache.Stats().wide_lists, cache.capacity());
  EXPECT_EQ(cache.Stats().wide_lists, stats.wide_lists);
}

TEST(CandidateListCacheTest, AListBuiltAcrossARefreshRoundIsQueuedForTheNext) {
  CandidateListCache cache(100, 50);
  const uint64_t before = cache.round();
  cache.Put(ListOf(1, 50), before);  // no round began meanwhile
  cache.BeginRound();
  cache.Put(ListOf(2, 50), before);  // built before the round, put after it
  EXPECT_EQ(cache.TakeSuspects(), (absl::flat_hash_set<uint64_t>{2}));
  EXPECT_TRUE(cache.TakeSuspects().empty());
}

TEST(CandidateListCacheTest, MemoryCountsEveryMember) {
  CandidateListCache cache(100, 50);
  EXPECT_EQ(cache.MemoryBytes(), 0u);
  auto small = std::make_shared<CandidateList>();
  small->source = 1;
  small->k = 50;
  small->members.resize(10);
  cache.Put(small, cache.round());
  const uint64_t one = cache.MemoryBytes();
  EXPECT_GE(one, 10 * sizeof(CandidateMember) + sizeof(CandidateList));
  auto big = std::make_shared<CandidateList>(*small);
  big->source = 2;
  big->members.resize(1000);
  big->members.shrink_to_fit();
  cache.Put(big, cache.round());
  EXPECT_GE(cache.MemoryBytes() - one, 1000 * sizeof(CandidateMember));
  cache.Erase(2);
  EXPECT_EQ(cache.MemoryBytes(), one);
}

TEST(CandidateListCacheTest, FilteredListsAreServedUntilTheirTtlAndGoWithTheSource) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  CandidateListCache cache(100, 50, /*filtered_capacity=*/100, /*filtered_ttl=*/absl::Seconds(1));
  cache.PutFiltered(ListOf(7, 50), "s1|l*|a*", t0);
  cache.PutFiltered(ListOf(7, 50), "s2|l*|a*", t0);
  EXPECT_EQ(cache.FindFiltered(7, "s1|l*|a*", 50, t0 + absl::Milliseconds(999))->k, 50);
  EXPECT_EQ(cache.FindFiltered(7, "s1|l*|a*", 50, t0 + absl::Seconds(1)), nullptr);  // too old
  EXPECT_EQ(cache.FindFiltered(7, "s3|l*|a*", 50, t0), nullptr);   // another filter
  EXPECT_EQ(cache.FindFiltered(8, "s1|l*|a*", 50, t0), nullptr);   // another source
  EXPECT_EQ(cache.FindFiltered(7, "s1|l*|a*", 200, t0), nullptr);  // too narrow
  EXPECT_EQ(cache.Find(7, 50), nullptr);                           // not the source's own list
  // A newer list for the same filter replaces the old one and its age.
  cache.PutFiltered(ListOf(7, 200), "s1|l*|a*", t0 + absl::Seconds(5));
  EXPECT_EQ(cache.FindFiltered(7, "s1|l*|a*", 200, t0 + absl::Seconds(5))->k, 200);
  const CandidateCacheStats s = cache.Stats();
  EXPECT_EQ(s.filtered_lists, 2u);
  EXPECT_EQ(s.filtered_hits, 2u);
  EXPECT_EQ(s.filtered_misses, 4u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_GT(cache.MemoryBytes(), 0u);
  cache.Erase(7);  // the source changed: its filtered lists go too
  EXPECT_EQ(cache.FindFiltered(7, "s2|l*|a*", 50, t0), nullptr);
  EXPECT_EQ(cache.Stats().filtered_lists, 0u);
}

TEST(CandidateListCacheTest, FilteredListsAreBoundedAndOffWithoutTtl) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  CandidateListCache bounded(100, 50, /*filtered_capacity=*/16, absl::Seconds(1));
  for (uint64_t id = 0; id < 1000; ++id) bounded.PutFiltered(ListOf(id, 50), "k", t0);
  EXPECT_LE(bounded.Stats().filtered_lists, 16u);
  EXPECT_GT(bounded.Stats().filtered_evictions, 0u);
  EXPECT_EQ(bounded.Stats().evictions, 0u);
  CandidateListCache off(100, 50, 100, absl::ZeroDuration());
  off.PutFiltered(ListOf(1, 50), "k", t0);
  EXPECT_EQ(off.FindFiltered(1, "k", 50, t0), nullptr);
  EXPECT_EQ(off.Stats().filtered_lists, 0u);
}

}  // namespace
}  // namespace headliner
