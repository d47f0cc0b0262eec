#include "rank/diversifier.h"

#include <cmath>

#include "gtest/gtest.h"

namespace headliner {
namespace {

// Candidates are named by their dense id in this table.
std::vector<std::string>& Names() {
  static std::vector<std::string> names;
  return names;
}

// A candidate at angle `degrees` on the unit circle (content similarity = cosine of the angle
// between two candidates), with a score, a publication time and its near-duplicate group (as its
// candidate list resolved it; by default a group of its own).
Candidate At(const std::string& id, double degrees, double score, int64_t published_seconds,
             int group = -1) {
  Candidate c;
  c.dense_id = Names().size();
  Names().push_back(id);
  c.group = static_cast<uint32_t>(group >= 0 ? group : 1000 + c.dense_id);
  c.published_micros = published_seconds * 1000000;
  const double r = degrees * M_PI / 180;
  c.content_vector = {static_cast<float>(std::cos(r)), static_cast<float>(std::sin(r))};
  c.features.content = 0.5;  // similarity to the source: not a duplicate of it
  c.score = score;
  return c;
}

std::vector<std::string> Ids(const std::vector<Candidate>& v) {
  std::vector<std::string> out;
  for (const Candidate& c : v) out.push_back(Names()[c.dense_id]);
  return out;
}

TEST(DiversifierTest, NearDuplicatesShowTheFreshestAtTheBestScore) {
  RankingConfig config;
  config.near_duplicate_threshold = 0.97;
  // The copies (1 and 2 degrees from old-best) are one group of their list.
  std::vector<Candidate> c = {At("old-best", 0, 0.9, 100, 7), At("other", 90, 0.8, 100),
                              At("new-copy", 1, 0.5, 300, 7), At("older-copy", 2, 0.4, 50, 7)};
  std::vector<Candidate> shown = SelectDiverse(c, 10, config);
  EXPECT_EQ(Ids(shown), (std::vector<std::string>{"new-copy", "other"}));
  EXPECT_DOUBLE_EQ(shown[0].score, 0.9);
}

// Defect: equal scores kept the order of the candidate list, which a list rebuilt after a restart
// may hold differently, so a restart changed the response (e2e_crash_restart saw two items swap).
TEST(DiversifierTest, EqualScoresAreOrderedByIdWhateverTheListOrder) {
  RankingConfig config;
  std::vector<Candidate> one = {At("tie-b", 10, 0.5, 100), At("tie-a", 80, 0.5, 100),
                                At("top", 45, 0.9, 100)};
  std::vector<Candidate> other = {one[2], one[1], one[0]};
  const std::vector<std::string> first = Ids(SelectDiverse(one, 3, config));
  EXPECT_EQ(first, Ids(SelectDiverse(other, 3, config)));
  EXPECT_EQ(first, (std::vector<std::string>{"top", "tie-b", "tie-a"}));  // tie-b's id is lower
}

TEST(DiversifierTest, DuplicatesOfTheSourceAreDropped) {
  RankingConfig config;
  std::vector<Candidate> c = {At("same-as-source", 0, 0.9, 100), At("b", 90, 0.5, 100)};
  c[0].features.content = 0.99;
  EXPECT_EQ(Ids(SelectDiverse(c, 10, config)), (std::vector<std::string>{"b"}));
}

TEST(DiversifierTest, MmrTradesScoreForDiversity) {
  RankingConfig config;
  // Two close angles (cosine 0.87) score highest; a distinct one scores a little less.
  std::vector<Candidate> make = {At("a", 0, 1.0, 100), At("a-ish", 30, 0.95, 100),
                                 At("far", 120, 0.9, 100)};
  std::vector<Candidate> c = make;
  config.mmr_lambda = 1.0;
  EXPECT_EQ(Ids(SelectDiverse(c, 2, config)), (std::vector<std::string>{"a", "a-ish"}));
  c = make;
  config.mmr_lambda = 0.7;
  EXPECT_EQ(Ids(SelectDiverse(c, 2, config)), (std::vector<std::string>{"a", "far"}));
  c = make;
  EXPECT_EQ(SelectDiverse(c, 10, config).size(), 3u);  // fewer candidates than the limit
}

}  // namespace
}  // namespace headliner
