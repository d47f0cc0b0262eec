#include "serve/interleaved_ranking.h"

#include <set>

#include "gtest/gtest.h"

namespace headliner {
namespace {

RankResult List(std::initializer_list<const char*> ids, double score) {
  RankResult r;
  for (const char* id : ids) {
    RankedArticle item;
    item.article.set_id(id);
    item.score = score;
    r.items.push_back(std::move(item));
  }
  return r;
}

TEST(InterleavedRankingTest, ItemsComeFromTheirTeamsListOnceEach) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    InterleavedResult mixed = InterleaveResults(List({"a1", "x", "a2", "a3"}, 1),
                                                List({"x", "b1", "b2", "b3"}, 2), 5, seed);
    ASSERT_EQ(mixed.result.items.size(), 5u);
    ASSERT_EQ(mixed.teams.size(), 5u);
    std::set<std::string> ids;
    int a = 0, b = 0;
    for (size_t i = 0; i < 5; ++i) {
      const RankedArticle& item = mixed.result.items[i];
      EXPECT_TRUE(ids.insert(item.article.id()).second) << item.article.id() << " twice";
      // Each item keeps its own ranking's score, which says which list it came from.
      EXPECT_EQ(item.score, mixed.teams[i] == Team::kA ? 1 : 2);
      (mixed.teams[i] == Team::kA ? a : b)++;
    }
    // Team draft: neither team is ever more than one pick ahead.
    EXPECT_LE(std::abs(a - b), 1);
  }
}

TEST(InterleavedRankingTest, TheSameSeedGivesTheSameResponse) {
  auto ids = [](const InterleavedResult& r) {
    std::vector<std::string> out;
    for (const RankedArticle& item : r.result.items) out.push_back(item.article.id());
    return out;
  };
  std::set<std::vector<std::string>> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const InterleavedResult one =
        InterleaveResults(List({"a", "b", "c"}, 1), List({"d", "e"}, 2), 4, seed);
    const InterleavedResult two =
        InterleaveResults(List({"a", "b", "c"}, 1), List({"d", "e"}, 2), 4, seed);
    EXPECT_EQ(ids(one), ids(two));
    EXPECT_EQ(one.teams, two.teams);
    seen.insert(ids(one));
  }
  EXPECT_EQ(seen.size(), 4u);  // A or B first, in each of the two rounds
}

TEST(InterleavedRankingTest, AFallbackOnlyWhenBothWereAndWorkIsSummed) {
  RankResult a = List({"a"}, 1), b = List({}, 2);
  a.fallback = true;
  a.lists_built = 1;
  b.lists_built = 2;
  a.candidates_scored = 10;
  b.candidates_scored = 5;
  InterleavedResult mixed = InterleaveResults(a, b, 3, 1);
  EXPECT_FALSE(mixed.result.fallback);
  EXPECT_EQ(mixed.result.lists_built, 3);
  EXPECT_EQ(mixed.result.candidates_scored, 15);
  ASSERT_EQ(mixed.teams.size(), 1u);  // B had nothing: A goes on alone
  EXPECT_EQ(mixed.teams[0], Team::kA);
  b.fallback = true;
  EXPECT_TRUE(InterleaveResults(a, b, 3, 1).result.fallback);
}

}  // namespace
}  // namespace headliner
